// Public keys fetched only from URLs in the config (JWKS, PEM keys, X.509 certificates) and cached per
// isolate; a key server that cannot be reached answers 503 (the platform retries), never 401.
import * as z from 'zod/mini';
import { unauthorized, unavailable } from '../errors';
import { fromBase64 } from '../lib/bytes';
import { isRecord } from './support';

export type KeyAlgorithm = SubtleCryptoImportKeyAlgorithm;

export interface KeyRing {
  /** Keys that carry a `kid` (JWKS). */
  byKid: Map<string, CryptoKey>;
  all: CryptoKey[];
}

const TTL_MS = 15 * 60_000;
/** A `kid` the cached keys lack (the platform rotated) refetches, but at most this often. */
const REFRESH_MS = 60_000;
/** A key server slower than this is treated as down (503): the platform retries later. */
const FETCH_TIMEOUT_MS = 5_000;
const cache = new Map<string, { at: number; ring: Promise<KeyRing> }>();
/** Key URLs come from the config, but configs change: past this many the cache starts afresh. */
const CACHE_LIMIT = 64;

/**
 * The keys at `url`, imported for `algorithm`; cached for 15 minutes. `namedByRequest` marks a URL the
 * message chose (within its allow-list, e.g. SNS's SigningCertURL): a 4xx there means the message names
 * a certificate that does not exist, a forgery (401), not a key server that is down (503).
 */
export async function keyRing(
  url: string,
  algorithm: KeyAlgorithm,
  now: number,
  kid?: string,
  namedByRequest = false,
): Promise<KeyRing> {
  const id = `${JSON.stringify(algorithm)} ${url}`;
  const hit = cache.get(id);
  if (hit && now - hit.at < TTL_MS) {
    const ring = await hit.ring;
    if (kid === undefined || ring.byKid.has(kid) || now - hit.at < REFRESH_MS) return ring;
  }
  const entry = { at: now, ring: load(url, algorithm, namedByRequest) };
  if (cache.size >= CACHE_LIMIT && !cache.has(id)) cache.clear();
  cache.set(id, entry);
  // A failure is not cached: the next delivery (the platform's retry) fetches again.
  entry.ring.catch(() => cache.get(id) === entry && cache.delete(id));
  return entry.ring;
}

/** The keys to try for a signature: the one its `kid` names, or every key when it names none. */
export function keysFor(ring: KeyRing, kid: string | undefined): CryptoKey[] {
  if (kid === undefined) return ring.all;
  const key = ring.byKid.get(kid);
  return key ? [key] : [];
}

async function load(url: string, algorithm: KeyAlgorithm, namedByRequest: boolean): Promise<KeyRing> {
  let text: string;
  let status = 0;
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json, application/x-pem-file' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    status = response.status;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (cause) {
    if (namedByRequest && status >= 400 && status < 500)
      throw unauthorized('the signing certificate the message names does not exist');
    throw unavailable('could not fetch the signing keys; retry later', cause);
  }
  const ring: KeyRing = { byKid: new Map(), all: [] };
  const imports = [
    ...jwksKeys(text).map(async (jwk) => {
      const key = await crypto.subtle.importKey('jwk', jwk, algorithm, false, ['verify']);
      if (typeof jwk.kid === 'string') ring.byKid.set(jwk.kid, key);
      return key;
    }),
    ...pemKeys(text).map((spki) => crypto.subtle.importKey('spki', spki, algorithm, false, ['verify'])),
  ];
  // Keys of another type or algorithm are skipped, not fatal: a JWKS may list several kinds.
  for (const result of await Promise.allSettled(imports)) if (result.status === 'fulfilled') ring.all.push(result.value);
  if (ring.all.length === 0) throw unavailable('the configured key URL holds no usable public key; retry later');
  return ring;
}

function jwksKeys(text: string): (JsonWebKey & { kid?: unknown })[] {
  try {
    const json: unknown = JSON.parse(text);
    const keys = isRecord(json) && Array.isArray(json.keys) ? json.keys : [];
    return keys.filter(isRecord) as unknown as JsonWebKey[];
  } catch {
    return [];
  }
}

/** SPKI bytes of every `PUBLIC KEY` or `CERTIFICATE` PEM block, also inside JSON strings. */
function pemKeys(text: string): Uint8Array[] {
  const pem = /-----BEGIN (PUBLIC KEY|CERTIFICATE)-----([A-Za-z0-9+/=\s\\n]+)-----END \1-----/g;
  const out: Uint8Array[] = [];
  for (const [, label, body = ''] of text.matchAll(pem)) {
    const der = fromBase64(body.replace(/\\n|\s/g, ''));
    const spki = der && (label === 'CERTIFICATE' ? certificateSpki(der) : der);
    if (spki) out.push(spki);
  }
  return out;
}

/** Reads one DER element's bounds (ITU-T X.690 §8.1): tag, then a short or long-form length. */
function element(der: Uint8Array, at: number): { start: number; end: number } {
  let length = der[at + 1] ?? 0;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start++] ?? 0);
  }
  if (start + length > der.length) throw new RangeError('truncated DER');
  return { start, end: start + length };
}

/**
 * The subjectPublicKeyInfo of an X.509 certificate (RFC 5280 §4.1): Certificate → tbsCertificate →
 * [0] version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
 */
export function certificateSpki(der: Uint8Array): Uint8Array | undefined {
  try {
    const tbs = element(der, element(der, 0).start);
    let at = tbs.start;
    if (der[at] === 0xa0) at = element(der, at).end;
    for (let i = 0; i < 5; i++) at = element(der, at).end;
    return der.slice(at, element(der, at).end);
  } catch {
    return undefined;
  }
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** A key URL in the config: https, or http to a loopback address (local development and tests). */
export const KEY_URL = z.string().check(z.refine(isKeyUrl, 'an https URL (http only for localhost/127.0.0.1)'));

export function isKeyUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
  } catch {
    return false;
  }
}
