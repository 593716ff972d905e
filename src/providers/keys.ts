// Public keys fetched only from URLs in the config (JWKS, PEM keys, X.509 certificates), cached per source
// (key-cache.ts); a key server that cannot be reached answers 503 (the platform retries), never 401.
import * as z from 'zod/mini';
import { unauthorized, unavailable } from '../errors';
import { fromBase64 } from '../lib/bytes';
import { certificateSpki, pkcs1Spki } from './der';
import { cachedRing, refreshedRing, type KeyLocation, type KeyRing } from './key-cache';
import { isRecord } from './support';

export type { KeyLocation, KeyRing } from './key-cache';

/** A key server slower than this is treated as down (503): the platform retries later. */
const FETCH_TIMEOUT_MS = 5_000;
/** A key document larger than this is not a key document. */
const MAX_KEY_BYTES = 256 * 1024;

/** RSA signatures are as long as the modulus: 2048, 3072 or 4096 bits. Anything else is refused before a fetch. */
const RSA_SIGNATURE_BYTES = new Set([256, 384, 512]);
export const isPlausibleRsaSignature = (bytes: Uint8Array | undefined): bytes is Uint8Array =>
  bytes !== undefined && RSA_SIGNATURE_BYTES.has(bytes.length);

/**
 * Checks a signature with the keys at `where`: `verify` runs with the cached ring, and when it refuses,
 * once more with keys fetched afresh (at most once a minute per source and URL; never for a URL the
 * message named, whose content cannot change).
 */
export async function verifyWithKeys(
  where: KeyLocation,
  now: number,
  verify: (ring: KeyRing) => Promise<boolean>,
): Promise<boolean> {
  const load = () => loadKeys(where);
  if (await verify(await cachedRing(where, now, load))) return true;
  const fresh = await refreshedRing(where, now, load);
  return fresh !== undefined && (await verify(fresh));
}

/** The keys at `where`, from its source's cache or fetched (what `doctor` checks a key URL with). */
export const keysAt = (where: KeyLocation, now: number): Promise<KeyRing> => cachedRing(where, now, () => loadKeys(where));

/** The keys to try for a signature: the one its `kid` names, or every key when it names none. */
export function keysForKid(kid: string | undefined): (ring: KeyRing) => CryptoKey[] {
  return (ring) => {
    if (kid === undefined) return ring.all;
    const key = ring.byKid.get(kid);
    return key ? [key] : [];
  };
}

async function fetchText(where: KeyLocation): Promise<string> {
  let status = 0;
  try {
    const response = await fetch(where.url, {
      headers: { accept: 'application/json, application/x-pem-file' },
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    status = response.status;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    if (bytes.byteLength > MAX_KEY_BYTES) throw new Error(`key document of ${bytes.byteLength} bytes`);
    return new TextDecoder().decode(bytes);
  } catch (cause) {
    // A URL the message chose that answers 4xx names a certificate that does not exist: a forgery.
    if (where.namedByRequest && status >= 400 && status < 500)
      throw unauthorized('the signing certificate the message names does not exist');
    throw unavailable('could not fetch the signing keys; retry later', cause);
  }
}

async function loadKeys(where: KeyLocation): Promise<KeyRing> {
  const text = await fetchText(where);
  const ring: KeyRing = { byKid: new Map(), all: [] };
  const imports = [
    ...jwksKeys(text).map(async (jwk) => {
      const key = await crypto.subtle.importKey('jwk', jwk, where.algorithm, false, ['verify']);
      if (typeof jwk.kid === 'string') ring.byKid.set(jwk.kid, key);
      return key;
    }),
    ...pemKeys(text).map((spki) => crypto.subtle.importKey('spki', spki, where.algorithm, false, ['verify'])),
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

/**
 * SPKI bytes of every `PUBLIC KEY` (SPKI), `RSA PUBLIC KEY` (PKCS#1, as Contentstack publishes its
 * `signing-key`) or `CERTIFICATE` (X.509, SNS) PEM block (RFC 7468), also inside JSON strings (`\n`).
 */
function pemKeys(text: string): Uint8Array[] {
  const pem = /-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----([A-Za-z0-9+/=\s\\n]+)-----END \1-----/g;
  const out: Uint8Array[] = [];
  for (const [, label, body = ''] of text.matchAll(pem)) {
    const der = fromBase64(body.replace(/\\n|\s/g, ''));
    const spki = der && (label === 'CERTIFICATE' ? certificateSpki(der) : label === 'RSA PUBLIC KEY' ? pkcs1Spki(der) : der);
    if (spki) out.push(spki);
  }
  return out;
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
