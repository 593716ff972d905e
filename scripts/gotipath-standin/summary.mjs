// @ts-check
// What a run looked like from the stand-in's record: calls accepted and refused, the paths purged and
// purged again, and the most calls of each kind that fell in any one rate window.
import { DEFAULT_WINDOW_MS, RATE_KINDS } from './limits.mjs';
/** @import { Call } from './api.mjs' */
/** @import { RateKind } from './limits.mjs' */

/** Largest number of timestamps (sorted) falling in any window (t - windowMs, t]. @param {number[]} times @param {number} windowMs */
function maxInWindow(times, windowMs) {
  let best = 0;
  let lo = 0;
  times.forEach((t, hi) => {
    while ((times[lo] ?? t) <= t - windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  });
  return best;
}

/**
 * Summarize recorded calls. `paths` holds the paths accepted in url purges; `duplicates` counts how many of
 * those distinct paths were accepted more than once; `maxCallsInAnyWindow` is per kind, across distributions.
 * @param {Call[]} calls
 * @param {number} [windowMs]
 */
export function summarize(calls, windowMs = DEFAULT_WINDOW_MS) {
  /** @type {Record<string, number>} */
  const rejected = {};
  /** @type {Map<unknown, number>} */
  const urlPaths = new Map();
  /** @type {Map<string, { kind: RateKind, times: number[] }>} */
  const byKey = new Map();
  let accepted = 0;
  for (const call of calls) {
    if (call.status !== 200) {
      rejected[call.status] = (rejected[call.status] ?? 0) + 1;
      continue;
    }
    accepted++;
    if (call.kind === 'url') for (const p of call.paths) urlPaths.set(p, (urlPaths.get(p) ?? 0) + 1);
    const kind = RATE_KINDS.find((k) => k === call.kind);
    if (!kind) continue;
    const key = `${kind}\u0000${call.distributionId}`;
    if (!byKey.has(key)) byKey.set(key, { kind, times: [] });
    byKey.get(key)?.times.push(call.at);
  }
  /** @type {Record<RateKind, number>} */
  const maxCallsInAnyWindow = { url: 0, pattern: 0, all: 0, prefetch: 0 };
  for (const { kind, times } of byKey.values()) {
    times.sort((a, b) => a - b);
    maxCallsInAnyWindow[kind] = Math.max(maxCallsInAnyWindow[kind], maxInWindow(times, windowMs));
  }
  const duplicates = [...urlPaths.values()].filter((n) => n > 1).length;
  return { accepted, rejected, paths: new Set(urlPaths.keys()), duplicates, maxCallsInAnyWindow };
}
