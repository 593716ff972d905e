// One pass of a distribution's scheduler: plan the calls the limits allow, make them, record outcomes.
import type { CallKind } from '../rules/schema';
import type { CallOutcome, GotipathClient } from './gotipath';
import { backoffDelay, plan, type Batch, type Limits } from './planner';
import type { QueueStore } from './queue-store';

export type Health = 'ok' | 'failing' | 'unauthorized';

export interface SchedulerState {
  blockedUntil: Partial<Record<CallKind, number>>;
  failures: Partial<Record<CallKind, number>>;
  splitSize: Partial<Record<CallKind, number>>;
  health: Health;
  lastError?: { at: number; kind: CallKind; status: number; message: string };
}

export const initialState = (): SchedulerState => ({ blockedUntil: {}, failures: {}, splitSize: {}, health: 'ok' });

export interface FlushOptions {
  store: QueueStore;
  client: GotipathClient;
  distributionId: string;
  limits: Limits;
  now?: () => number;
  random?: () => number;
}

// Rows read per kind for one plan: far more than the calls a window allows can carry.
const PLAN_ROWS = 2_000;
const ALL_KINDS: CallKind[] = ['all', 'pattern', 'url', 'prefetch'];
/** After a 401/403, wait this long before trying the credentials again (doubling, capped). */
const AUTH_RETRY_MS = 60_000;

function send(client: GotipathClient, distributionId: string, batch: Batch): Promise<CallOutcome> {
  return batch.kind === 'prefetch'
    ? client.prefetch(distributionId, batch.paths)
    : client.purge(distributionId, batch.kind, batch.paths);
}

function applyOutcome(options: FlushOptions, state: SchedulerState, batch: Batch, outcome: CallOutcome, sentAt: number) {
  const { store, limits } = options;
  const now = options.now?.() ?? Date.now();
  const random = options.random ?? Math.random;
  store.recordCall(batch.kind, outcome.status, batch.paths.length, outcome.ok ? undefined : outcome.message, now);
  if (outcome.ok) {
    store.complete(batch.kind, batch.paths, sentAt);
    state.failures[batch.kind] = 0;
    state.health = 'ok';
    return;
  }
  state.lastError = { at: now, kind: batch.kind, status: outcome.status, message: outcome.message };
  const failures = (state.failures[batch.kind] ?? 0) + 1;
  if (outcome.status === 429) {
    state.blockedUntil[batch.kind] = now + (outcome.retryAfterMs ?? limits.windowMs);
  } else if (outcome.status === 401 || outcome.status === 403) {
    // Credentials are wrong for every kind: hold the whole queue rather than storm the API.
    state.health = 'unauthorized';
    state.failures[batch.kind] = failures;
    const wait = Math.min(AUTH_RETRY_MS * 2 ** (failures - 1), 600_000);
    for (const kind of ALL_KINDS) state.blockedUntil[kind] = now + wait;
  } else if (outcome.status === 400 || outcome.status === 413 || outcome.status === 422) {
    // Gotipath rejected something in this batch: halve until the bad path stands alone.
    if (batch.paths.length > 1) state.splitSize[batch.kind] = Math.ceil(batch.paths.length / 2);
    else store.deadLetter(batch.kind, batch.kind === 'all' ? [''] : batch.paths, outcome.status, outcome.message, now);
  } else {
    state.health = 'failing';
    state.failures[batch.kind] = failures;
    state.blockedUntil[batch.kind] = now + backoffDelay(failures, random());
  }
}

/** Sends what may be sent now; returns when to run again (undefined: nothing left). */
export async function flush(options: FlushOptions): Promise<number | undefined> {
  const { store, client, distributionId, limits } = options;
  const clock = options.now ?? Date.now;
  const state = store.getMeta<SchedulerState>('state') ?? initialState();
  // Each batch uses a rate slot, so this ends within the handful of slots a window has.
  for (;;) {
    const now = clock();
    const queue = store.queued(PLAN_ROWS);
    for (const kind of ALL_KINDS) if (!queue.some((q) => q.kind === kind)) delete state.splitSize[kind];
    const next = plan({ queue, calls: store.calls(now - limits.windowMs), limits, now, blockedUntil: state.blockedUntil, splitSize: state.splitSize });
    if (next.batches.length === 0) {
      store.setMeta('state', state);
      return next.wakeAt;
    }
    for (const batch of next.batches) {
      const sentAt = clock();
      const outcome = await send(client, distributionId, batch);
      applyOutcome(options, state, batch, outcome, sentAt);
      store.setMeta('state', state);
    }
  }
}
