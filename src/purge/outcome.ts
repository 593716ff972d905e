// What one call's answer does to the scheduler: remove what was purged, back off, hold, bisect, dead-letter.
import type { CallKind, DistributionConfig } from '../rules/schema';
import type { CallOutcome } from './gotipath';
import { backoffDelay, type Batch } from './planner';
import type { QueueStore } from './queue-store';

export type Health = 'ok' | 'failing' | 'unauthorized';

export interface SchedulerState {
  health: Health;
  /** No call of a kind before this time (Retry-After, backoff). */
  blockedUntil: Partial<Record<CallKind, number>>;
  /** Failures in a row per kind, for the backoff. */
  failures: Partial<Record<CallKind, number>>;
  /** Path groups being bisected after a 400/422, per kind. */
  suspects: Partial<Record<CallKind, string[][]>>;
  /** While unauthorized: when to check the credentials again. */
  probeAt?: number;
  /** The last batch id handed out; it ties ledger rows to one call. */
  batch: number;
  lastError?: { at: number; kind: CallKind | 'probe'; status: number; message: string };
}

export const initialState = (): SchedulerState => ({ health: 'ok', blockedUntil: {}, failures: {}, suspects: {}, batch: 0 });

/** Clears every hold and backoff: after a successful probe or an admin's resume. */
export function resumeState(state: SchedulerState): void {
  Object.assign(state, { health: 'ok', blockedUntil: {}, failures: {}, probeAt: undefined });
}

export interface OutcomeContext {
  store: QueueStore;
  state: SchedulerState;
  config: DistributionConfig;
  /** The client's timeout: a call that timed out is counted as made this much later. */
  timeoutMs: number;
  now: number;
  random: number;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((p, i) => p === b[i]);

function backOff(ctx: OutcomeContext, kind: CallKind): void {
  const { state, config } = ctx;
  const failures = (state.failures[kind] ?? 0) + 1;
  state.failures[kind] = failures;
  state.blockedUntil[kind] = ctx.now + backoffDelay(failures, ctx.random, config.retry.baseMs, config.retry.maxMs);
}

/** Applies a Gotipath answer to a purge or prefetch call. */
export function applyOutcome(ctx: OutcomeContext, batch: Batch, outcome: CallOutcome, sentAt: number): void {
  const { store, state, config, now } = ctx;
  const { kind, paths } = batch;
  const id = ++state.batch;
  // Gotipath may still act on a call that timed out: count it as made one timeout later.
  store.callLog.record(kind, outcome.status, paths.length, now + (!outcome.ok && outcome.timedOut ? ctx.timeoutMs : 0));
  store.attempt(batch, id, outcome.status, outcome.ok ? undefined : outcome.message, sentAt);
  // A group under suspicion leaves the list when its answer tells something (success or rejection).
  const suspects = (state.suspects[kind] ?? []).filter((g) => !same(g, paths));
  if (outcome.ok) {
    state.suspects[kind] = suspects;
    store.complete(batch, id, sentAt, now);
    state.failures[kind] = 0;
    state.health = 'ok';
    return;
  }
  const { status, message } = outcome;
  state.lastError = { at: now, kind, status, message };
  if (status === 429) {
    state.blockedUntil[kind] = now + (outcome.retryAfterMs ?? config.limits.windowMs);
  } else if (status === 401 || status === 403) {
    // Credentials are wrong for every kind: hold the whole queue and probe, rather than storm the API.
    Object.assign(state, { health: 'unauthorized', probeAt: now + config.retry.authProbeMs });
  } else if (status === 400 || status === 413 || status === 422) {
    // Gotipath rejected something in this batch: send each half alone until the bad path stands alone.
    const half = Math.ceil(paths.length / 2);
    state.suspects[kind] = paths.length > 1 ? [paths.slice(0, half), paths.slice(half), ...suspects] : suspects;
    if (paths.length === 1) store.deadLetter(batch, status, message, now);
  } else {
    state.health = 'failing';
    backOff(ctx, kind);
  }
}

/** Applies the answers to warming GETs: any answer below 500 (but 429) is done; the rest stay queued, backed off. */
export function applyWarming(ctx: OutcomeContext, batch: Batch, statuses: readonly number[], sentAt: number): void {
  const id = ++ctx.state.batch;
  const byStatus = new Map<number, string[]>();
  batch.paths.forEach((path, i) => byStatus.set(statuses[i] ?? 0, [...(byStatus.get(statuses[i] ?? 0) ?? []), path]));
  const done: string[] = [];
  for (const [status, paths] of byStatus) {
    ctx.store.attempt({ kind: 'prefetch', paths }, id, status, status === 0 ? 'no answer' : undefined, sentAt);
    if (status > 0 && status < 500 && status !== 429) done.push(...paths);
  }
  ctx.store.complete({ kind: 'prefetch', paths: done }, id, sentAt, ctx.now);
  if (done.length < batch.paths.length) backOff(ctx, 'prefetch');
  else ctx.state.failures.prefetch = 0;
}
