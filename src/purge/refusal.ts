// What a refused call (400/413/422) proves. A path is dead-lettered only with evidence that it alone is refused: a
// call of its kind without it was accepted after the refusals began. Single paths refused with the same message and
// no such evidence mean Gotipath refuses every call (a wrong `type`, a changed API): the distribution is held.
import type { CallKind } from '../rules/schema';
import type { CallOutcome } from './gotipath';
import { backoffDelay, type Batch, type Parked } from './planner';
import type { QueueStore } from './queue-store';

/** A path refused alone, waiting for evidence that it is the cause. */
export interface LoneRefusal {
  path: string;
  status: number;
  message: string;
  at: number;
}

/** One kind's refusals since the first refused call of this episode (it ends when nothing is under suspicion). */
export interface KindRefusals {
  alone: LoneRefusal[];
  /** A call of this kind (for purge-all: any purge) was accepted since the episode began. */
  accepted: boolean;
  /** How often a lone path was refused in this episode; spaces out retrying them alone. */
  tries: number;
  /** When nothing else of the kind is queued, the lone paths are tried alone again from here. */
  retryAt: number;
}

/** Why the whole distribution is held: Gotipath refused different paths alike. */
export interface RefusalHold {
  kind: CallKind;
  status: number;
  message: string;
  at: number;
}

export interface RefusalState {
  refusals?: Partial<Record<CallKind, KindRefusals>>;
  suspects: Partial<Record<CallKind, string[][]>>;
}

export type Verdict = 'ok' | 'rate' | 'auth' | 'refused' | 'failure';

/** Gcore answers a quota overrun with a 400 whose message says so ("exceeded the URL quota", GOTIPATH.md). */
const QUOTA = /quota/i;
const EXCEEDED = /exceed/i;

/** What an answer means for the scheduler: a 400 about a quota is a rate limit, not a refusal of its paths. */
export function classify(outcome: CallOutcome): Verdict {
  if (outcome.ok) return 'ok';
  const { status, message } = outcome;
  if (status === 429 || (status === 400 && QUOTA.test(message) && EXCEEDED.test(message))) return 'rate';
  if (status === 401 || status === 403) return 'auth';
  if (status === 400 || status === 413 || status === 422) return 'refused';
  return 'failure';
}

/** The kinds an accepted call of `kind` is evidence for: its own, and a refused purge-all for any purge. */
const evidenceFor = (kind: CallKind): CallKind[] => (kind === 'url' || kind === 'pattern' ? [kind, 'all'] : [kind]);

/** The planner's view: per kind, the paths refused alone and when they may be tried alone again. */
export function parkedPaths(state: RefusalState): Partial<Record<CallKind, Parked>> {
  const out: Partial<Record<CallKind, Parked>> = {};
  for (const [kind, r] of Object.entries(state.refusals ?? {}))
    if (r.alone.length > 0) out[kind as CallKind] = { paths: r.alone.map((a) => a.path), retryAt: r.retryAt };
  return out;
}

/** An accepted call: the paths of this kind refused alone are now shown to be the cause, and become dead letters. */
export function acceptedCall(state: RefusalState, store: QueueStore, batch: Batch, now: number): void {
  for (const kind of evidenceFor(batch.kind)) {
    const episode = state.refusals?.[kind];
    if (!episode) continue;
    episode.accepted = true;
    const guilty = episode.alone.filter((a) => !(kind === batch.kind && batch.paths.includes(a.path)));
    for (const a of guilty) store.deadLetter({ kind, paths: [a.path] }, a.status, a.message, now);
    episode.alone = [];
  }
  settleRefusals(state);
}

/**
 * A refused call: halve a batch and send each half alone; a single path with evidence is a dead letter; different
 * single paths refused alike hold the distribution (returned); otherwise the path is parked until evidence comes.
 */
export function refusedCall(
  state: RefusalState,
  store: QueueStore,
  batch: Batch,
  answer: { status: number; message: string },
  retry: { now: number; random: number; baseMs: number; maxMs: number },
): RefusalHold | undefined {
  const { kind, paths } = batch;
  const refusals = (state.refusals ??= {});
  const episode = (refusals[kind] ??= { alone: [], accepted: false, tries: 0, retryAt: 0 });
  const { status, message } = answer;
  if (paths.length > 1) {
    const half = Math.ceil(paths.length / 2);
    state.suspects[kind] = [paths.slice(0, half), paths.slice(half), ...(state.suspects[kind] ?? [])];
    return undefined;
  }
  const path = paths[0] ?? '';
  if (episode.accepted) {
    store.deadLetter(batch, status, message, retry.now);
    episode.alone = episode.alone.filter((a) => a.path !== path);
    settleRefusals(state);
    return undefined;
  }
  if (episode.alone.some((a) => a.path !== path && a.status === status && a.message === message))
    return { kind, status, message, at: retry.now };
  episode.alone = [...episode.alone.filter((a) => a.path !== path), { path, status, message, at: retry.now }];
  episode.tries++;
  episode.retryAt = retry.now + backoffDelay(episode.tries, retry.random, retry.baseMs, retry.maxMs);
  return undefined;
}

/** Forgets the episodes with nothing left under suspicion (after an answer, or when paths left the queue). */
export function settleRefusals(state: RefusalState): void {
  for (const [kind, episode] of Object.entries(state.refusals ?? {})) {
    if (episode.alone.length === 0 && (state.suspects[kind as CallKind] ?? []).length === 0)
      delete state.refusals![kind as CallKind];
  }
}
