// Stripe and Stripe-style signing: `Stripe-Signature: t=<s>,v1=<hex>[,v1=...]`, HMAC-SHA256 over
// `${t}.${body}` keyed by the whole `whsec_...` string. https://docs.stripe.com/webhooks/signature
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { concatBytes, fromHex, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import { checkTimestamp, idString, isRecord, lookup, parseIntStrict, parsePayload, record, requireHeader, str } from './support';
import type { ContentAction, WebhookProvider } from './types';

const Options = z.strictObject({
  /** The header carrying `t=...,v1=...` (default `stripe-signature`), for platforms that copied the scheme. */
  header: z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'))),
});
type StripeOptions = z.infer<typeof Options>;

/**
 * Event types are `<object>.<verb>` (`product.updated`, `price.deleted`): the last verb decides; any other
 * (`checkout.session.completed`, ...) is an update of its object. https://docs.stripe.com/api/events/types
 */
export const STRIPE_ACTIONS: Readonly<Record<string, ContentAction>> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
};

const Payload = z.looseObject({
  id: z.string(),
  type: z.string(),
  data: z.optional(z.looseObject({ object: z.optional(z.record(z.string(), z.unknown())) })),
});

/** `t=1,v1=a,v1=b,v0=c` → the timestamp and every v1 signature. */
export function parseTimestampedSignature(value: string): { t?: string; v1: Uint8Array[] } {
  const out: { t?: string; v1: Uint8Array[] } = { v1: [] };
  for (const part of value.split(',')) {
    const [key, text = ''] = part.trim().split('=', 2);
    if (key === 't') out.t = text;
    const signature = key === 'v1' ? fromHex(text) : undefined;
    if (signature?.length === 32) out.v1.push(signature);
  }
  return out;
}

export const stripe: WebhookProvider<StripeOptions> = {
  name: 'stripe',
  options: Options,
  // Stripe's libraries' DEFAULT_TOLERANCE (300 s, stripe-node src/Webhooks.ts). Stripe signs every attempt
  // anew ("Prevent replay attacks", docs.stripe.com/webhooks), so its retries (up to 3 days) fit it.
  defaultToleranceMs: 300_000,

  async verify(request, { secrets, options, toleranceMs, now }) {
    const header = options.header ?? 'stripe-signature';
    const { t, v1 } = parseTimestampedSignature(requireHeader(request.headers, header));
    const seconds = parseIntStrict(t);
    if (seconds === undefined || v1.length === 0) throw unauthorized(`malformed ${header}`);
    checkTimestamp(seconds * 1000, now, toleranceMs);
    if (!(await verifyHmacAny('SHA-256', secrets, concatBytes(utf8(`${t}.`), request.body), v1))) {
      throw unauthorized('signature does not match');
    }
  },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'Stripe');
    const object = body.data?.object ?? {};
    const previous = record(body.data).previous_attributes;
    return [
      {
        action: lookup(STRIPE_ACTIONS, body.type.split('.').pop()) ?? 'update',
        topic: body.type,
        contentType: str(object.object) ?? body.type.split('.')[0],
        documentId: idString(object.id),
        locales: [],
        fields: object,
        previous: isRecord(previous) ? previous : undefined,
        deliveryId: body.id,
      },
    ];
  },

  // Stripe retries an event with the same id, inside the signed body.
  identify: (_request, payload) => ({ id: String(record(payload).id) }),
};
