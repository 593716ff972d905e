// One pass of a distribution's scheduler: probe while held, escalate when behind, send what the limits allow.
import { log } from '../lib/log';
import type { DistributionConfig } from '../rules/schema';
import { planEscalation } from './escalate';
import type { GotipathClient } from './gotipath';
import { applyOutcome, applyWarming, resumeState, type SchedulerState } from './outcome';
import { plan, type Batch, type QueuedPath } from './planner';
import type { QueueStore } from './queue-store';
import { warmPaths } from './warm';

export interface FlushOptions {
  store: QueueStore;
  client: GotipathClient;
  state: SchedulerState;
  distributionId: string;
  config: DistributionConfig;
  /** The client's per-call timeout (also used for warming GETs). */
  timeoutMs: number;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
  /** Moves queued cache tags into the path queue as the tag index knows them now. */
  expandTags?: (now: number) => void;
  /** Learns tags from the headers of warming GETs (path, the response's headers). */
  learnTags?: (reports: { path: string; headers: Headers }[]) => void;
}

// Rows read per kind for one plan: far more than the calls a window allows can carry.
const PLAN_ROWS = 2_000;

/** Makes one call (or one round of warming GETs) and applies its answer; false when it failed. */
async function send(o: FlushOptions, batch: Batch): Promise<boolean> {
  const clock = o.now ?? Date.now;
  const sentAt = clock();
  const context = () => ({ ...o, now: clock(), random: (o.random ?? Math.random)() });
  if (batch.kind === 'prefetch' && o.config.warming.mode === 'http-get') {
    const { publicBaseUrl = '', warming } = o.config;
    const seen: { path: string; headers: Headers }[] = [];
    const statuses = await warmPaths(batch.paths, {
      baseUrl: publicBaseUrl,
      concurrency: warming.concurrency,
      timeoutMs: o.timeoutMs,
      fetch: o.fetch,
      onResponse: (path, response) =>
        void (response.ok && !response.redirected && seen.push({ path, headers: response.headers })),
    });
    if (seen.length > 0) o.learnTags?.(seen);
    applyWarming(context(), batch, statuses, sentAt);
    return o.state.failures.prefetch === 0;
  }
  // Counted as a call that timed out (one timeout after its timeout) until its answer replaces it.
  const pending = o.store.callLog.begin(batch.kind, batch.paths.length, sentAt + 2 * o.timeoutMs);
  const outcome =
    batch.kind === 'prefetch'
      ? await o.client.prefetch(o.distributionId, batch.paths)
      : await o.client.purge(o.distributionId, batch.kind, batch.paths);
  applyOutcome(context(), batch, outcome, sentAt);
  o.store.callLog.end(pending);
  return outcome.ok;
}

/** While unauthorized: checks the credentials (GET the distribution) when due; true once they work again. */
async function probe(o: FlushOptions): Promise<boolean> {
  const clock = o.now ?? Date.now;
  if (clock() < (o.state.probeAt ?? 0)) return false;
  const outcome = await o.client.getDistribution(o.distributionId);
  if (outcome.ok) {
    resumeState(o.state);
    log('info', 'credentials work again; queue resumed', { distributionId: o.distributionId });
    return true;
  }
  o.state.lastError = { at: clock(), kind: 'probe', status: outcome.status, message: outcome.message };
  o.state.probeAt = clock() + o.config.retry.authProbeMs;
  return false;
}

/** Applies the escalation policy when the URL backlog is behind its target; true when something changed. */
function escalate(o: FlushOptions, queue: readonly QueuedPath[], now: number): boolean {
  if (o.state.health !== 'ok' || queue.some((q) => q.kind === 'all')) return false;
  const escalation = planEscalation({
    urls: queue.filter((q) => q.kind === 'url'),
    patternsQueued: queue.filter((q) => q.kind === 'pattern').length,
    calls: o.store.callLog.since(now - o.config.limits.windowMs),
    config: o.config,
    now,
    urlBlockedUntil: o.state.blockedUntil.url,
  });
  if (!escalation) return false;
  const priorities = new Map(queue.map((q) => [q.path, q.priority]));
  o.store.escalate(escalation, (path) => priorities.get(path) ?? 0, now);
  log('warn', 'purge escalated', { distributionId: o.distributionId, action: escalation.action, reason: escalation.reason });
  return true;
}

/** Sends what may be sent now, re-planning after every failure; returns when to run again (undefined: nothing left). */
export async function flush(o: FlushOptions): Promise<number | undefined> {
  const { store, state, config } = o;
  const clock = o.now ?? Date.now;
  if (state.health === 'unauthorized' && !(await probe(o))) return state.probeAt;
  // Send time: a tag reaches the pages the index holds now, not when the event came in.
  o.expandTags?.(clock());
  // Each batch uses a rate slot or backs its kind off, so this ends within the handful of slots a window has.
  for (;;) {
    const now = clock();
    store.releasePrefetch(now + config.warming.delayMs);
    let queue = store.queued(PLAN_ROWS, config.limits.windowMs);
    if (escalate(o, queue, now)) queue = store.queued(PLAN_ROWS, config.limits.windowMs);
    const present = new Set(queue.map((q) => `${q.kind} ${q.path}`));
    for (const [kind, groups = []] of Object.entries(state.suspects)) {
      state.suspects[kind as Batch['kind']] = groups.filter((g) => g.some((p) => present.has(`${kind} ${p}`)));
    }
    const next = plan({
      queue,
      calls: store.callLog.since(now - config.limits.windowMs),
      limits: config.limits,
      now,
      blockedUntil: state.blockedUntil,
      suspects: state.suspects,
    });
    if (next.batches.length === 0) return next.wakeAt;
    for (const batch of next.batches) {
      const ok = await send(o, batch);
      // Saved after every call, so a pass cut short never forgets a Retry-After, a backoff or a bisection.
      store.setMeta('state', state);
      if (!ok) break;
    }
    if (state.health === 'unauthorized') return state.probeAt;
  }
}
