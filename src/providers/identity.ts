// A delivery's de-duplication key: a SHA-256 of what identifies it (the platform's signed id, or the exact
// bytes its signature covers), never of header text an attacker may vary (docs/providers.md, "Redeliveries").
import { concatBytes, toHex, utf8 } from '../lib/bytes';
import type { DeliveryIdentity } from './types';

/** Longest delivery id shown in logs and on the Deliveries page; a longer one is cut (it is never a key). */
export const MAX_SHOWN_DELIVERY_ID = 128;

/** Four bytes of big-endian length before each part, so `["ab", "c"]` and `["a", "bc"]` differ. */
function framed(kind: string, parts: readonly Uint8Array[]): Uint8Array {
  const pieces: Uint8Array[] = [utf8(kind)];
  for (const part of parts) {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, part.length);
    pieces.push(length, part);
  }
  return concatBytes(...pieces);
}

/** The key a delivery is remembered under: 64 hex characters, whatever the platform's id looks like. */
export async function deliveryKey(identity: DeliveryIdentity): Promise<string> {
  const data = 'id' in identity ? framed('id', [utf8(identity.id)]) : framed('signed', identity.signed);
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
}

/** A platform's delivery id as shown: trimmed and cut to MAX_SHOWN_DELIVERY_ID characters. */
export function shownDeliveryId(value: string | null | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  return text.length > MAX_SHOWN_DELIVERY_ID ? `${text.slice(0, MAX_SHOWN_DELIVERY_ID - 1)}…` : text;
}
