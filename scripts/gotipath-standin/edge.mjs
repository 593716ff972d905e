// @ts-check
// What an accepted call does at the CDN: the one place a purge or a prefetch takes effect. Without a caching edge
// (no `edge` option) a purge and a prefetch change nothing. With one, a purge evicts what it covers after a delay
// (Gotipath's back ends process purges in the background), unless a fault loses or keeps the path, and a prefetch
// fills the cache from the origin. Every distribution is active and fronts the one site.
import { EdgeCache, purgeCovers, storableFor, storedHeaders } from './cache.mjs';
import { mulberry32 } from './faults.mjs';
/** @import { Entry, Purge } from './cache.mjs' */
/** @import { Faults } from './faults.mjs' */

/**
 * @typedef {{ originUrl: string, evictAfterMs?: number, seed?: number, log?: ((line: string) => void) | null }} EdgeOptions
 * @typedef {{ distributionId: string, type: Purge['type'], paths: string[], acceptedAt: number, dueAt: number }} Pending
 * @typedef {'evicted' | 'lost' | 'kept' | 'absent'} EvictionOutcome  `absent`: a URL purge of a path not cached.
 * @typedef {{ at: number, distributionId: string, type: Purge['type'], path: string, outcome: EvictionOutcome }} Eviction
 * @typedef {{ status: number, headers: Record<string, string>, body: Buffer, entry?: Entry }} Fetched
 * @typedef {{ requests: number, hits: number, misses: number, originFetches: number, prefetches: number }} EdgeStats
 */

/** Evictions recorded at most (the oldest are forgotten first), and how long a purge in effect is remembered. */
const MAX_EVICTIONS = 10_000;
const DONE_KEPT_MS = 60_000;

/** Whether a purge leaves `key` in place (the keepPaths fault names the path, with or without its query). @param {string} key @param {Faults} faults */
const keeps = (key, faults) => (faults.keepPaths ?? []).some((p) => p === key || p === key.split('?', 1)[0]);

export class Edge {
  /** The cache, or null when the stand-in serves no edge. */
  cache;
  /** @type {Eviction[]} */
  evictions = [];
  /** @type {Map<ReturnType<typeof setTimeout>, Pending>} */
  #pending = new Map();
  /** Purges in effect in the last minute: an origin fetch that began before one of them is not stored. @type {Pending[]} */
  #done = [];
  /** Origin fetches under way, by key: concurrent misses share one (request collapsing). @type {Map<string, Promise<Fetched>>} */
  #filling = new Map();
  /** @type {EdgeStats} */
  stats = { requests: 0, hits: 0, misses: 0, originFetches: 0, prefetches: 0 };
  #originUrl;
  #evictAfterMs;
  #random;
  #log;

  /** @param {EdgeOptions | null} [options] */
  constructor(options = null) {
    this.cache = options ? new EdgeCache() : null;
    this.#originUrl = options?.originUrl.replace(/\/+$/, '') ?? '';
    this.#evictAfterMs = options?.evictAfterMs ?? 0;
    // Its own dice: losing evictions does not shift the errorRate/resetRate sequence of a seed.
    this.#random = mulberry32((options?.seed ?? 1) ^ 0x5eed);
    this.#log = options?.log ?? null;
  }

  /** The answer to GET /v1/distributions/{id}. @param {string} distributionId */
  distribution(distributionId) {
    return { id: distributionId, status: 'active' };
  }

