// @ts-check
// Pure helpers of the upstream benchmark: the burst's events, staleness from recorded calls, and the best schedule.
import { quantile } from './lib.mjs';

/**
 * @typedef {{ at: number, status: number, kind: string | null, paths: unknown[] }} CallRecord  A stand-in call.
 * @typedef {{ path: string, ackAt: number, purgedAt: number | undefined, ms: number }} Pair  One change of one path.
 * @typedef {{ windowMs: number, calls: number, paths: number }} ScheduleLimits  Calls per window, paths per call.
 */

export const EVENTS = 2_000;
export const PAGES = EVENTS; // one page per event: /p/doc-<i>
export const LISTINGS = 1_000; // one listing per category, each touched by two events: 3,000 distinct paths in all

/** The paths event `i` changes: its page and its category's listing. */
/** @param {number} i */
export const eventPaths = (i) => [`/p/doc-${i}`, `/list/cat-${i % LISTINGS}`];

/**
 * Staleness of every (event, path): from the event's acknowledgement to the first accepted call carrying
 * the path that was made after the event was sent (an earlier call cannot have purged the change).
 * @param {{ i: number, sentAt: number, ackAt: number }[]} events
 * @param {CallRecord[]} calls
 * @returns {Pair[]}
 */
export function staleness(events, calls) {
  /** @type {Map<unknown, number[]>} */
  const byPath = new Map();
  for (const call of calls) {
    if (call.status !== 200 || call.kind !== 'url') continue;
    for (const p of call.paths) byPath.set(p, [...(byPath.get(p) ?? []), call.at]);
  }
  /** @type {Pair[]} */
  const pairs = [];
  for (const e of events) {
    for (const path of eventPaths(e.i)) {
      const purgedAt = (byPath.get(path) ?? []).find((at) => at >= e.sentAt);
      pairs.push({ path, ackAt: e.ackAt, purgedAt, ms: purgedAt === undefined ? Infinity : Math.max(0, purgedAt - e.ackAt) });
    }
  }
  return pairs;
}

/**
 * Mean paths per accepted URL call, over all calls and over those made while ≥ `min` paths waited.
 * @param {Pair[]} pairs @param {CallRecord[]} calls
 */
export function pathsPerCall(pairs, calls, min = 100) {
  const accepted = calls.filter((c) => c.status === 200 && c.kind === 'url');
  /** @param {number} t */
  const backlogAt = (t) =>
    new Set(pairs.filter((p) => p.ackAt <= t && !(p.purgedAt !== undefined && p.purgedAt < t)).map((p) => p.path)).size;
  const busy = accepted.filter((c) => backlogAt(c.at) >= min);
  /** @param {CallRecord[]} list */
  const mean = (list) => (list.length ? list.reduce((n, c) => n + c.paths.length, 0) / list.length : NaN);
  return { overall: mean(accepted), busy: mean(busy), busyCalls: busy.length };
}

/** p95 and worst of the staleness (ms), and how many changes were never purged. @param {Pair[]} pairs */
export function summarizeStaleness(pairs) {
  const ms = pairs.map((p) => p.ms);
  return { p95: quantile(ms, 0.95), worst: Math.max(...ms), unpurged: ms.filter((m) => m === Infinity).length };
}

/**
 * The best schedule the limits allow, as a yardstick: a sender with no latency that knows the acknowledgement
 * times, keeps to the same sliding window (`calls` per `windowMs`, `paths` per call), sends the oldest paths
 * first, and holds a call until it is full or its oldest path has waited `holdMs`. The best hold of a few is kept.
 * @param {{ i: number, ackAt: number }[]} events @param {ScheduleLimits} limits
 */
export function bestSchedule(events, { windowMs, calls, paths }) {
  const runs = [0, windowMs / 8, windowMs / 4, windowMs / 2, windowMs].map((holdMs) => ({
    ...simulate(events, { windowMs, calls, paths, holdMs }),
    holdMs,
  }));
  // The first of the best: a later hold wins only when strictly better.
  return runs.reduce((best, run) => (run.worst < best.worst || (run.worst === best.worst && run.p95 < best.p95) ? run : best));
}

/** @param {{ i: number, ackAt: number }[]} events @param {ScheduleLimits & { holdMs: number }} options */
function simulate(events, { windowMs, calls, paths, holdMs }) {
  const arrivals = events
    .flatMap((e) => eventPaths(e.i).map((path) => ({ path, ackAt: Math.round(e.ackAt) })))
    .sort((a, b) => a.ackAt - b.ackAt);
  /** path → acknowledgement times waiting for it, oldest first (never empty). @type {Map<string, number[]>} */
  const pending = new Map();
  /** @type {number[]} */
  const sentAt = [];
  /** @type {number[]} */
  const ms = [];
  /** When each (event, path) was sent, beside its acknowledgement. @type {{ ackAt: number, sentAt: number }[]} */
  const sends = [];
  /** The oldest acknowledgement a pending path waits for. @param {number[]} acks */
  const oldestOf = (acks) => /** @type {number} */ (acks[0]);
  const first = arrivals[0];
  if (!first) throw new Error('no events to schedule');
  let next = 0;
  for (let t = first.ackAt; next < arrivals.length || pending.size > 0; t++) {
    for (let arrival = arrivals[next]; arrival && arrival.ackAt <= t; arrival = arrivals[++next]) {
      pending.set(arrival.path, [...(pending.get(arrival.path) ?? []), arrival.ackAt]);
    }
    if (pending.size === 0 || sentAt.filter((s) => s > t - windowMs).length >= calls) continue;
    const oldest = Math.min(...[...pending.values()].map(oldestOf));
    if (pending.size < paths && t - oldest < holdMs && next < arrivals.length) continue;
    const batch = [...pending.entries()].sort((a, b) => oldestOf(a[1]) - oldestOf(b[1])).slice(0, paths);
    for (const [path, acks] of batch) {
      pending.delete(path);
      for (const ackAt of acks) {
        ms.push(t - ackAt);
        sends.push({ ackAt, sentAt: t });
      }
    }
    sentAt.push(t);
  }
  return { calls: sentAt.length, p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), worst: Math.max(...ms), sends };
}
