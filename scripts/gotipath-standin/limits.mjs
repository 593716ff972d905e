// @ts-check
// Gotipath's rate limits as the stand-in enforces them: accepted calls per sliding window, for each
// distribution and kind of call (url, pattern, all, prefetch), paths per call, and the account-wide
// general limit on every request.
/** @import { Call, Outcome } from './api.mjs' */

/**
 * @typedef {'url' | 'pattern' | 'all' | 'prefetch'} RateKind
 * @typedef {{ max: number, paths?: number }} KindLimit  `max` calls per window, `paths` per call.
 * @typedef {Record<RateKind, KindLimit>} Limits
 * @typedef {{ max: number, windowMs: number }} AccountLimit  requests per window for one account, all kinds together.
 * @typedef {'client' | 'named'} AccountScope  who shares an account window: every call of one client id, or
 *   only distributions given an `account` fault (a stand-in shared by several relays, as in the worker tests).
 */

export const DEFAULT_WINDOW_MS = 60_000;
/** Gotipath's "general limit of 4 requests per second" ("Overview CDN", docs.gotipath.com/doc-362745). @type {AccountLimit} */
export const DEFAULT_ACCOUNT_LIMIT = { max: 4, windowMs: 1_000 };
/** @type {RateKind[]} */
export const RATE_KINDS = ['url', 'pattern', 'all', 'prefetch'];
/** @type {Limits} */
const DEFAULT_LIMITS = {
  url: { max: 2, paths: 100 },
  pattern: { max: 1, paths: 10 },
  all: { max: 1 },
  prefetch: { max: 1, paths: 100 },
};

/** Gotipath's limits with the given ones over them, kind by kind. @param {{ [K in RateKind]?: Partial<KindLimit> }} [given] @returns {Limits} */
export function mergeLimits(given = {}) {
  const out = /** @type {Limits} */ ({});
  for (const kind of RATE_KINDS) out[kind] = { ...DEFAULT_LIMITS[kind], ...given[kind] };
  return out;
}

/** Times of accepted calls per key, forgetting those older than the window. */
class SlidingWindows {
  /** @type {Map<string, number[]>} */
  #accepted = new Map();

  /** @param {number} windowMs */
  constructor(windowMs) {
    this.windowMs = windowMs;
  }

  /** @param {string} key @param {number} now */
  #inWindow(key, now) {
    return (this.#accepted.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  /** @param {string} key @param {number} max @param {number} now @returns {number} seconds to wait, 0 if allowed */
  check(key, max, now) {
    const times = this.#inWindow(key, now);
    this.#accepted.set(key, times);
    if (times.length < max) return 0;
    return Math.max(1, Math.ceil(((times[0] ?? now) + this.windowMs - now) / 1000));
  }

  /** @param {string} key @param {number} now */
  record(key, now) {
    this.#accepted.set(key, [...this.#inWindow(key, now), now]);
  }

  clear() {
    this.#accepted.clear();
  }
}

/** Check 5: the sliding-window rate limit; accepted calls enter the window, refused ones count as violations. */
export class RateLimits {
  #violations = 0;
  #windows;

  /** @param {Limits} limits @param {number} windowMs */
  constructor(limits, windowMs) {
    this.limits = limits;
    this.windowMs = windowMs;
    this.#windows = new SlidingWindows(windowMs);
  }

  /** Calls answered 429 since start or the last clear(). */
  get violations() {
    return this.#violations;
  }

  /**
   * Admits a purge or prefetch into its window, or answers 429 with Retry-After.
   * @param {Call} call its kind is a RateKind by now @returns {Outcome | null} null when admitted
   */
  admit(call) {
    const kind = /** @type {RateKind} */ (call.kind);
    const key = `${call.distributionId}\u0000${kind}`;
    const wait = this.#windows.check(key, this.limits[kind].max, call.at);
    if (wait === 0) {
      this.#windows.record(key, call.at);
      return null;
    }
    this.#violations++;
    const error = `Too Many Requests: at most ${this.limits[kind].max} ${kind} call(s) per ${this.windowMs} ms for distribution ${call.distributionId}; retry in ${wait} s`;
    return { status: 429, error, headers: { 'Retry-After': String(wait) } };
  }

  /** Forget the violation count and the rate-window history. */
  clear() {
    this.#violations = 0;
    this.#windows.clear();
  }
}

/**
 * The account-wide general limit: at most `max` requests in any `windowMs`, whatever their distribution, kind or
 * fate. Every request of the account counts, a refused one too (Gotipath counts requests, not accepted calls).
 */
export class AccountRate {
  #violations = 0;
  /** @type {Map<string, number[]>} */
  #times = new Map();

  /** @param {AccountLimit | null} limit null: no account-wide limit @param {AccountScope} scope */
  constructor(limit, scope) {
    this.limit = limit;
    this.scope = scope;
  }

  /** Requests answered 429 for the account limit since start or the last clear(). */
  get violations() {
    return this.#violations;
  }

  /**
   * Counts one request and refuses it (429) when its account has made `max` in the window already.
   * @param {Call} call @param {string} clientId @param {string | undefined} account the distribution's `account` fault
   * @returns {Outcome | null}
   */
  admit(call, clientId, account) {
    if (!this.limit || (this.scope === 'named' && account === undefined)) return null;
    const { max, windowMs } = this.limit;
    const key = account === undefined ? `client\u0000${clientId}` : `named\u0000${account}`;
    const times = (this.#times.get(key) ?? []).filter((t) => t > call.at - windowMs);
    this.#times.set(key, [...times, call.at]);
    if (times.length < max) return null;
    this.#violations++;
    const wait = Math.max(1, Math.ceil(((times[times.length - max] ?? call.at) + windowMs - call.at) / 1000));
    const error = `Too Many Requests: at most ${max} requests per ${windowMs} ms for this account; retry in ${wait} s`;
    return { status: 429, error, headers: { 'Retry-After': String(wait) } };
  }

  clear() {
    this.#violations = 0;
    this.#times.clear();
  }
}
