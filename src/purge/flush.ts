// One pass of a distribution's scheduler: probe while held, escalate when behind, send what the limits allow.
import { log } from '../lib/log';
import { probeCredentials, probeRefusal } from './holds';
import { planEscalation } from './escalate';
import { plan, type Batch, type QueuedPath } from './planner';
import { parkedPaths, settleRefusals } from './refusal';
import { send, type FlushOptions } from './send';

export type { FlushOptions } from './send';

// Rows read per kind for one plan: far more than the calls a window allows can carry.
const PLAN_ROWS = 2_000;

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

/**
 * Refusals met under other Gotipath settings (a `type` since corrected) prove nothing about the paths: forget
 * them, and probe a refused distribution at once.
 */
function settingsChanged(o: FlushOptions, now: number): void {
  const { state, fingerprint } = o;
  if (fingerprint === undefined || state.fingerprint === fingerprint) return;
  if (state.fingerprint !== undefined) {
    state.refusals = {};
    if (state.health === 'refused') state.probeAt = now;
  }
  state.fingerprint = fingerprint;
}

/** Drops suspects and refused paths that left the queue (sent, covered, dropped), then finished episodes. */
function forgetGone(o: FlushOptions, queue: readonly QueuedPath[]): void {
  const { state } = o;
  const present = new Set(queue.map((q) => `${q.kind} ${q.path}`));
  for (const [kind, groups = []] of Object.entries(state.suspects)) {
    state.suspects[kind as Batch['kind']] = groups.filter((g) => g.some((p) => present.has(`${kind} ${p}`)));
  }
  for (const [kind, episode] of Object.entries(state.refusals ?? {}))
    episode.alone = episode.alone.filter((a) => present.has(`${kind} ${a.path}`));
  settleRefusals(state);
}

/** One log line when queued paths must wait (the rate window used up, or a backoff), saying until when. */
function noteHeldBack(o: FlushOptions, queue: readonly QueuedPath[], until: number, now: number): void {
  // Prefetches wait for their purge and the warming delay, not for a window: only purges are reported.
  const purges = queue.filter((q) => q.kind !== 'prefetch');
  if (o.state.health !== 'ok' || until <= now || purges.length === 0) return;
  const kinds = [...new Set(purges.map((q) => q.kind))];
  const backingOff = kinds.some((k) => (o.state.blockedUntil[k] ?? 0) > now);
  log('info', backingOff ? 'purges back off after a failure' : 'purges held back by the rate window', {
    distributionId: o.distributionId,
    paths: purges.length,
    until: new Date(until).toISOString(),
  });
}

/** Sends what may be sent now, re-planning after every failure; returns when to run again (undefined: nothing left). */
export async function flush(o: FlushOptions): Promise<number | undefined> {
  const { store, state, config } = o;
  const clock = o.now ?? Date.now;
  settingsChanged(o, clock());
  if (state.health === 'unauthorized' && !(await probeCredentials(o))) return state.probeAt;
  if (state.health === 'refused') {
    const probed = await probeRefusal(o);
    if (probed !== true) return probed;
  }
  // Send time: a tag reaches the pages the index holds now, not when the event came in.
  o.expandTags?.(clock());
  // Each batch uses a rate slot or backs its kind off, so this ends within the handful of slots a window has.
  for (;;) {
    const now = clock();
    store.releasePrefetch(now + config.warming.delayMs);
    let queue = store.queued(PLAN_ROWS, config.limits.windowMs);
    if (escalate(o, queue, now)) queue = store.queued(PLAN_ROWS, config.limits.windowMs);
    forgetGone(o, queue);
    const next = plan({
      queue,
      calls: store.callLog.since(now - config.limits.windowMs),
      limits: config.limits,
      now,
      blockedUntil: state.blockedUntil,
      suspects: state.suspects,
      parked: parkedPaths(state),
    });
    if (next.batches.length === 0) {
      if (queue.length > 0 && next.wakeAt !== undefined) noteHeldBack(o, queue, next.wakeAt, now);
      return next.wakeAt;
    }
    for (const batch of next.batches) {
      const ok = await send(o, batch);
      // Saved after every call, so a pass cut short never forgets a Retry-After, a backoff or a bisection.
      store.setMeta('state', state);
      if (!ok) break;
    }
    if (state.health === 'unauthorized' || state.health === 'refused') return state.probeAt;
  }
}
