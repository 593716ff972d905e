// The common provider check of a header that holds the HMAC of the raw body: decoded, length-checked, verified.
import { unauthorized } from '../errors';
import { fromBase64, fromHex } from '../lib/bytes';
import { verifyHmacAny, type HmacHash } from '../lib/crypto';

const DIGEST_BYTES: Record<HmacHash, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-512': 64 };

/**
 * The common scheme of a header holding the HMAC of the raw body (Shopify, WooCommerce, Storyblok,
 * Shopware, Kontent.ai, Saleor's legacy one): decoded, length-checked, verified against any secret.
 */
export async function verifyBodyHmac(
  body: Uint8Array,
  secrets: readonly string[],
  scheme: { hash: HmacHash; header: string; encoding: 'hex' | 'base64' },
  value: string,
): Promise<void> {
  const signature = scheme.encoding === 'hex' ? fromHex(value) : fromBase64(value);
  if (!signature || signature.length !== DIGEST_BYTES[scheme.hash]) throw unauthorized(`malformed ${scheme.header}`);
  if (!(await verifyHmacAny(scheme.hash, secrets, body, [signature]))) throw unauthorized('signature does not match');
}
