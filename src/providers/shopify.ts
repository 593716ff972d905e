// Shopify: `X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 of the raw body keyed by the app secret.
// https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
import * as z from 'zod/mini';
import { verifyBodyHmac } from './body-hmac';
import { checkTimestamp, idString, NO_OPTIONS, parsePayload, requireHeader } from './support';
import type { ContentAction, WebhookProvider } from './types';

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

// Topics are `<resource>/<verb>`; listings added to or removed from a sales channel are
// the storefront's publish and unpublish.
const ACTIONS: Record<string, ContentAction> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  add: 'publish',
  remove: 'unpublish',
  publish: 'publish',
  unpublish: 'unpublish',
};

export const shopify: WebhookProvider<Record<string, never>> = {
  name: 'shopify',
  options: NO_OPTIONS,
  // The HMAC covers no timestamp. X-Shopify-Triggered-At is checked when a tolerance is configured.
  defaultToleranceMs: undefined,

  async verify(request, { secrets, toleranceMs, now }) {
    // Events deliveries carry `shopify-hmac-sha256`, webhooks `x-shopify-hmac-sha256`: the same HMAC.
    const header = request.headers.has('shopify-hmac-sha256') ? 'shopify-hmac-sha256' : 'x-shopify-hmac-sha256';
    const scheme = { hash: 'SHA-256', header, encoding: 'base64' } as const;
    await verifyBodyHmac(request.body, secrets, scheme, requireHeader(request.headers, header));
    const triggeredAt = shopifyHeader(request.headers, 'triggered-at');
    if (Number.isFinite(toleranceMs) && triggeredAt) {
      checkTimestamp(Date.parse(triggeredAt), now, toleranceMs);
    }
  },

  normalize(request, payload) {
    const body = parsePayload(z.record(z.string(), z.unknown()), payload, 'Shopify');
    const topic = request.headers.get('x-shopify-topic') ?? 'unknown/update';
    const [resource = topic, verb = ''] = topic.split('/');
    return {
      action: ACTIONS[verb] ?? 'update',
      topic,
      contentType: resource,
      documentId: idString(body.id) ?? idString(body.product_listing_id) ?? idString(body.product_id),
      locales: [],
      fields: body,
      deliveryId: request.headers.get('x-shopify-event-id') ?? request.headers.get('x-shopify-webhook-id') ?? undefined,
    };
  },
};
