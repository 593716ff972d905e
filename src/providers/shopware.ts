// Shopware app webhooks: `shopware-shop-signature`, hex HMAC-SHA256 of the raw body keyed by the shop secret.
// https://developer.shopware.com/docs/guides/plugins/apps/webhook.html
import * as z from 'zod/mini';
import { verifyBodyHmac } from './body-hmac';
import {
  checkTimestamp,
  idString,
  isRecord,
  lookup,
  NO_OPTIONS,
  parseJsonBody,
  parsePayload,
  record,
  requireHeader,
  signedBody,
  str,
} from './support';
import type { ContentAction, NormalizedEvent, WebhookProvider } from './types';

/**
 * Entity-written payloads list each written row with its DAL operation (`insert`, `update`, `delete`):
 * https://developer.shopware.com/docs/guides/plugins/apps/webhook.html (`data.payload[]`).
 */
export const SHOPWARE_ROW_ACTIONS: Readonly<Record<string, ContentAction>> = {
  insert: 'create',
  update: 'update',
  delete: 'delete',
};

/** A row without an operation takes the event's (`product.written`, `product.deleted`, ...); others are updates. */
export const SHOPWARE_EVENT_ACTIONS: Readonly<Record<string, ContentAction>> = {
  written: 'update',
  deleted: 'delete',
};

const Payload = z.looseObject({
  data: z.looseObject({ event: z.string(), payload: z.optional(z.array(z.unknown())) }),
  source: z.optional(z.looseObject({ eventId: z.optional(z.string()) })),
  timestamp: z.optional(z.number()),
});

/** One written row: `{entity, operation, primaryKey, updatedFields, versionId}`. */
function rowEvent(event: string, row: Record<string, unknown>, deliveryId: string | undefined): NormalizedEvent {
  const key = row.primaryKey;
  return {
    action:
      lookup(SHOPWARE_ROW_ACTIONS, str(row.operation)) ?? lookup(SHOPWARE_EVENT_ACTIONS, event.split('.').pop()) ?? 'update',
    topic: event,
    contentType: str(row.entity) ?? event.split('.')[0],
    // A mapping table's key is an object of its columns: kept as its JSON.
    documentId: idString(key) ?? (key === undefined ? undefined : JSON.stringify(key)),
    locales: [],
    fields: row,
    deliveryId,
  };
}

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
    const rows = (body.data.payload ?? []).filter(isRecord);
    const deliveryId = body.source?.eventId;
    // Every written row is a change of its own (an import writes many in one delivery).
    if (rows.length === 0) return [rowEvent(body.data.event, {}, deliveryId)];
    return rows.map((row) => rowEvent(body.data.event, row, deliveryId));
  },

  // `source.eventId` is inside the signed body; without it, the signed body itself.
  identify: (request, payload) => {
    const eventId = str(record(record(payload).source).eventId);
    return eventId ? { id: eventId } : signedBody(request);
  },
};
