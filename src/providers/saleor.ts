// Saleor: `Saleor-Signature`, a JWS with detached payload (`<b64 header>..<b64 signature>`), RS256 over
// `<b64 header>.<raw body>`, keys from the instance's JWKS; or, deprecated, hex HMAC-SHA256 of the body.
// https://docs.saleor.io/developer/extending/webhooks/payload-signature
import * as z from 'zod/mini';
import { badRequest, unauthorized } from '../errors';
import { concatBytes, utf8 } from '../lib/bytes';
import { verifyBodyHmac } from './body-hmac';
import { RS256, decodeJsonPart, jwsSegments, verifyRs256 } from './jws';
import { KEY_URL } from './keys';
import { idString, isRecord, lookup, parsePayload, record, requireHeader, signedBody, str, unsignedHeader } from './support';
import type { ContentAction, NormalizedEvent, WebhookProvider } from './types';

const Options = z.strictObject({
  /** `<your Saleor API origin>/.well-known/jwks.json`. Without it, the deprecated HMAC with `secrets`. */
  jwksUrl: z.optional(KEY_URL),
});
type SaleorOptions = z.infer<typeof Options>;

/** The verb after the object's words in `saleor-event` (`product_updated`); any other verb is an update. */
export const SALEOR_ACTIONS: Readonly<Record<string, ContentAction>> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
};

// saleor/webhook/event_types.py: lower-case words joined by `_` (`product_variant_out_of_stock`).
const EVENT = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

const capital = (word: string) => (word[0] ?? '').toUpperCase() + word.slice(1);
const camel = (words: readonly string[]) => words.map((w, i) => (i === 0 ? w : capital(w))).join('');

/**
 * The object the event names (saleor/graphql/webhook/subscription_payload.py: the body is the `event`
 * selection, `{"product": {...}}`): the longest leading words of the event that are a key of the body,
 * `product_variant_out_of_stock` → `productVariant`, with the rest as the verb. Filterable subscriptions
 * nest it as `{"data": {"orderCreated": {...}}}`.
 */
function namedObject(event: string, payload: Record<string, unknown>) {
  const words = event.split('_');
  const nested = record(payload.data)[camel(words)];
  const body = isRecord(nested) ? nested : payload;
  for (let n = words.length - 1; n >= 1; n--) {
    const key = camel(words.slice(0, n));
    if (Object.hasOwn(body, key) && isRecord(body[key])) return { body, key, object: body[key], verb: words.slice(n).join('_') };
  }
  throw badRequest(
    `saleor-event ${event} (not signed) names no object of the signed body (expected "${camel(words.slice(0, -1))}")`,
  );
}

function subscriptionEvent(event: string, payload: Record<string, unknown>): NormalizedEvent {
  const { body, key, object, verb } = namedObject(event, payload);
  // A subscription that selects `__typename` signs the event's name: then the header must agree with it.
  const typename = str(body.__typename);
  const pascal = event.split('_').map(capital).join('');
  if (typename !== undefined && typename !== pascal) {
    throw badRequest(`saleor-event ${event} (not signed) contradicts the signed __typename ${typename}`);
  }
  return {
    action: lookup(SALEOR_ACTIONS, verb) ?? 'update',
    topic: event,
    contentType: key,
    documentId: idString(object.id),
    locales: [],
    fields: object,
    unsigned: typename === undefined ? ['topic', 'action'] : ['topic'],
  };
}

export const saleor: WebhookProvider<SaleorOptions> = {
  name: 'saleor',
  options: Options,
  usesSecrets: (options) => options.jwksUrl === undefined,
  defaultToleranceMs: undefined,
  audit: { keyUrls: (options) => (options.jwksUrl ? [{ url: options.jwksUrl, algorithm: RS256 }] : []) },

  async verify(request, { source, secrets, options, now }) {
    const value = requireHeader(request.headers, 'saleor-signature');
    if (!options.jwksUrl) {
      // The deprecated scheme: hex HMAC-SHA256 of the body with the app's secret.
      return verifyBodyHmac(request.body, secrets, { hash: 'SHA-256', header: 'saleor-signature', encoding: 'hex' }, value);
    }
    const [head, payload, signature] = jwsSegments(value, 'saleor-signature');
    const header = decodeJsonPart(head);
    if (payload !== '' || !header) throw unauthorized('malformed saleor-signature (a detached JWS is expected)');
    // saleor/core/jwt_manager.py jws_encode: PyJWT api_jws.encode(..., headers={"kid", "crit": ["b64"]},
    // is_payload_detached=True), which writes b64:false: the signing input is `<header>.<raw body>` (RFC 7797).
    const data = concatBytes(utf8(`${head}.`), request.body);
    await verifyRs256({ header, unencodedPayload: true, signature, data, source, jwksUrl: options.jwksUrl }, now);
  },

  normalize(request, payload) {
    const body = parsePayload(z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]), payload, 'Saleor');
    const names = ['saleor-event', 'x-saleor-event'];
    const event = unsignedHeader(request.headers, names, EVENT, 'a Saleor event name such as product_updated');
    if (!event) throw badRequest('missing saleor-event header');
    if (!Array.isArray(body)) return [subscriptionEvent(event, body)];
    // Legacy (non-subscription) payloads are a list of serialized objects, each with its `type` and `id`.
    return body.filter(isRecord).map((object) => ({
      action: lookup(SALEOR_ACTIONS, event.split('_').pop()) ?? 'update',
      topic: event,
      contentType: str(object.type)?.toLowerCase() ?? event.replace(/_[a-z0-9]+$/, ''),
      documentId: idString(object.id),
      locales: [],
      fields: object,
      unsigned: ['topic', 'action'],
    }));
  },

  // Saleor signs the body only and sends no delivery id; a body that selects `issuedAt` (the event's time)
  // is unique per event, so its bytes identify the delivery. Without it two genuine events can be identical.
  identify: (request, payload) => (isRecord(payload) && 'issuedAt' in payload ? signedBody(request) : undefined),
};
