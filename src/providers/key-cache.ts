// The per-isolate cache of fetched public keys, one bounded cache per source (SECURITY.md, F7): what one
// source's deliveries make the relay fetch can never evict another source's keys. Failures are cached
// briefly (a flood of messages naming a dead URL makes one fetch, not one each), new URLs a message
// names are rate-limited per source, and keys that fail a signature are refetched at most once a minute.
import { RelayError, unavailable } from '../errors';

export interface KeyRing {
  /** Keys that carry a `kid` (JWKS). */
  byKid: Map<string, CryptoKey>;
  all: CryptoKey[];
}

/** Where keys come from: a URL of the source's config, or one its message named inside an allow-list. */
export interface KeyLocation {
  /** The source id: each source has its own cache. */
  source: string;
  url: string;
  algorithm: SubtleCryptoImportKeyAlgorithm;
  /** A URL the message chose (SNS's SigningCertURL): rate-limited, never refreshed (a certificate URL is immutable). */
  namedByRequest?: boolean;
}

/** Keys are kept this long. */
export const KEY_TTL_MS = 15 * 60_000;
/** A signature the cached keys refuse refetches them, but at most this often per source and URL. */
export const REFRESH_MS = 60_000;
/** A key server that failed (503) is not asked again for this long: the platform's retry comes later anyway. */
export const FAILURE_TTL_MS = 10_000;
/** A certificate URL a message named that does not exist (401) is remembered this long. */
export const MISSING_TTL_MS = 10 * 60_000;
/** URLs a source's messages may name for the first time per minute (SNS certificates change rarely). */
export const NEW_URLS_PER_MINUTE = 5;
/** URLs cached per source (least recently used first out), and sources kept. */
export const URLS_PER_SOURCE = 8;
export const SOURCES_KEPT = 256;

interface Entry {
  fetchedAt: number;
  ring?: Promise<KeyRing>;
  failure?: RelayError;
}

interface SourceKeys {
  entries: Map<string, Entry>;
  /** When this source's messages last made the relay fetch a URL it had not cached. */
  newUrls: number[];
}

const sources = new Map<string, SourceKeys>();

/** Re-inserting moves a key to the end of a Map's order: the end is the most recently used. */
function touch<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > limit) map.delete(map.keys().next().value as K);
}

function keysOf(source: string): SourceKeys {
  const found = sources.get(source) ?? { entries: new Map<string, Entry>(), newUrls: [] };
  touch(sources, source, found, SOURCES_KEPT);
  return found;
}

const entryId = (where: KeyLocation) => `${JSON.stringify(where.algorithm)} ${where.url}`;

const failureTtl = (failure: RelayError) => (failure.status === 401 ? MISSING_TTL_MS : FAILURE_TTL_MS);

function start(keys: SourceKeys, id: string, now: number, load: () => Promise<KeyRing>): Promise<KeyRing> {
  const entry: Entry = { fetchedAt: now, ring: load() };
  touch(keys.entries, id, entry, URLS_PER_SOURCE);
  entry.ring!.catch((error: unknown) => {
    const failure = error instanceof RelayError ? error : unavailable('could not fetch the signing keys; retry later', error);
    if (keys.entries.get(id) === entry) keys.entries.set(id, { fetchedAt: now, failure });
  });
  return entry.ring!;
}

/** The keys at a location: cached, or fetched with `load` (a recent failure is answered again without fetching). */
export function cachedRing(where: KeyLocation, now: number, load: () => Promise<KeyRing>): Promise<KeyRing> {
  const keys = keysOf(where.source);
  const id = entryId(where);
  const entry = keys.entries.get(id);
  if (entry?.ring && now - entry.fetchedAt < KEY_TTL_MS) {
    touch(keys.entries, id, entry, URLS_PER_SOURCE);
    return entry.ring;
  }
  if (entry?.failure && now - entry.fetchedAt < failureTtl(entry.failure)) return Promise.reject(entry.failure);
  if (!entry && where.namedByRequest) {
    keys.newUrls = keys.newUrls.filter((at) => now - at < 60_000);
    if (keys.newUrls.length >= NEW_URLS_PER_MINUTE) {
      return Promise.reject(unavailable('too many new signing certificate URLs for this source in the last minute; retry later'));
    }
    keys.newUrls.push(now);
  }
  return start(keys, id, now, load);
}

/**
 * Fresh keys after a signature the cached ones refused (the platform may have rotated: Saleor publishes
 * one key at a time), or undefined when they were fetched less than a minute ago. A failed fetch throws
 * (503: the platform retries), as @saleor/app-sdk refetches its JWKS when verification fails.
 */
export async function refreshedRing(where: KeyLocation, now: number, load: () => Promise<KeyRing>): Promise<KeyRing | undefined> {
  const keys = keysOf(where.source);
  const id = entryId(where);
  const entry = keys.entries.get(id);
  if (where.namedByRequest || (entry && now - entry.fetchedAt < REFRESH_MS)) return undefined;
  return start(keys, id, now, load);
}

/** Forgets every cached key (tests). */
export function clearKeyCache(): void {
  sources.clear();
}
