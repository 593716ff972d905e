// Kontent.ai: `X-Kontent-ai-Signature` (legacy `X-KC-Signature`), base64 HMAC-SHA256 keyed by the secret's
// UTF-8 bytes (not base64-decoded), over the body with its line breaks normalised to CRLF, as the official
// helper v4 verifies (kontent-ai/webhook-helper-js@7a7a316 lib/signatures/signature-helper.ts
// isSignatureValid: `getHashFromString(replaceLinebreaks(payload), secret)`, `/[\r\n]+/gm` → `\r\n`).
// The raw bytes are accepted too (helper v3 compared them as received). https://kontent.ai/learn/docs/webhooks
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { decodeUtf8, utf8 } from '../lib/bytes';
import { verifyBodyHmac } from './body-hmac';
import { localeList, lookup, NO_OPTIONS, parsePayload, pick, record, str } from './support';
import type { ContentAction, NormalizedEvent, WebhookProvider } from './types';

/**
 * `<object_type>.<action>` of the current webhooks (@kontent-ai/webhook-helper v4 lib/models/webhook-schemas.ts).
 * A content item's preview-slot notifications (`delivery_slot: "preview"`: created, deleted,
 * workflow_step_changed, metadata_changed) change drafts, not the live site: they are updates whatever this
 * table says (previewAction).
 */
export const KONTENT_ACTIONS: Readonly<Record<string, ContentAction>> = {
  'content_item.published': 'publish',
  'content_item.unpublished': 'unpublish',
  'content_item.metadata_changed': 'update',
  'content_item.created': 'create',
  'content_item.deleted': 'delete',
  'content_item.workflow_step_changed': 'update',
  'asset.created': 'create',
  'asset.deleted': 'delete',
  'asset.metadata_changed': 'update',
};

/** Legacy webhooks' `message.operation` (v3 lib/models/legacy/webhook-models.class.ts); `archive` deletes. */
export const KONTENT_LEGACY_ACTIONS: Readonly<Record<string, ContentAction>> = {
  publish: 'publish',
  unpublish: 'unpublish',
  upsert: 'update',
  archive: 'delete',
  restore: 'update',
  change_workflow_step: 'update',
};

const Payload = z.looseObject({
  notifications: z.optional(z.array(z.unknown())),
  data: z.optional(z.record(z.string(), z.unknown())),
  message: z.optional(z.record(z.string(), z.unknown())),
});

/**
 * The body as received and as helper v4 hashes it: every run of CR/LF replaced by one CRLF. A JSON body
 * holds no raw line break inside a string, so the normalisation only touches whitespace between tokens.
 */
export function bodyForms(body: Uint8Array): Uint8Array[] {
  let text: string;
  try {
    text = decodeUtf8(body);
  } catch {
    return [body];
  }
  const normalised = text.replace(/[\r\n]+/g, '\r\n');
  return normalised === text ? [body] : [body, utf8(normalised)];
}

/** One current notification: `{data: {system}, message: {object_type, action, delivery_slot}}`. */
function notificationEvent(notification: unknown): NormalizedEvent {
  const system = record(pick(notification, 'data.system'));
  const message = record(record(notification).message);
  const action = str(message.action) ?? 'changed';
  const objectType = str(message.object_type) ?? 'content_item';
  const preview = objectType === 'content_item' && message.delivery_slot === 'preview';
  return {
    action: preview ? 'update' : (lookup(KONTENT_ACTIONS, `${objectType}.${action}`) ?? 'update'),
    topic: `${objectType}.${action}`,
    contentType: str(system.type) ?? objectType,
    documentId: str(system.id),
    locales: localeList(system.language),
    fields: system,
  };
}

/** A legacy webhook: `message.operation` over every item of `data.items` and taxonomy of `data.taxonomies`. */
function legacyEvents(body: { data?: Record<string, unknown>; message?: Record<string, unknown> }): NormalizedEvent[] {
  const message = record(body.message);
  const operation = str(message.operation) ?? 'upsert';
  const preview = message.api_name === 'delivery_preview';
  const list = (name: string) => (Array.isArray(body.data?.[name]) ? (body.data[name] as unknown[]) : []);
  const changed = [...list('items'), ...list('taxonomies').map((t) => ({ type: 'taxonomy', ...record(t) }))];
  return changed.map((item) => {
    const system = record(item);
    return {
      action: preview ? 'update' : (lookup(KONTENT_LEGACY_ACTIONS, operation) ?? 'update'),
      topic: `${str(message.type) ?? 'content_item'}.${operation}`,
      contentType: str(system.type),
      documentId: str(system.id),
      locales: localeList(system.language),
      fields: system,
      deliveryId: str(message.id),
    };
  });
}

/** The body with each run of line breaks as one CRLF, as the official helper v4 verifies it (replaceLinebreaks). */
const normalizedBody = (body: Uint8Array): Uint8Array => bodyForms(body).at(-1)!;

export const kontentAi: WebhookProvider<Record<string, never>> = {
  name: 'kontent-ai',
  options: NO_OPTIONS,
  defaultToleranceMs: undefined,

  async verify(request, { secrets }) {
    const header = request.headers.get('x-kontent-ai-signature') ?? request.headers.get('x-kc-signature');
    if (!header) throw unauthorized('missing x-kontent-ai-signature header');
    const scheme = { hash: 'SHA-256', header: 'x-kontent-ai-signature', encoding: 'base64' } as const;
    await verifyBodyHmac(bodyForms(request.body), secrets, scheme, header.trim());
  },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'Kontent.ai');
    // Current webhooks batch notifications, one event each; legacy ones list data.items.
    return body.notifications ? body.notifications.map(notificationEvent) : legacyEvents(body);
  },

  // The body is signed (line breaks aside: they are normalised as the helper does, so a replay that only
  // changes them is the same delivery). Notifications carry last_modified; legacy messages an id.
  identify: (request) => ({ signed: [normalizedBody(request.body)] }),
};
