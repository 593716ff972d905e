// One Gotipath call (or one round of warming GETs) and its answer applied: a slot in the account's general limit
// first, the call counted in the distribution's window while it is in flight, then what the answer means.
import { log } from '../lib/log';
import type { DistributionConfig } from '../rules/schema';
import type { CallGate } from './account-limiter';
import type { GotipathClient } from './gotipath';
import { applyOutcome, applyWarming, type SchedulerState } from './outcome';
import type { Batch } from './planner';
import type { QueuedOrigin, QueueStore } from './queue-store';
import { warmPaths } from './warm';

export interface FlushOptions {
  store: QueueStore;
  client: GotipathClient;
  state: SchedulerState;
  distributionId: string;
  config: DistributionConfig;
  /** The client's per-call timeout (also used for warming GETs). */
  timeoutMs: number;
  /** The account's general limit: a slot before every Gotipath call (none in unit tests that make no real calls). */
  gate?: CallGate;
  /** The Gotipath API settings in force (type values, prefetch path): refusals met under others are forgotten. */
  fingerprint?: string;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
  /** Moves queued cache tags into the path queue as the tag index knows them now. */
  expandTags?: (now: number) => void;
  /** Learns tags from the headers of warming GETs (path, the response's headers). */
  learnTags?: (reports: { path: string; headers: Headers }[]) => void;
  /** A purge was accepted: the rows it purged as they were when it was sent (verification checks them). */
  onPurged?: (batch: Batch, covered: QueuedOrigin[], at: number) => void;
}

/** No slot in the account's window came within the limiter's wait: that kind tries again this much later. */
const NO_SLOT_RETRY_MS = 1_000;

export const contextOf = (o: FlushOptions) => ({ ...o, now: (o.now ?? Date.now)(), random: (o.random ?? Math.random)() });

/** Runs `call` in a slot of the account's general limit; undefined when no slot came (the call was not made). */
export async function inSlot<T>(gate: CallGate | undefined, call: () => Promise<T>): Promise<{ value: T } | undefined> {
  const release = gate ? await gate.acquire() : async () => {};
  if (!release) return undefined;
  try {
    return { value: await call() };
  } finally {
    // The answer is what matters; a slot never released stops counting at the end of its hold anyway.
    await release().catch((error: unknown) => log('warn', 'account limiter release failed', { error: String(error) }));
  }
}

async function warm(o: FlushOptions, batch: Batch): Promise<boolean> {
  const sentAt = (o.now ?? Date.now)();
  const { publicBaseUrl = '', warming } = o.config;
  const seen: { path: string; headers: Headers }[] = [];
  const statuses = await warmPaths(batch.paths, {
    baseUrl: publicBaseUrl,
    concurrency: warming.concurrency,
    timeoutMs: o.timeoutMs,
    fetch: o.fetch,
    onResponse: (path, response) => void (response.ok && !response.redirected && seen.push({ path, headers: response.headers })),
  });
  if (seen.length > 0) o.learnTags?.(seen);
  applyWarming(contextOf(o), batch, statuses, sentAt);
  return o.state.failures.prefetch === 0;
}

/** Makes one call (warming GETs need no slot: they are not Gotipath's) and applies its answer; false when it failed. */
export async function send(o: FlushOptions, batch: Batch): Promise<boolean> {
  if (batch.kind === 'prefetch' && o.config.warming.mode === 'http-get') return warm(o, batch);
  const clock = o.now ?? Date.now;
  // The answer is applied inside the slot: the slot goes back once the scheduler has taken the answer in.
  const made = await inSlot(o.gate, async () => {
    const sentAt = clock();
    // Counted as a call that timed out (one timeout after its timeout) until its answer replaces it.
    const pending = o.store.callLog.begin(batch.kind, batch.paths.length, sentAt + 2 * o.timeoutMs);
    // Read before the answer removes them: who asked for each path, and the marker its check seeks.
    const covered = o.onPurged && batch.kind !== 'prefetch' ? o.store.origins(batch) : [];
    const outcome =
      batch.kind === 'prefetch'
        ? await o.client.prefetch(o.distributionId, batch.paths)
        : await o.client.purge(o.distributionId, batch.kind, batch.paths);
    applyOutcome(contextOf(o), batch, outcome, sentAt);
    o.store.callLog.end(pending);
    if (outcome.ok && batch.kind !== 'prefetch') o.onPurged?.(batch, covered, clock());
    return outcome.ok;
  });
  if (!made) {
    o.state.blockedUntil[batch.kind] = Math.max(o.state.blockedUntil[batch.kind] ?? 0, clock() + NO_SLOT_RETRY_MS);
    return false;
  }
  return made.value;
}
