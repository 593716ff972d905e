// When queued paths are expected to be sent (the receipt's etaSeconds, "why" for a queued path): their place in
// the sending order and the rate windows. Pure: the scheduler gathers the facts (eta-facts.ts).
import type { CallKind } from '../rules/schema';
import type { Limits } from './planner';

/** Calls simulated at most: a queue deeper than this many calls ahead is reported at this bound. */
export const ETA_MAX_CALLS = 10_000;

export interface SendEstimateInput {
  kind: CallKind;
  /** Paths of this kind sent before the last of ours, plus ours: its place in the sending order (1 = first). */
  position: number;
  limits: Limits;
  /** When the calls of this kind still in the current window were counted (planner.ts counts a call at its answer). */
  recentCalls: readonly number[];
  /** Nothing goes before this: the scheduler's next alarm (coalescing), a backoff or a Retry-After. */
  startAt: number;
  now: number;
}

/**
 * When the call carrying the path at `position` is expected to go: calls carry `limits[kind].paths` paths each,
 * at most `limits[kind].calls` of them in any window of `windowMs` (a slot comes back one window after it was
 * spent, as planner.ts `windowState` counts it).
 */
export function estimateSendAt(input: SendEstimateInput): number {
  const { kind, limits, now } = input;
  const { calls: perWindow, paths: perCall } = limits[kind];
  const needed = Math.min(ETA_MAX_CALLS, Math.max(1, Math.ceil(input.position / Math.max(1, perCall))));
  const spent = input.recentCalls.filter((at) => at > now - limits.windowMs).sort((a, b) => a - b);
  let at = Math.max(now, input.startAt);
  for (let call = 0; call < needed; call += 1) {
    const blocking = spent[spent.length - perWindow];
    if (blocking !== undefined) at = Math.max(at, blocking + limits.windowMs + 1);
    spent.push(at);
  }
  return at;
}

/** Whole seconds from `now` to `at`, never negative (the receipt's etaSeconds). */
export const secondsUntil = (at: number, now: number) => Math.max(0, Math.ceil((at - now) / 1000));
