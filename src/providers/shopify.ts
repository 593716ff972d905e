// Shopify: `X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 of the raw body keyed by the app secret.
// https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
import * as z from 'zod/mini';
import { verifyBodyHmac } from './body-hmac';
import { checkTimestamp, idString, NO_OPTIONS, parsePayload, requireHeader } from './support';
import type { ContentAction, WebhookProvider } from './types';

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
    const scheme = { hash: 'SHA-256', header: 'x-shopify-hmac-sha256', encoding: 'base64' } as const;
    await verifyBodyHmac(request.body, secrets, scheme, requireHeader(request.headers, scheme.header));
    const triggeredAt = request.headers.get('x-shopify-triggered-at');
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
