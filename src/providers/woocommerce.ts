// WooCommerce: `X-WC-Webhook-Signature`, base64 HMAC-SHA256 of the raw body keyed by
// `wp_specialchars_decode(secret, ENT_QUOTES)`. Only the body is signed: topic, resource and delivery id are not.
// woocommerce/woocommerce plugins/woocommerce/includes/class-wc-webhook.php (generate_signature, deliver_ping,
// get_new_delivery_id); https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks
import * as z from 'zod/mini';
import { badRequest } from '../errors';
import { verifyBodyHmac } from './body-hmac';
import { idString, lookup, NO_OPTIONS, parsePayload, requireHeader, signedBody, unsignedHeader } from './support';
import type { ContentAction, UnsignedField, WebhookProvider } from './types';

/**
 * Topics are `<resource>.<event>` (`product.updated`); the event decides. `restored` is a post taken out of
 * the trash: its page is back, an update of it. Custom `action.<hook>` topics are updates.
 */
export const WOOCOMMERCE_ACTIONS: Readonly<Record<string, ContentAction>> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
  restored: 'update',
};

const TOPIC = /^[a-z][a-z0-9_]*\.[a-z0-9_]+$/;

/** The ping WooCommerce sends when a webhook is saved: `webhook_id=<id>` form-encoded, unsigned (deliver_ping). */
const PING = /^webhook_id=(\d{1,20})$/;

export const woocommerce: WebhookProvider<Record<string, never>> = {
  name: 'woocommerce',
  options: NO_OPTIONS,
  defaultToleranceMs: undefined,

  async verify(request, { secrets }) {
    const scheme = { hash: 'SHA-256', header: 'x-wc-webhook-signature', encoding: 'base64' } as const;
    await verifyBodyHmac(request.body, secrets, scheme, requireHeader(request.headers, scheme.header));
  },

  // WooCommerce saves the webhook without an error only when the ping is answered exactly 200; anything
  // else shows "Error: Delivery URL returned response code: N". The ping carries nothing to purge.
  ping(request) {
    if (request.headers.has('x-wc-webhook-signature') || request.body.length > 40) return undefined;
    const match = PING.exec(new TextDecoder().decode(request.body).trim());
    return match ? { ping: true, webhookId: Number(match[1]) } : undefined;
  },

  normalize(request, payload) {
    const body = parsePayload(z.record(z.string(), z.unknown()), payload, 'WooCommerce');
    const topic = unsignedHeader(request.headers, ['x-wc-webhook-topic'], TOPIC, 'a WooCommerce topic such as product.updated');
    if (!topic) throw badRequest('missing x-wc-webhook-topic header');
    const [resource = topic, event = ''] = topic.split('.');
    // A deletion's payload is the id alone (`array('id' => $resource_id)`), and only a deletion's is: the
    // unsigned topic must agree with the signed body.
    const idOnly = Object.keys(body).length === 1 && 'id' in body;
    if ((event === 'deleted') !== idOnly)
      throw badRequest(`x-wc-webhook-topic ${topic} (not signed) does not match the signed body`);
    // A product saved as anything but published has left the storefront: that comes from the signed body.
    const offShelf =
      resource === 'product' && event === 'updated' && typeof body.status === 'string' && body.status !== 'publish';
    const unsigned: UnsignedField[] = offShelf ? ['topic', 'contentType'] : ['topic', 'contentType', 'action'];
    return [
      {
        action: offShelf ? 'unpublish' : (lookup(WOOCOMMERCE_ACTIONS, event) ?? 'update'),
        topic,
        contentType: resource,
        documentId: idString(body.id),
        locales: [],
        fields: body,
        deliveryId: request.headers.get('x-wc-webhook-delivery-id') ?? undefined,
        unsigned,
      },
    ];
  },

  // X-WC-Webhook-Delivery-ID is wp_hash(webhook id . strtotime('now')): unsigned, and shared by every
  // delivery of one webhook within a second. Two different bodies are two deliveries.
  identify: signedBody,
};
