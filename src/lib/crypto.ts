// Constant-time primitives: HMAC sign and verify through WebCrypto (keys cached), token equality, public-key
// verification with any of several keys. Used by the providers, the console session and every bearer check.
import { utf8 } from './bytes';

export type HmacHash = 'SHA-1' | 'SHA-256' | 'SHA-512';

// Importing a key costs more than the HMAC itself; secrets are few and live as long as the isolate.
const keyCache = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_LIMIT = 256;

export function hmacKey(hash: HmacHash, secret: Uint8Array | string): Promise<CryptoKey> {
  const bytes = typeof secret === 'string' ? utf8(secret) : secret;
  const id = `${hash}:${typeof secret === 'string' ? `s:${secret}` : `b:${bytes.join(',')}`}`;
  let key = keyCache.get(id);
  if (!key) {
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    key = crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, false, ['sign', 'verify']);
    keyCache.set(id, key);
  }
  return key;
}

export async function hmacSign(hash: HmacHash, secret: Uint8Array | string, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(hash, secret), data));
}

/**
 * True when any secret (rotation: old and new both configured) signs `data` to any of the
 * candidate signatures. `crypto.subtle.verify` compares in constant time.
 */
export async function verifyHmacAny(
  hash: HmacHash,
  secrets: readonly (Uint8Array | string)[],
  data: Uint8Array,
  candidates: readonly Uint8Array[],
): Promise<boolean> {
  let ok = false;
  for (const secret of secrets) {
    const key = await hmacKey(hash, secret);
    for (const signature of candidates) {
      // No early return: every pair is checked so timing does not reveal which secret matched.
      if (await crypto.subtle.verify('HMAC', key, signature, data)) ok = true;
    }
  }
  return ok;
}

/** Constant-time equality of two strings (shared-secret tokens), whatever their lengths. */
export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  // Hashing first gives equal-length inputs, so the comparison leaks neither content nor length.
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', utf8(given)),
    crypto.subtle.digest('SHA-256', utf8(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b) && given.length === expected.length;
}

/** True when any configured secret equals the given token, compared in constant time. */
export async function tokenMatchesAny(given: string, secrets: readonly string[]): Promise<boolean> {
  const results = await Promise.all(secrets.map((s) => tokensEqual(given, s)));
  return results.includes(true);
}

export type VerifyAlgorithm = SubtleCryptoSignAlgorithm;

/** True when any public key verifies the signature (key rotation publishes old and new keys). */
export async function verifyWithAny(
  algorithm: VerifyAlgorithm,
  keys: readonly CryptoKey[],
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  for (const key of keys) {
    // A key of another type (EC in an RSA JWKS, say) makes verify throw: that key simply does not match.
    if (await crypto.subtle.verify(algorithm, key, signature, data).catch(() => false)) return true;
  }
  return false;
}
