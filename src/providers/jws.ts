// RS256 signatures of compact JWS and JWTs (RFC 7515 §7.1, RFC 7519), and of Saleor's detached JWS with an
// unencoded payload (RFC 7797), verified with WebCrypto against a configured JWKS. Only RS256 is accepted:
// the header never chooses the algorithm (no `none`, no HS256), and a `crit` header is honoured exactly.
import { unauthorized } from '../errors';
import { decodeUtf8, fromBase64 } from '../lib/bytes';
import { verifyWithAny } from '../lib/crypto';
import { isPlausibleRsaSignature, keysForKid, verifyWithKeys } from './keys';
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

/** The three segments of a compact JWS; anything but exactly three (RFC 7515 §7.1) is malformed. */
export function jwsSegments(value: string, what: string): [string, string, string] {
  const parts = value.split('.');
  if (parts.length !== 3) throw unauthorized(`malformed ${what} (a JWS has exactly three segments)`);
  return parts as [string, string, string];
}

/**
 * The header's extensions, exactly as the form demands (RFC 7515 §4.1.11: a `crit` the recipient does not
 * understand must be refused). Detached: `b64: false` with `crit: ["b64"]` and nothing else critical, as
 * Saleor's PyJWT call writes it (RFC 7797 §3, §6); otherwise no `crit` and no `b64` at all.
 */
export function checkExtensions(header: Record<string, unknown>, unencodedPayload: boolean): void {
  const crit = header.crit;
  if (unencodedPayload) {
    const exact = Array.isArray(crit) && crit.length === 1 && crit[0] === 'b64';
    if (header.b64 !== false || !exact) throw unauthorized('the JWS must be b64:false with crit ["b64"] (RFC 7797)');
  } else if (crit !== undefined || 'b64' in header) {
    throw unauthorized('the token carries a critical header extension the relay does not support');
  }
}

export interface Rs256Check {
  header: Record<string, unknown>;
  /** Saleor's detached JWS with an unencoded payload (RFC 7797) rather than a compact JWS or JWT. */
  unencodedPayload: boolean;
  signature: string;
  data: Uint8Array;
  source: string;
  jwksUrl: string;
}

/** Throws 401 unless `signature` is an RS256 signature of `data` by a key of the JWKS (503 if unreachable). */
export async function verifyRs256(check: Rs256Check, now: number): Promise<void> {
  if (check.header.alg !== 'RS256') throw unauthorized('unsupported signature algorithm (RS256 expected)');
  checkExtensions(check.header, check.unencodedPayload);
  const kid = typeof check.header.kid === 'string' ? check.header.kid : undefined;
  const bytes = fromBase64(check.signature);
  // Checked before any fetch: a message cannot make the relay fetch keys for a signature that cannot be one.
  if (!isPlausibleRsaSignature(bytes)) throw unauthorized('malformed signature');
  const where = { source: check.source, url: check.jwksUrl, algorithm: RS256 };
  const keys = keysForKid(kid);
  const verified = await verifyWithKeys(where, now, (ring) => verifyWithAny(RS256, keys(ring), bytes, check.data));
  if (!verified) throw unauthorized('signature does not match');
}
