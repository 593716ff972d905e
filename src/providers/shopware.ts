// Shopware app webhooks: `shopware-shop-signature`, hex HMAC-SHA256 of the raw body keyed by the shop secret.
// https://developer.shopware.com/docs/guides/plugins/apps/webhook.html
import * as z from 'zod/mini';
import { verifyBodyHmac } from './body-hmac';
import {
  checkTimestamp,
  idString,
  NO_OPTIONS,
  parseJsonBody,
  parsePayload,
  record,
  requireHeader,
  str,
  verbAction,
} from './support';
import type { WebhookProvider } from './types';

// Entity-written payloads name the DAL operation of each row.
const OPERATIONS = { insert: 'create', update: 'update', delete: 'delete' } as const;

const Payload = z.looseObject({
  data: z.looseObject({ event: z.string(), payload: z.optional(z.array(z.unknown())) }),
  source: z.optional(z.looseObject({ eventId: z.optional(z.string()) })),
  timestamp: z.optional(z.number()),
});

export const shopware: WebhookProvider<Record<string, never>> = {
  name: 'shopware',
  options: NO_OPTIONS,
  // Webhooks may leave Shopware's message queue late: the body's timestamp is checked only when the
  // source sets toleranceSeconds.
  defaultToleranceMs: undefined,

  async verify(request, { secrets, toleranceMs, now }) {
    const scheme = { hash: 'SHA-256', header: 'shopware-shop-signature', encoding: 'hex' } as const;
    await verifyBodyHmac(request.body, secrets, scheme, requireHeader(request.headers, scheme.header));
    const timestamp = record(parseJsonBody(request.body)).timestamp;
    if (Number.isFinite(toleranceMs)) checkTimestamp(typeof timestamp === 'number' ? timestamp * 1000 : NaN, now, toleranceMs);
  },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'Shopware');
    const row = record(body.data.payload?.[0]);
    const operation = str(row.operation) as keyof typeof OPERATIONS | undefined;
    const key = row.primaryKey;
    return {
      action: (operation && OPERATIONS[operation]) ?? verbAction(body.data.event),
      topic: body.data.event,
      contentType: str(row.entity) ?? body.data.event.split('.')[0],
      documentId: idString(key) ?? (key === undefined ? undefined : JSON.stringify(key)),
      locales: [],
      fields: row,
      deliveryId: body.source?.eventId,
    };
  },
};
