// Pure helpers of the upstream benchmark: the burst's events, staleness from recorded calls, and the best schedule.
import { quantile } from './lib.mjs';

export const EVENTS = 2_000;
export const PAGES = EVENTS; // one page per event: /p/doc-<i>
export const LISTINGS = 1_000; // one listing per category, each touched by two events: 3,000 distinct paths in all

/** The paths event `i` changes: its page and its category's listing. */
export const eventPaths = (i) => [`/p/doc-${i}`, `/list/cat-${i % LISTINGS}`];

/**
 * Staleness of every (event, path): from the event's acknowledgement to the first accepted call carrying
 * the path that was made after the event was sent (an earlier call cannot have purged the change).
 * @param {{ i: number, sentAt: number, ackAt: number }[]} events
 * @param {{ at: number, status: number, kind: string | null, paths: unknown[] }[]} calls
 */
export function staleness(events, calls) {
  const byPath = new Map();
  for (const call of calls) {
    if (call.status !== 200 || call.kind !== 'url') continue;
    for (const p of call.paths) byPath.set(p, [...(byPath.get(p) ?? []), call.at]);
  }
  const pairs = [];
  for (const e of events) {
    for (const path of eventPaths(e.i)) {
      const purgedAt = (byPath.get(path) ?? []).find((at) => at >= e.sentAt);
      pairs.push({ path, ackAt: e.ackAt, purgedAt, ms: purgedAt === undefined ? Infinity : Math.max(0, purgedAt - e.ackAt) });
    }
  }
  return pairs;
}

/** Mean paths per accepted URL call, over all calls and over those made while ≥ `min` paths waited. */
export function pathsPerCall(pairs, calls, min = 100) {
  const accepted = calls.filter((c) => c.status === 200 && c.kind === 'url');
  const backlogAt = (t) => new Set(pairs.filter((p) => p.ackAt <= t && !(p.purgedAt < t)).map((p) => p.path)).size;
  const busy = accepted.filter((c) => backlogAt(c.at) >= min);
  const mean = (list) => (list.length ? list.reduce((n, c) => n + c.paths.length, 0) / list.length : NaN);
  return { overall: mean(accepted), busy: mean(busy), busyCalls: busy.length };
}

/** p95 and worst of the staleness (ms), and how many changes were never purged. */
export function summarizeStaleness(pairs) {
  const ms = pairs.map((p) => p.ms);
  return { p95: quantile(ms, 0.95), worst: Math.max(...ms), unpurged: ms.filter((m) => m === Infinity).length };
}

/**
 * The best schedule the limits allow, as a yardstick: a sender with no latency that knows the acknowledgement
 * times, keeps to the same sliding window (`calls` per `windowMs`, `paths` per call), sends the oldest paths
 * first, and holds a call until it is full or its oldest path has waited `holdMs`. The best hold of a few is kept.
 * @param {{ i: number, ackAt: number }[]} events
 */
export function bestSchedule(events, { windowMs, calls, paths }) {
  let best;
  for (const holdMs of [0, windowMs / 8, windowMs / 4, windowMs / 2, windowMs]) {
    const result = simulate(events, { windowMs, calls, paths, holdMs });
    if (!best || result.worst < best.worst || (result.worst === best.worst && result.p95 < best.p95))
      best = { ...result, holdMs };
  }
  return best;
}

function simulate(events, { windowMs, calls, paths, holdMs }) {
  const arrivals = events
    .flatMap((e) => eventPaths(e.i).map((path) => ({ path, ackAt: Math.round(e.ackAt) })))
    .sort((a, b) => a.ackAt - b.ackAt);
  const pending = new Map(); // path → acknowledgement times waiting for it
  const sentAt = [];
  const ms = [];
  let next = 0;
  for (let t = arrivals[0].ackAt; next < arrivals.length || pending.size > 0; t++) {
    while (next < arrivals.length && arrivals[next].ackAt <= t) {
      const { path, ackAt } = arrivals[next++];
      pending.set(path, [...(pending.get(path) ?? []), ackAt]);
    }
    if (pending.size === 0 || sentAt.filter((s) => s > t - windowMs).length >= calls) continue;
    const oldest = Math.min(...[...pending.values()].map((acks) => acks[0]));
    if (pending.size < paths && t - oldest < holdMs && next < arrivals.length) continue;
    const batch = [...pending.entries()].sort((a, b) => a[1][0] - b[1][0]).slice(0, paths);
    for (const [path, acks] of batch) {
      pending.delete(path);
      for (const ackAt of acks) ms.push(t - ackAt);
    }
    sentAt.push(t);
  }
  return { calls: sentAt.length, p95: quantile(ms, 0.95), worst: Math.max(...ms) };
}
