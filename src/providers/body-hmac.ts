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
  body: Uint8Array | readonly Uint8Array[],
  secrets: readonly string[],
  scheme: { hash: HmacHash; header: string; encoding: 'hex' | 'base64' },
  value: string,
): Promise<void> {
  const signature = scheme.encoding === 'hex' ? fromHex(value) : fromBase64(value);
  if (!signature || signature.length !== DIGEST_BYTES[scheme.hash]) throw unauthorized(`malformed ${scheme.header}`);
  // Several forms of one body (Kontent.ai: as received, and with its line breaks normalised): any may match.
  let ok = false;
  for (const bytes of body instanceof Uint8Array ? [body] : body) {
    if (await verifyHmacAny(scheme.hash, secrets, bytes, [signature])) ok = true;
  }
  if (!ok) throw unauthorized('signature does not match');
}
