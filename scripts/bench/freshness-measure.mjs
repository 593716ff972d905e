// @ts-check
// Pure helpers of the freshness benchmark: when each changed page went live at the edge, and which pages the edge
// still serves in an old version, from the stand-in's record.
/** @import { Eviction } from '../gotipath-standin/edge.mjs' */

/**
 * Publish → live at the edge for every (event, page): from the event's acknowledgement to the first eviction of the
 * page made after the event was sent (the next request then fetches the new version); Infinity if none was.
 * @param {{ i: number, sentAt: number, ackAt: number }[]} events @param {Eviction[]} evictions
 * @param {(i: number) => string[]} pathsOf the pages event i changed
 */
export function liveTimes(events, evictions, pathsOf) {
  /** @type {Map<string, number[]>} */
  const evictedAt = new Map();
  for (const e of evictions) if (e.outcome === 'evicted') evictedAt.set(e.path, [...(evictedAt.get(e.path) ?? []), e.at]);
  return events.flatMap((event) =>
    pathsOf(event.i).map((path) => {
      const at = (evictedAt.get(path) ?? []).find((t) => t >= event.sentAt);
      return at === undefined ? Infinity : Math.max(0, at - event.ackAt);
    }),
  );
}

/**
 * How many cached pages the edge serves in another version than the origin's (by ETag); a page not cached is
 * fetched from the origin at its next request, so it is not stale.
 * @param {{ path: string, etag?: string }[]} entries what the edge holds
 * @param {Map<string, { etag: string }>} originPages what the origin serves now
 */
export const stalePages = (entries, originPages) =>
  entries.filter((e) => originPages.has(e.path) && originPages.get(e.path)?.etag !== e.etag).length;

/**
 * The soonest each page of the best schedule can be verified live: its purge is in effect `evictMs` after it is sent,
 * its first check comes `firstCheckMs` after it is sent, and checks start at most `ratePerSecond` (the origin's pace),
 * in the order the pages become due. Milliseconds from each acknowledgement.
 * @param {{ ackAt: number, sentAt: number }[]} sends @param {{ evictMs: number, firstCheckMs: number, ratePerSecond: number }} pace
 */
export function verifiedBound(sends, { evictMs, firstCheckMs, ratePerSecond }) {
  const due = sends.map((s) => ({ ackAt: s.ackAt, at: s.sentAt + Math.max(evictMs, firstCheckMs) })).sort((a, b) => a.at - b.at);
  let next = -Infinity;
  return due.map(({ ackAt, at }) => {
    next = Math.max(at, next + 1000 / ratePerSecond);
    return next - ackAt;
  });
}
