// Contentful: HMAC-SHA256 over a canonical request (method, path, signed headers, body).
// https://www.contentful.com/developers/docs/extensibility/webhooks/request-verification/
import * as z from 'zod/mini';
import { badRequest, unauthorized } from '../errors';
import { fromHex, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import {
  checkTimestamp,
  isRecord,
  lookup,
  NO_OPTIONS,
  parseIntStrict,
  parsePayload,
  requireHeader,
  unsignedHeader,
} from './support';
import type { ContentAction, WebhookProvider, WebhookRequest } from './types';

const SIGNED_HEADERS = 'x-contentful-signed-headers';

/**
 * X-Contentful-Topic is `ContentManagement.<Entity>.<action>`; save/auto_save are drafts changing.
 * https://www.contentful.com/developers/docs/webhooks/overview/ (topics)
 */
export const CONTENTFUL_ACTIONS: Readonly<Record<string, ContentAction>> = {
  publish: 'publish',
  unpublish: 'unpublish',
  create: 'create',
  save: 'update',
  auto_save: 'update',
  archive: 'archive',
  unarchive: 'update',
  delete: 'delete',
};

/**
 * The path as @contentful/node-apps-toolkit canonicalises it: the query is escaped as one
 * component, then the whole is passed through encodeURI (so a query ends up double-encoded).
 */
function canonicalPath(url: URL): string {
  const pathname = safeDecodeURI(url.pathname);
  const search = url.search.slice(1);
  return encodeURI(search ? `${pathname}?${encodeURIComponent(safeDecodeURI(search))}` : pathname);
}

function safeDecodeURI(text: string): string {
  try {
    return decodeURI(text);
  } catch {
    return text;
  }
}

function canonicalRequest(request: WebhookRequest, signedHeaders: string[]): Uint8Array {
  const headers = [...new Set(signedHeaders.map((h) => h.trim().toLowerCase()))]
    .sort()
    .map((name) => `${name}:${(request.headers.get(name) ?? '').trim()}`)
    .join(';');
  const head = utf8(`${request.method.toUpperCase()}\n${canonicalPath(request.url)}\n${headers}\n`);
  const out = new Uint8Array(head.length + request.body.length);
  out.set(head);
  out.set(request.body, head.length);
  return out;
}

const Payload = z.looseObject({
  sys: z.looseObject({
    id: z.string(),
    type: z.string(),
    contentType: z.optional(z.looseObject({ sys: z.looseObject({ id: z.string() }) })),
  }),
  fields: z.optional(z.record(z.string(), z.unknown())),
});

/** Contentful sends every locale: `{slug: {"en-US": "a", "de-DE": "b"}}`; split it per locale. */
function splitLocales(fields: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const localized: Record<string, Record<string, unknown>> = {};
  for (const [name, perLocale] of Object.entries(fields)) {
    if (!isRecord(perLocale)) continue;
    for (const [locale, value] of Object.entries(perLocale)) {
      (localized[locale] ??= {})[name] = value;
    }
  }
  return localized;
}

const TOPIC = /^[A-Za-z]+\.[A-Za-z]+\.[a-z_]+$/;

/** The headers x-contentful-signed-headers lists, lower-cased: only those count as signed. */
const signedHeaders = (request: WebhookRequest): string[] =>
  (request.headers.get(SIGNED_HEADERS) ?? '').split(',').map((h) => h.trim().toLowerCase());

/**
 * The topic's action. When the topic is not among the signed headers it must agree with the signed body:
 * unpublish and delete send a tombstone (`sys.type` `DeletedEntry`, `DeletedAsset`, ...) and nothing else
 * does, and the topic's entity is the body's type. Without a topic, the body's type alone decides.
 */
function actionOf(topic: string | undefined, signed: boolean, type: string): ContentAction {
  const tombstone = type.startsWith('Deleted');
  if (topic === undefined) return tombstone ? 'delete' : 'update';
  const [, entity, verb = ''] = topic.split('.');
  const removal = verb === 'unpublish' || verb === 'delete';
  if (!signed && (removal !== tombstone || entity !== type.replace(/^Deleted/, ''))) {
    throw badRequest(`x-contentful-topic ${topic} is not signed and does not match the body's sys.type ${type}`);
  }
  return lookup(CONTENTFUL_ACTIONS, verb) ?? (tombstone ? 'delete' : 'update');
}

export const contentful: WebhookProvider<Record<string, never>> = {
  name: 'contentful',
  options: NO_OPTIONS,
  // A webhook may be set to PUT or PATCH (the toolkit signs the method: it is part of the canonical request).
  methods: ['PUT', 'PATCH'],
  // The toolkit's verifyRequest default time-to-live.
  defaultToleranceMs: 30_000,

  async verify(request, { secrets, toleranceMs, now }) {
    const signature = fromHex(requireHeader(request.headers, 'x-contentful-signature'));
    const signed = requireHeader(request.headers, SIGNED_HEADERS).split(',');
    const timestamp = parseIntStrict(requireHeader(request.headers, 'x-contentful-timestamp'));
    if (!signature || signature.length !== 32) throw unauthorized('malformed x-contentful-signature');
    if (!signed.includes(SIGNED_HEADERS) || !signed.includes('x-contentful-timestamp')) {
      throw unauthorized('x-contentful-signed-headers must list itself and x-contentful-timestamp');
    }
    checkTimestamp(timestamp ?? NaN, now, toleranceMs);
    const data = canonicalRequest(request, signed);
    if (!(await verifyHmacAny('SHA-256', secrets, data, [signature]))) {
      throw unauthorized('signature does not match');
    }
  },

  normalize(request, payload) {
    const { sys, fields = {} } = parsePayload(Payload, payload, 'Contentful');
    const header = unsignedHeader(request.headers, ['x-contentful-topic'], TOPIC, 'a Contentful topic');
    const signed = signedHeaders(request).includes('x-contentful-topic');
    const localized = splitLocales(fields);
    const locales = Object.keys(localized);
    return [
      {
        action: actionOf(header, signed, sys.type),
        topic: header ?? `ContentManagement.${sys.type}.save`,
        contentType: sys.contentType?.sys.id,
        documentId: sys.id,
        locales,
        fields: locales[0] ? (localized[locales[0]] ?? {}) : {},
        localized,
        deliveryId: request.headers.get('x-contentful-idempotency-key') ?? undefined,
        ...(header !== undefined && !signed && { unsigned: ['topic' as const] }),
      },
    ];
  },

  // X-Contentful-Idempotency-Key identifies a delivery only when it is among the signed headers; otherwise
  // the canonical request (method, path, signed headers with the timestamp, body) does.
  identify(request) {
    const signed = signedHeaders(request);
    const key = request.headers.get('x-contentful-idempotency-key')?.trim();
    if (key && signed.includes('x-contentful-idempotency-key')) return { id: key };
    return { signed: [canonicalRequest(request, signed)] };
  },
};
