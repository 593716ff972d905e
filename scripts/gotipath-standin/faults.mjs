// @ts-check
// The stand-in's injectable faults (errors, resets, delays, an outage, a 401 period, rejected paths, a quota
// overrun, a missing distribution, evictions lost, kept or late at the caching edge) and per-distribution behaviour
// (its `type` values, its account): set for every distribution or for one, validated when set, and decided with a
// seeded PRNG so a run repeats.
import { PURGE_KINDS, distributionOf, show } from './checks.mjs';
/** @import { Call, Outcome } from './api.mjs' */
/** @import { PurgeTypes } from './checks.mjs' */

/**
 * @typedef {{
 *   errorRate?: number, errorStatus?: number, resetRate?: number, delayMs?: number,
 *   outageUntil?: number, unauthorized?: boolean, rejectPaths?: string[], quotaUntil?: number,
 *   notFound?: boolean, purgeTypes?: Partial<PurgeTypes>, account?: string,
 *   lostEvictions?: number, keepPaths?: string[], evictDelayMs?: number
 * }} Faults
 *   `purgeTypes` the body `type` this distribution accepts per purge kind (Gotipath documents only "all": a back end
 *   may want other values); `account` names the account whose general limit its calls share (limits.mjs).
 *   At the caching edge (edge.mjs): `lostEvictions` the share (0..1) of purged paths acknowledged but not evicted,
 *   `keepPaths` paths a purge never evicts, `evictDelayMs` the time from the 200 to the eviction (over `evictAfterMs`).
 */

/** @type {Record<keyof Faults, (v: unknown) => boolean>} */
const FAULT_CHECKS = {
  errorRate: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  resetRate: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  errorStatus: (v) => Number.isInteger(v) && Number(v) >= 400 && Number(v) <= 599,
  delayMs: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  outageUntil: (v) => typeof v === 'number' && Number.isFinite(v),
  unauthorized: (v) => typeof v === 'boolean',
  rejectPaths: (v) => Array.isArray(v) && v.every((p) => typeof p === 'string'),
  quotaUntil: (v) => typeof v === 'number' && Number.isFinite(v),
  notFound: (v) => typeof v === 'boolean',
  purgeTypes: (v) =>
    typeof v === 'object' &&
    v !== null &&
    Object.entries(v).every(([k, t]) => PURGE_KINDS.includes(k) && typeof t === 'string' && t !== ''),
  account: (v) => typeof v === 'string' && v !== '',
  lostEvictions: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  keepPaths: (v) => Array.isArray(v) && v.every((p) => typeof p === 'string' && p.startsWith('/')),
  evictDelayMs: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
};

/** Seeded PRNG (mulberry32) so errorRate/resetRate/lostEvictions runs are reproducible. @param {number} seed */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {Faults} current @param {unknown} patch @returns {Faults} merged faults; null/undefined values remove a key */
export function mergeFaults(current, patch) {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new TypeError('faults must be an object');
  /** @type {Record<string, unknown>} */
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const check = FAULT_CHECKS[/** @type {keyof Faults} */ (key)];
    if (!check) throw new TypeError(`unknown fault ${show(key)}`);
    if (value === null || value === undefined) delete next[key];
    else if (!check(value)) throw new TypeError(`invalid value for fault ${key}: ${show(value)}`);
    else next[key] = value;
  }
  return next;
}

/** Answer every call the same way while an outage or forced 401 is set. @param {Call} call @param {Faults} faults @returns {Outcome | null} */
export function forcedFailure(call, faults) {
  if (faults.outageUntil !== undefined && call.at < faults.outageUntil) {
    return { status: 503, error: 'Service Unavailable: outage (stand-in fault)' };
  }
  if (faults.unauthorized) return { status: 401, error: 'Unauthorized: credentials rejected (stand-in fault)' };
  return null;
}

/** The notFound fault: the distribution does not exist in this account (a wrong id). @param {Faults} faults @returns {Outcome | null} */
export const missingDistribution = (faults) => (faults.notFound ? { status: 404, error: 'distribution not found' } : null);

/** The rejectPaths fault: a valid call naming one of those paths is refused. @param {Call} call @param {Faults} faults @returns {Outcome | null} */
export function rejectedPath(call, faults) {
  const bad = call.paths.findIndex((p) => typeof p === 'string' && faults.rejectPaths?.includes(p));
  return bad < 0 ? null : { status: 422, error: `paths[${bad}] is invalid: ${call.paths[bad]}` };
}

/**
 * The quotaUntil fault: a valid purge or prefetch is refused as Gcore refuses a quota overrun, a 400 whose message
 * says so (GOTIPATH.md: Gcore answers `400 "exceeded the URL quota"`). @param {Call} call @param {Faults} faults
 * @returns {Outcome | null}
 */
export function quotaExceeded(call, faults) {
  if (faults.quotaUntil === undefined || call.at >= faults.quotaUntil || call.kind === 'distribution') return null;
  return { status: 400, error: 'exceeded the URL quota' };
}

/** The faults in force: global ones, and per distribution ones that win over them; and the dice for the rates. */
export class FaultInjector {
  /** @type {Faults} */
  #global;
  /** Faults set for one distribution id only (POST faults with "distribution"). @type {Map<string, Faults>} */
  #scoped = new Map();
  #random;

  /** @param {unknown} [initial] @param {number} [seed] */
  constructor(initial = {}, seed = 1) {
    this.#random = mulberry32(seed);
    this.#global = mergeFaults({}, initial);
  }

  /** The faults set for every distribution. */
  get global() {
    return this.#global;
  }

  /** The faults a request to `pathname` meets. @param {string} pathname @returns {Faults} */
  forPath(pathname) {
    return { ...this.#global, ...this.#scoped.get(distributionOf(pathname)) };
  }

  /**
   * Merge faults over the current ones (null/undefined removes one); returns the active faults, of the one
   * distribution when given. @param {unknown} patch @param {string} [distribution]
   */
  set(patch, distribution) {
    if (distribution === undefined) return (this.#global = mergeFaults(this.#global, patch));
    const merged = mergeFaults(this.#scoped.get(distribution) ?? {}, patch);
    this.#scoped.set(distribution, merged);
    return merged;
  }

  reset() {
    this.#global = {};
    this.#scoped.clear();
  }

  /** The resetRate fault: drop the connection without an answer. @param {Faults} faults */
  resets(faults) {
    return this.#chance(faults.resetRate);
  }

  /** The errorRate fault, decided before the rate check. @param {Faults} faults @returns {Outcome | null} */
  injectedError(faults) {
    if (!this.#chance(faults.errorRate)) return null;
    return {
      status: faults.errorStatus ?? 503,
      error: 'Service Unavailable: injected error (stand-in fault)',
    };
  }

  /** @param {number | undefined} rate */
  #chance(rate) {
    return rate ? rate >= 1 || this.#random() < rate : false;
  }
}
