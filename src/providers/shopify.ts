// Shopify: `X-Shopify-Hmac-Sha256` (Events deliveries: `shopify-hmac-sha256`), base64 HMAC-SHA256 of the raw
// body keyed by the app secret. Only the body is signed: topic, webhook id and trigger time are not.
// https://shopify.dev/docs/apps/build/webhooks/verify-deliveries, Shopify/shopify-app-js
// packages/apps/shopify-api/lib/webhooks/validate.ts (both header families)
import * as z from 'zod/mini';
import { badRequest, unauthorized } from '../errors';
import { verifyBodyHmac } from './body-hmac';
import { checkTimestamp, idString, isRecord, lookup, NO_OPTIONS, parsePayload, signedBody, unsignedHeader } from './support';
import type { ContentAction, NormalizedEvent, UnsignedField, WebhookProvider } from './types';

/**
 * The names of Shopify's delivery headers, without their family prefix. Shopify sends one family:
 * `X-Shopify-<Name>` for webhooks, `Shopify-<Name>` for Events deliveries. @shopify/shopify-api reads
 * the Events family when `shopify-hmac-sha256` is present, else the webhooks one, for every header
 * (Shopify/shopify-app-js packages/apps/shopify-api/lib/webhooks/validate.ts `detectWebhookType`,
 * lib/webhooks/types.ts `WEBHOOK_HEADER_NAMES`, lib/types.ts `ShopifyHeader`/`ShopifyEventsHeader`).
 */
export type ShopifyHeaderName =
  | 'hmac-sha256'
  | 'topic'
  | 'shop-domain'
  | 'api-version'
  | 'webhook-id'
  | 'event-id'
  | 'triggered-at'
  | 'name'
  | 'handle'
  | 'action'
  | 'resource-id';

/** A Shopify header from the family this delivery uses (see ShopifyHeaderName), or null. */
export function shopifyHeader(headers: Headers, name: ShopifyHeaderName): string | null {
  const family = headers.has('shopify-hmac-sha256') ? 'shopify-' : 'x-shopify-';
  return headers.get(`${family}${name}`);
}

/**
 * Topics are `<resource>/<verb>` (`products/update`, `product_listings/remove`); the verb decides. A
 * listing added to or removed from the sales channel is the storefront's publish and unpublish. Any other
 * verb (`orders/paid`, `inventory_levels/connect`, ...) is an update of its resource.
 * https://shopify.dev/docs/api/webhooks (topic list)
 */
export const SHOPIFY_ACTIONS: Readonly<Record<string, ContentAction>> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  add: 'publish',
  remove: 'unpublish',
};

// `products/update`, `customer.tags_added`: lower-case words joined by `/` or `.`, nothing else.
const TOPIC = /^[a-z][a-z0-9_]*(?:[/.][a-z][a-z0-9_]*)+$/;

// Listing topics wrap their payload: `{"product_listing": {"product_id": ...}}`.
const LISTINGS: Readonly<Record<string, string>> = {
  product_listings: 'product_listing',
  collection_listings: 'collection_listing',
};

/** A product taken off the storefront: `status` draft or archived, or `published_at` null (Admin REST Product). */
const offStorefront = (body: Record<string, unknown>) =>
  body.status === 'draft' || body.status === 'archived' || ('published_at' in body && body.published_at === null);

/**
 * The topic is not signed, so it must agree with the signed body: a deletion payload carries the id only
 * (`products/delete`: `{"id": ...}`, never a `title` or `handle`), and a listing topic's body is wrapped in its
 * listing object (and only then). A captured update replayed as a delete or a listing removal is refused.
 */
function checkTopic(topic: string, resource: string, verb: string, body: Record<string, unknown>): void {
  const listing = LISTINGS[resource];
  const wrapped = Object.values(LISTINGS).find((key) => isRecord(body[key]));
  const contradicts =
    (verb === 'delete' && ('title' in body || 'handle' in body)) ||
    (listing !== undefined && !isRecord(body[listing])) ||
    (listing === undefined && wrapped !== undefined);
  if (contradicts) throw badRequest(`x-shopify-topic ${topic} (not signed) does not match the signed body`);
}

function productEvent(topic: string, body: Record<string, unknown>): NormalizedEvent {
  const [resource = topic, verb = ''] = topic.split('/');
  checkTopic(topic, resource, verb, body);
  const listing = LISTINGS[resource];
  const document = listing ? (body[listing] as Record<string, unknown>) : body;
  const fromBody = resource === 'products' && verb === 'update' && offStorefront(body);
  const unsigned: UnsignedField[] = fromBody ? ['topic', 'contentType'] : ['topic', 'contentType', 'action'];
  return {
    action: fromBody ? 'unpublish' : (lookup(SHOPIFY_ACTIONS, verb) ?? 'update'),
    topic,
    contentType: resource,
    documentId: idString(listing ? (document.product_id ?? document.collection_id) : body.id),
    locales: [],
    fields: document,
    unsigned,
  };
}

export const shopify: WebhookProvider<Record<string, never>> = {
  name: 'shopify',
  options: NO_OPTIONS,
  // The HMAC covers no timestamp. A configured toleranceSeconds checks X-Shopify-Triggered-At, which is not
  // signed either: it only bounds how late Shopify may deliver (retries keep the original time for 4 hours).
  defaultToleranceMs: undefined,

  async verify(request, { secrets, toleranceMs, now }) {
    const header = request.headers.has('shopify-hmac-sha256') ? 'shopify-hmac-sha256' : 'x-shopify-hmac-sha256';
    const value = request.headers.get(header)?.trim();
    if (!value) throw unauthorized('missing x-shopify-hmac-sha256 header');
    await verifyBodyHmac(request.body, secrets, { hash: 'SHA-256', header, encoding: 'base64' }, value);
    if (Number.isFinite(toleranceMs)) {
      const triggeredAt = shopifyHeader(request.headers, 'triggered-at');
      if (!triggeredAt) throw unauthorized('missing x-shopify-triggered-at header (the source sets toleranceSeconds)');
      checkTimestamp(Date.parse(triggeredAt), now, toleranceMs);
    }
  },

  normalize(request, payload) {
    const body = parsePayload(z.record(z.string(), z.unknown()), payload, 'Shopify');
    // The topic of the family this delivery uses (shopifyHeader's rule).
    const names = [request.headers.has('shopify-hmac-sha256') ? 'shopify-topic' : 'x-shopify-topic'];
    const topic = unsignedHeader(request.headers, names, TOPIC, 'a Shopify topic such as products/update');
    if (!topic) throw badRequest('missing x-shopify-topic header');
    return [{ ...productEvent(topic, body), deliveryId: shopifyHeader(request.headers, 'webhook-id') ?? undefined }];
  },

  // The body is all Shopify signs; X-Shopify-Webhook-Id (per delivery) and Event-Id are not signed.
  identify: signedBody,
};
