// The scheduler's side of an ETA: where given paths stand in its queue now, read from its store, and when the
// limits let them go (eta.ts). Used by enqueue (the receipt) and by a path's report (why is this URL stale?).
import type { CallKind, DistributionConfig } from '../rules/schema';
import { estimateSendAt } from './eta';
import type { SchedulerState } from './outcome';
import type { QueueStore } from './queue-store';

export interface SendEstimate {
  /** When the last of the paths is expected to be sent (ms since the epoch); null while the distribution is held. */
  sendAt: number | null;
  /** Why nothing is sent now: the distribution's hold ('unauthorized' or 'refused'). */
  held?: 'unauthorized' | 'refused';
}

export interface EstimateOptions {
  sql: SqlStorage;
  store: QueueStore;
  state: SchedulerState;
  config: DistributionConfig;
  /** The scheduler's next alarm, if one is set. */
  alarm: number | null;
  now: number;
}

/**
 * The place of the last of `paths` in its kind's sending order (planner.ts `sendOrder`, as queue-store.ts reads
 * it), counted in SQLite: no row leaves the database. URL paths folded into a pattern are not sent as URLs.
 */
function placeInOrder(sql: SqlStorage, kind: CallKind, paths: readonly string[], windowMs: number): number {
  const row = sql
    .exec<{ place: number | null }>(
      `SELECT max(n) AS place FROM (
         SELECT path, row_number() OVER (ORDER BY enqueued_at + priority * ?2, priority, path) AS n
         FROM queue WHERE kind = ?1 AND cover IS NULL
       ) WHERE path IN (SELECT value FROM json_each(?3))`,
      kind,
      windowMs,
      JSON.stringify(paths),
    )
    .toArray()[0];
  return row?.place ?? 1;
}

/** The latest expected send time of the given queued paths (prefetches are not purges: left out). */
export function estimateFor(o: EstimateOptions, paths: readonly { kind: CallKind; path: string }[]): SendEstimate {
  const { store, state, config, now } = o;
  if (state.health === 'unauthorized' || state.health === 'refused') return { sendAt: null, held: state.health };
  const kinds = [...new Set(paths.map((p) => p.kind))].filter((k) => k !== 'prefetch');
  if (kinds.length === 0) return { sendAt: o.alarm ?? now };
  const calls = store.callLog.since(now - config.limits.windowMs);
  // A queued purge-all goes alone first: one call of its own before anything else.
  const allQueued = store.isQueued('all', '');
  let latest = now;
  for (const kind of kinds) {
    const mine = paths.filter((p) => p.kind === kind).map((p) => p.path);
    const position = placeInOrder(o.sql, kind, mine, config.limits.windowMs);
    const allAhead = kind !== 'all' && allQueued;
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
