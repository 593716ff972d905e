// What one call's answer does to the scheduler: remove what was purged, back off, hold, bisect, dead-letter.
import type { CallKind, DistributionConfig } from '../rules/schema';
import type { CallOutcome } from './gotipath';
import { backoffDelay, type Batch } from './planner';
import type { QueueStore } from './queue-store';
import { acceptedCall, classify, refusedCall, type KindRefusals, type RefusalHold } from './refusal';

export type Health = 'ok' | 'failing' | 'unauthorized' | 'refused';

export interface SchedulerState {
  health: Health;
  /** No call of a kind before this time (Retry-After, backoff). */
  blockedUntil: Partial<Record<CallKind, number>>;
  /** Failures in a row per kind, for the backoff. */
  failures: Partial<Record<CallKind, number>>;
  /** Path groups being bisected after a 400/422, per kind. */
  suspects: Partial<Record<CallKind, string[][]>>;
  /** Paths refused alone, waiting for evidence, per kind (refusal.ts). */
  refusals?: Partial<Record<CallKind, KindRefusals>>;
  /** While refused: the refusal every call met, and what a probe resends. */
  hold?: RefusalHold;
  /** The Gotipath API settings the refusals were met under: a change clears them (flush.ts). */
  fingerprint?: string;
  /** While unauthorized or refused: when to check again. */
  probeAt?: number;
  /** The last batch id handed out; it ties ledger rows to one call. */
  batch: number;
  lastError?: { at: number; kind: CallKind | 'probe'; status: number; message: string };
}

export const initialState = (): SchedulerState => ({ health: 'ok', blockedUntil: {}, failures: {}, suspects: {}, batch: 0 });

/** Clears every hold, backoff and refusal: after a successful probe or an admin's resume, calls go out whole again. */
export function resumeState(state: SchedulerState): void {
  Object.assign(state, { health: 'ok', blockedUntil: {}, failures: {}, suspects: {}, refusals: {}, probeAt: undefined });
  delete state.hold;
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

/** Applies a Gotipath answer to a purge or prefetch call (while refused: to the probe that resends one path). */
export function applyOutcome(ctx: OutcomeContext, batch: Batch, outcome: CallOutcome, sentAt: number): void {
  const { store, state, config, now } = ctx;
  const { kind, paths } = batch;
  const id = ++state.batch;
  // Gotipath may still act on a call that timed out: count it as made one timeout later.
  store.callLog.record(kind, outcome.status, paths.length, now + (!outcome.ok && outcome.timedOut ? ctx.timeoutMs : 0));
  store.attempt(batch, id, outcome.status, outcome.ok ? undefined : outcome.message, sentAt);
  // A group under suspicion leaves the list when its answer tells something (success or rejection).
  state.suspects[kind] = (state.suspects[kind] ?? []).filter((g) => !same(g, paths));
  const verdict = classify(outcome);
  if (outcome.ok) {
    if (state.health === 'refused') resumeState(state);
    store.complete(batch, id, sentAt, now);
    acceptedCall(state, store, batch, now);
    Object.assign(state, { health: 'ok', failures: { ...state.failures, [kind]: 0 } });
    return;
  }
  const { status, message } = outcome;
  state.lastError = { at: now, kind, status, message };
  const probing = state.health === 'refused';
  if (verdict === 'rate') {
    // A 429, or a 400 saying a quota was exceeded: wait, keep every path.
    state.blockedUntil[kind] = now + (outcome.retryAfterMs ?? config.limits.windowMs);
  } else if (verdict === 'auth') {
    // Credentials are wrong for every kind: hold the whole queue and probe, rather than storm the API.
    Object.assign(state, { health: 'unauthorized', probeAt: now + config.retry.authProbeMs });
  } else if (verdict === 'refused' && !probing) {
    const retry = { now, random: ctx.random, baseMs: config.retry.baseMs, maxMs: config.retry.maxMs };
    const hold = refusedCall(state, store, batch, { status, message }, retry);
    if (hold) Object.assign(state, { health: 'refused', hold, probeAt: now + config.retry.authProbeMs });
  } else if (!probing) {
    state.health = 'failing';
    backOff(ctx, kind);
  }
  // While held, any answer but a success keeps the hold: the next probe comes a probe interval later.
  if (probing && state.health === 'refused')
    state.probeAt = Math.max(now + config.retry.authProbeMs, state.blockedUntil[kind] ?? 0);
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
