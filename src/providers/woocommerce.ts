// WooCommerce: `X-WC-Webhook-Signature`, base64 HMAC-SHA256 of the raw body keyed by the webhook secret.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks
import * as z from 'zod/mini';
import { verifyBodyHmac } from './body-hmac';
import { idString, NO_OPTIONS, parsePayload, requireHeader, verbAction } from './support';
import type { WebhookProvider } from './types';

export const woocommerce: WebhookProvider<Record<string, never>> = {
  name: 'woocommerce',
  options: NO_OPTIONS,
  defaultToleranceMs: undefined,

  async verify(request, { secrets }) {
    const scheme = { hash: 'SHA-256', header: 'x-wc-webhook-signature', encoding: 'base64' } as const;
    await verifyBodyHmac(request.body, secrets, scheme, requireHeader(request.headers, scheme.header));
  },

  normalize(request, payload) {
    const body = parsePayload(z.record(z.string(), z.unknown()), payload, 'WooCommerce');
    // Topics are `<resource>.<event>`: product.updated, product.deleted, order.created, ...
    const topic = request.headers.get('x-wc-webhook-topic') ?? 'unknown.updated';
    const action = verbAction(topic);
    return {
      // A product saved as anything but published has left the storefront.
      action:
        action === 'update' && typeof body.status === 'string' && body.status !== 'publish' && topic.startsWith('product.')
          ? 'unpublish'
          : action,
      topic,
      contentType: request.headers.get('x-wc-webhook-resource') ?? topic.split('.')[0],
      documentId: idString(body.id),
      locales: [],
      fields: body,
      deliveryId: request.headers.get('x-wc-webhook-delivery-id') ?? undefined,
    };
  },
};
