// "Why is this URL stale?": the facts about one path (its ledger history, queue place, dead letter, the
// distribution's hold, the rules that produce it, a check of origin and edge) → one verdict and one sentence
// in plain words. Pure: GET /admin/paths and POST /admin/paths/check gather the facts.
import { REASONS, type PageCheck } from '../purge/freshness/verdict';
import type { HistoryRow, PathReport } from '../purge/path-report';
import type { NearRule, Producer } from '../rules/path-shape';

/** A check of origin and edge: made now, or the last one the ledger recorded. */
export type CheckFacts = PageCheck & { at: number };

export interface WhyFacts {
  path: string;
  report: Pick<PathReport, 'history' | 'queued' | 'deadLetter' | 'hold' | 'originWait'>;
  producers: readonly Producer[];
  nearest: readonly NearRule[];
  check?: CheckFacts;
  now: number;
}

export const WHY_STATES = [
  'no-rule',
  'queued',
  'held',
  'dead-lettered',
  'origin-wait',
  'edge-stale',
  'origin-stale',
  'fresh',
  'gone',
  'unchecked',
  'unknown',
] as const;
export type WhyState = (typeof WHY_STATES)[number];

export interface Why {
  state: WhyState;
  sentence: string;
  /** When the state began, where known (fresh since, held since, purged at). */
  since?: number;
}

/** "2026-12-08T03:40:12Z": a time in a sentence, to the second. */
export const when = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');

const okCall = (r: HistoryRow) => r.step === 'call' && r.status !== undefined && r.status >= 200 && r.status < 300;
/** A row that says Gotipath purged the path: its own accepted URL call, a pattern's call it was folded into, a cover. */
const purged = (r: HistoryRow, path: string) =>
  (okCall(r) && (r.kind === 'pattern' || (r.kind === 'url' && r.path === path))) || (r.step === 'covered' && r.path === path);

function nearestText(nearest: readonly NearRule[]): string {
  if (nearest.length === 0) return 'the distribution has no rules';
  return `nearest rules: ${nearest.map((n) => `${n.ruleId} (${n.template})`).join(', ')}`;
}

function ageText(check: CheckFacts | undefined): string {
  const age = check?.evidence.edge?.age;
  return age === undefined ? '' : ` (Age ${age} s)`;
}

/** The purges of the path's latest round: the first one after its last queued row, and the ones since. */
function purgesOf(history: readonly HistoryRow[], path: string) {
  const all = history.filter((r) => purged(r, path));
  const lastQueued = history.filter((r) => r.step === 'queued' && r.path === path && r.kind === 'url').at(-1);
  const repurges = history.filter((r) => r.step === 'repurged');
  // A re-purge queues the path again: the round began with the queued row before the first re-purge.
  const roundStart = repurges.length > 0 ? Math.min(lastQueued?.at ?? Infinity, ...repurges.map((r) => r.at)) : lastQueued?.at;
  const firstQueued = history.filter((r) => r.step === 'queued' && r.path === path && r.at <= (roundStart ?? 0)).at(-1);
  const round = all.filter((r) => r.at >= (firstQueued?.at ?? 0));
  return { first: round[0] ?? all.at(-1), last: all.at(-1), count: round.length };
}

function staleAtEdge(f: WhyFacts): Why {
  const { history } = f.report;
  const { first, last, count } = purgesOf(history, f.path);
  const stuck = history.filter((r) => r.step === 'stuck').at(-1);
  const head = first
    ? `purged at ${when(first.at)} but the edge still serves the old version${ageText(f.check)}`
    : `the edge serves an older version than the origin${ageText(f.check)}`;
  let tail: string;
  if (f.report.queued) {
    const at = f.report.queued.estimate.sendAt;
    tail =
      at === null ? 'purged again once the distribution is no longer held' : `queued again, expected to be sent at ${when(at)}`;
  } else if (last && first && last.at > first.at)
    tail = `purged again at ${when(last.at)}${count > 2 ? ` (${count - 1} re-purges)` : ''}`;
  else tail = 'not purged again yet';
  const end = stuck ? `; given up as stuck at ${when(stuck.at)}` : '';
  return { state: 'edge-stale', sentence: `${head}: ${tail}${end}`, ...(first && { since: first.at }) };
}