  /** Takes an accepted purge into effect; returns the answer's body. @param {string} distributionId @param {Purge} purge @param {Faults} [faults] */
  purge(distributionId, purge, faults = {}) {
    if (!this.cache) return {};
    const acceptedAt = Date.now();
    const delay = this.#evictAfterMs + (faults.evictDelayMs ?? 0);
    /** @type {Pending} */
    const pending = { distributionId, type: purge.type, paths: purge.paths, acceptedAt, dueAt: acceptedAt + delay };
    if (delay === 0) this.#evict(pending, faults);
    else {
      const timer = setTimeout(() => (this.#pending.delete(timer), this.#evict(pending, faults)), delay);
      this.#pending.set(timer, pending);
    }
    return {};
  }

  /** Takes an accepted prefetch into effect (fills in the background); returns the answer's body. @param {string} distributionId @param {string[]} paths */
  prefetch(distributionId, paths) {
    if (!this.cache) return {};
    for (const path of paths) {
      this.stats.prefetches++;
      this.#fill(path).catch(() => {});
    }
    return {};
  }

  /** The answer for GET/HEAD `key` through the cache. @param {string} key @returns {Promise<Fetched & { hit: boolean }>} */
  async serve(key) {
    this.stats.requests++;
    const cached = this.cache?.get(key, Date.now());
    if (cached) {
      cached.hits++;
      this.stats.hits++;
      return { status: cached.status, headers: cached.headers, body: cached.body, entry: cached, hit: true };
    }
    this.stats.misses++;
    return { ...(await this.#fill(key)), hit: false };
  }

  /** Purges not yet in effect, soonest first. */
  pending() {
    return [...this.#pending.values()].sort((a, b) => a.dueAt - b.dueAt);
  }

  /** Empty the cache, forget the evictions and statistics, drop pending purges. */
  clear() {
    this.close();
    this.cache?.clear();
    this.evictions.length = 0;
    this.#done = [];
    this.stats = { requests: 0, hits: 0, misses: 0, originFetches: 0, prefetches: 0 };
  }

  /** Cancel the pending evictions (the stand-in is closing). */
  close() {
    for (const timer of this.#pending.keys()) clearTimeout(timer);
    this.#pending.clear();
  }

  /** @param {Pending} pending @param {Faults} faults */
  #evict({ distributionId, type, paths, acceptedAt }, faults) {
    const cache = /** @type {EdgeCache} */ (this.cache);
    const at = Date.now();
    /** @type {Record<EvictionOutcome, number>} */
    const counts = { evicted: 0, lost: 0, kept: 0, absent: 0 };
    for (const path of cache.covered({ type, paths })) {
      const outcome = this.#outcome(path, acceptedAt, at, faults);
      counts[outcome]++;
      this.evictions.push({ at, distributionId, type, path, outcome });
    }
    const shown = Object.entries(counts).filter(([, n]) => n > 0);
    const summary = shown.map(([outcome, n]) => `${n} ${outcome}`).join(', ') || 'nothing cached';
    if (this.evictions.length > MAX_EVICTIONS) this.evictions.splice(0, this.evictions.length - MAX_EVICTIONS);
    this.#done = [
      ...this.#done.filter((d) => d.dueAt > at - DONE_KEPT_MS),
      { distributionId, type, paths, acceptedAt, dueAt: at },
    ];
    this.#log?.(`[edge] ${type} purge for ${distributionId} in effect after ${at - acceptedAt} ms: ${summary}`);
  }

  /** Evicts one path unless a fault keeps or loses it. @param {string} path @param {number} acceptedAt @param {number} at @param {Faults} faults @returns {EvictionOutcome} */
  #outcome(path, acceptedAt, at, faults) {
    const cache = /** @type {EdgeCache} */ (this.cache);
    if (!cache.get(path, at)) return 'absent';
    if (keeps(path, faults)) return 'kept';
    const lose = faults.lostEvictions ?? 0;
    if (lose > 0 && (lose >= 1 || this.#random() < lose)) return 'lost';
    return cache.evict(path, acceptedAt) ? 'evicted' : 'absent';
  }

  /** Fetch `key` from the origin once at a time, storing what may be stored. @param {string} key @returns {Promise<Fetched>} */
  #fill(key) {
    const running = this.#filling.get(key);
    if (running) return running;
    const fill = this.#fetchOrigin(key).finally(() => this.#filling.delete(key));
    this.#filling.set(key, fill);
    return fill;
  }

  /** @param {string} key @returns {Promise<Fetched>} */
  async #fetchOrigin(key) {
    this.stats.originFetches++;
    const requestedAt = Date.now();
    // No redirect followed: the edge passes a 3xx on as the origin sent it.
    const response = await fetch(`${this.#originUrl}${key}`, { redirect: 'manual', headers: { via: '1.1 gotipath-standin' } });
    const body = Buffer.from(await response.arrayBuffer());
    const storedAt = Date.now();
    const headers = storedHeaders(response.headers);
    const ttl = response.status === 200 ? storableFor(headers['cache-control']) : null;
    // A purge accepted while the fetch was under way, and already in effect, may have been meant for this answer.
    const raced = this.#done.some((d) => d.acceptedAt >= requestedAt && purgeCovers(d, key));
    if (ttl === null || raced || !this.cache) return { status: response.status, headers, body };
    /** @type {Entry} */
    const entry = { key, status: response.status, headers, body, requestedAt, storedAt, expiresAt: storedAt + ttl, hits: 0 };
    this.cache.put(entry);
    return { status: response.status, headers, body, entry };
  }
}
