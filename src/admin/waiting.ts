// What is waiting in a distribution's queue and why, in plain words, from its status (GET /admin/status, the
// console overview, `purge-relay status`). Pure.
import type { SchedulerStatus } from '../purge/status';

export interface Waiting {
  paths: number;
  /** Why it has not gone yet; absent when nothing waits. */
  why?: string;
  nextSendAt?: string;
}

type StatusFacts = Pick<
  SchedulerStatus,
  'health' | 'pending' | 'tokens' | 'blockedUntil' | 'nextSendAt' | 'nextProbeAt' | 'hold' | 'lastError' | 'folded'
>;

export function describeWaiting(s: StatusFacts): Waiting {
  const kinds = Object.entries(s.pending).filter(([, n]) => n > 0);
  const paths = kinds.reduce((n, [, v]) => n + v, 0);
  if (paths === 0) return { paths };
  const at = s.nextSendAt ?? 'the next alarm';
  const base = { paths, ...(s.nextSendAt && { nextSendAt: s.nextSendAt }) };
  if (s.health === 'unauthorized')
    return {
      ...base,
      why: `held: Gotipath refuses the relay’s credentials (${s.lastError?.status ?? '401/403'}); next check at ${s.nextProbeAt ?? at}`,
    };
  if (s.health === 'refused')
    return {
      ...base,
      why: `held: Gotipath refuses every ${s.hold?.kind ?? ''} call (${s.hold?.status ?? ''}: ${s.hold?.message ?? ''}); next try at ${s.nextProbeAt ?? at}`,
    };
  const blocked = kinds.map(([k]) => [k, s.blockedUntil[k]] as const).filter(([, until]) => until !== undefined);
  if (blocked.length > 0)
    return {
      ...base,
      why: `backing off (${blocked.map(([k, until]) => `${k} until ${until}`).join(', ')}) after ${s.lastError ? `a ${s.lastError.status} answer` : 'a failure'}`,
    };
  const spent = kinds.filter(([k]) => (s.tokens as Record<string, number>)[k] === 0).map(([k]) => k);
  if (spent.length === kinds.length)
    return { ...base, why: `the rate window is used up (${spent.join(', ')}): next call at ${at}` };
  const folded = s.folded > 0 ? `; ${s.folded} URL path(s) folded into patterns` : '';
  return { ...base, why: `gathering paths (coalescing) or about to go: next send at ${at}${folded}` };
}