/** The first `fresh` check of the path since its last purge, or the check made now. */
function freshSince(f: WhyFacts, check: CheckFacts): number {
  const { last } = purgesOf(f.report.history, f.path);
  const fresh = f.report.history.find((r) => r.step === 'checked' && r.detail === 'fresh' && r.at >= (last?.at ?? 0));
  return fresh?.at ?? check.at;
}

function fromCheck(f: WhyFacts, check: CheckFacts): Why {
  const { evidence } = check;
  if (check.verdict === 'gone') {
    const since = freshSince(f, check);
    return {
      state: 'gone',
      since,
      sentence: `gone since ${when(since)}: origin and edge both answer ${evidence.edge?.status ?? 404}`,
    };
  }
  if (check.verdict === 'fresh') {
    const since = freshSince(f, check);
    return { state: 'fresh', since, sentence: `fresh since ${when(since)}` };
  }
  // The origin lacks the event's marker: purging again cannot help until the origin serves the new version.
  if (evidence.reason === 'marker-missing-at-origin')
    return {
      state: 'origin-stale',
      sentence: 'the origin still serves the old version (it does not carry the event’s marker yet)',
    };
  if (check.verdict === 'stale') return staleAtEdge(f);
  const errors = [
    evidence.origin?.error && `origin: ${evidence.origin.error}`,
    evidence.edge?.error && `edge: ${evidence.edge.error}`,
  ];
  const detail = errors.filter(Boolean).join('; ');
  const words = REASONS[evidence.reason] ?? evidence.reason;
  return { state: 'unknown', sentence: `could not tell whether the edge is fresh: ${words}${detail ? ` (${detail})` : ''}` };
}

/** A path held by origin work before its CDN purge, in words (docs/origin.md). */
function originWaitText(wait: NonNullable<PathReport['originWait']>): string {
  const next = wait.nextAt === undefined ? '' : `, next try at ${when(wait.nextAt)}`;
  const failed = wait.lastError ? ` (last failure: ${wait.lastError})` : '';
  switch (wait.state) {
    case 'gate':
      return `waiting for the origin to serve the new version before the CDN purge, since ${when(wait.since)}${next.replace('try', 'poll')}`;
    case 'late':
      return `purged after the origin still served the old version; purged again once it changes${next.replace('try', 'poll')}`;
    case 'dead':
      return `held before the CDN purge: origin step ${wait.step} kept failing${failed}; retry or drop it with the dead letters`;
    case 'step':
      return `held before the CDN purge until origin step ${wait.step} succeeds${failed}${next}`;
  }
}

export function explain(f: WhyFacts): Why {
  const { queued, deadLetter, hold, history, originWait } = f.report;
  if (originWait && !queued) return { state: 'origin-wait', since: originWait.since, sentence: originWaitText(originWait) };
  if (queued && hold) {
    const since = hold.since === undefined ? '' : ` since ${when(hold.since)}`;
    const why = hold.message ? ` (${hold.status ?? ''} ${hold.message})`.replace('( ', '(') : '';
    return {
      state: 'held',
      sentence: `distribution held: ${hold.health}${since}${why}`,
      ...(hold.since && { since: hold.since }),
    };
  }
  const repurging = queued && history.some((r) => r.step === 'repurged' && r.at >= queued.enqueuedAt - 1);
  if (queued && !repurging) {
    const at = queued.estimate.sendAt ?? f.now;
    const folded = queued.cover ? ` (folded into the pattern ${queued.cover})` : '';
    return {
      state: 'queued',
      sentence: `waiting in the queue${folded}, expected to be sent at ${when(at)}`,
      since: queued.enqueuedAt,
    };
  }
  if (repurging) return staleAtEdge(f);
  if (deadLetter)
    return {
      state: 'dead-lettered',
      since: deadLetter.at,
      sentence: `dead-lettered: Gotipath answered ${deadLetter.status} (${deadLetter.message}) at ${when(deadLetter.at)}`,
    };
  const known = history.some((r) => r.path === f.path);
  if (!known && f.producers.length === 0)
    return { state: 'no-rule', sentence: `no rule produces this path (${nearestText(f.nearest)})` };
  if (f.check) return fromCheck(f, f.check);
  const { last } = purgesOf(history, f.path);
  return last
    ? { state: 'unchecked', since: last.at, sentence: `purged at ${when(last.at)}; not checked at the edge since` }
    : { state: 'unchecked', sentence: 'not purged in the time the ledger keeps (3 days); not checked at the edge' };
}
