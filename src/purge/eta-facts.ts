// The scheduler's side of an ETA: where given paths stand in its queue now, read from its store, and when the
// limits let them go (eta.ts). Used by enqueue (the receipt) and by a path's report (why is this URL stale?).
import type { CallKind, DistributionConfig } from '../rules/schema';
import { estimateSendAt } from './eta';
import type { SchedulerState } from './outcome';
import { sendOrder } from './planner';
import type { QueueStore } from './queue-store';

/** Queue rows read per kind to find a place in the order; a path further back counts every pending path. */
const ORDER_ROWS = 5_000;

export interface SendEstimate {
  /** When the last of the paths is expected to be sent (ms since the epoch); null while the distribution is held. */
  sendAt: number | null;
  /** Why nothing is sent now: the distribution's hold ('unauthorized' or 'refused'). */
  held?: 'unauthorized' | 'refused';
}

export interface EstimateOptions {
  store: QueueStore;
  state: SchedulerState;
  config: DistributionConfig;
  /** The scheduler's next alarm, if one is set. */
  alarm: number | null;
  now: number;
}

/** The latest expected send time of the given queued paths (prefetches are not purges: left out). */
export function estimateFor(o: EstimateOptions, paths: readonly { kind: CallKind; path: string }[]): SendEstimate {
  const { store, state, config, now } = o;
  if (state.health === 'unauthorized' || state.health === 'refused') return { sendAt: null, held: state.health };
  const kinds = [...new Set(paths.map((p) => p.kind))].filter((k) => k !== 'prefetch');
  if (kinds.length === 0) return { sendAt: o.alarm ?? now };
  const order = store.queued(ORDER_ROWS, config.limits.windowMs).sort(sendOrder(config.limits.windowMs));
  const pending = new Map(store.counts().map((c) => [c.kind, c.pending - c.folded]));
  const calls = store.callLog.since(now - config.limits.windowMs);
  let latest = now;
  for (const kind of kinds) {
    const mine = new Set(paths.filter((p) => p.kind === kind).map((p) => p.path));
    const ofKind = order.filter((q) => q.kind === kind);
    let position = 0;
    ofKind.forEach((q, i) => mine.has(q.path) && (position = i + 1));
    // Not among the rows read (or folded into a pattern): count the whole backlog of the kind.
    if (position === 0 || ofKind.length >= ORDER_ROWS) position = Math.max(position, pending.get(kind) ?? 1);
    // A queued purge-all goes alone first: one call of its own before anything else.
    const allAhead = kind !== 'all' && order.some((q) => q.kind === 'all');
    const startAt = Math.max(o.alarm ?? now, state.blockedUntil[kind] ?? 0, allAhead ? (state.blockedUntil.all ?? 0) : 0);
    const sendAt = estimateSendAt({
      kind,
      position,
      limits: config.limits,
      recentCalls: calls.filter((c) => c.kind === kind).map((c) => c.at),
      startAt,
      now,
    });
    latest = Math.max(latest, sendAt);
  }
  return { sendAt: latest };
}
