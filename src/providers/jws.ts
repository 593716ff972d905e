// RS256 signatures of compact JWS and JWTs (RFC 7515 §7.1, RFC 7519), verified with WebCrypto against a
// configured JWKS. Only RS256 is accepted: the header never chooses the algorithm (no `none`, no HS256).
import { unauthorized } from '../errors';
import { decodeUtf8, fromBase64 } from '../lib/bytes';
import { verifyWithAny } from '../lib/crypto';
import { keyRing, keysFor } from './keys';
import { isRecord } from './support';

export const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/** A base64url JSON object (a JWS header or JWT claims), or undefined when malformed. */
export function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const bytes = fromBase64(part);
    const value: unknown = bytes && JSON.parse(decodeUtf8(bytes));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Throws 401 unless `signature` is an RS256 signature of `data` by a key of the JWKS (503 if unreachable). */
export async function verifyRs256(
  header: Record<string, unknown>,
  signature: string,
  data: Uint8Array,
  jwksUrl: string,
  now: number,
): Promise<void> {
  if (header.alg !== 'RS256') throw unauthorized('unsupported signature algorithm (RS256 expected)');
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const bytes = fromBase64(signature);
  if (!bytes) throw unauthorized('malformed signature');
  const ring = await keyRing(jwksUrl, RS256, now, kid);
  if (!(await verifyWithAny(RS256, keysFor(ring, kid), bytes, data))) throw unauthorized('signature does not match');
}
