// @ts-check
// The caching edge's store, apart from HTTP and time: entries keyed by path and query, their freshness lifetime
// from the origin's Cache-Control, and which entries a URL, pattern or purge-all covers.

/**
 * @typedef {{
 *   key: string, status: number, headers: Record<string, string>, body: Buffer,
 *   requestedAt: number, storedAt: number, expiresAt: number, hits: number
 * }} Entry  One cached answer; `key` is the request's path with its query, as Gotipath's URL purge names it;
 *   `requestedAt` when the edge asked the origin for it, `storedAt` when the answer arrived (what `Age` counts from).
 * @typedef {{ type: 'url' | 'pattern' | 'all', paths: string[] }} Purge  An accepted purge: valid, within the limits.
 */

/** Kept when the origin says nothing: a day, as a CDN's default cache time. */
export const DEFAULT_TTL_MS = 86_400_000;
// Hop-by-hop headers (RFC 9110 §7.6.1) and those the edge sets itself are not stored.
const NOT_STORED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'age', 'x-cache', 'date']);

/**
 * How long the origin lets a shared cache keep an answer, or null when it may not store it at all (RFC 9111 §3,
 * §5.2.2: no-store and private forbid it; s-maxage wins over max-age for a shared cache).
 * @param {string | undefined} cacheControl @returns {number | null} milliseconds
 */
export function storableFor(cacheControl) {
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'private' || d === 'no-cache')) return null;
  const seconds = (/** @type {string} */ name) => {
    const found = directives.find((d) => d.startsWith(`${name}=`));
    const n = found === undefined ? NaN : Number(found.slice(name.length + 1));
    return Number.isInteger(n) && n >= 0 ? n * 1000 : undefined;
  };
  return seconds('s-maxage') ?? seconds('max-age') ?? DEFAULT_TTL_MS;
}

/** The headers of an origin answer the cache keeps. @param {Headers} headers @returns {Record<string, string>} */
export function storedHeaders(headers) {
  /** @type {Record<string, string>} */
  const kept = {};
  headers.forEach((value, name) => {
    if (!NOT_STORED.has(name)) kept[name] = value;
  });
  return kept;
}

/** A pattern purge's path as a matcher: `*` stands for any run of characters (Gcore allows it at the end). @param {string} pattern */
function patternMatcher(pattern) {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

/** Whether a purge covers `key`: a URL purge names it, a pattern matches it, purge-all covers everything. @param {Purge} purge @param {string} key */
export function purgeCovers(purge, key) {
  if (purge.type === 'all') return true;
  if (purge.type === 'url') return purge.paths.includes(key);
  return purge.paths.some((p) => patternMatcher(p).test(key));
}

/** The cached answers, by key. */
export class EdgeCache {
  /** @type {Map<string, Entry>} */
  #entries = new Map();

  /** A fresh entry for `key` at `now` (an expired one is dropped). @param {string} key @param {number} now */
  get(key, now) {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= now) this.#entries.delete(key);
    return entry && entry.expiresAt > now ? entry : undefined;
  }

  /** @param {Entry} entry */
  put(entry) {
    this.#entries.set(entry.key, entry);
  }

  /**
   * Drops `key` if the origin was asked for it at or before `before`: a purge does not evict what was fetched after
   * it, but does evict an answer whose fetch began before it and ended after. @param {string} key @param {number} before
   */
  evict(key, before) {
    const entry = this.#entries.get(key);
    if (!entry || entry.requestedAt > before) return false;
    return this.#entries.delete(key);
  }

  /**
   * The keys a purge covers now: a URL purge its paths as given (cached or not), a pattern purge the cached keys it
   * matches, purge-all every cached key. @param {Purge} purge @returns {string[]}
   */
  covered(purge) {
    if (purge.type === 'url') return purge.paths;
    return [...this.#entries.keys()].filter((key) => purgeCovers(purge, key));
  }

  /** Every entry, oldest first. */
  list() {
    return [...this.#entries.values()].sort((a, b) => a.storedAt - b.storedAt);
  }

  clear() {
    this.#entries.clear();
  }
}
