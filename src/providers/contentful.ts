// Contentful: HMAC-SHA256 over a canonical request (method, path, signed headers, body).
// https://www.contentful.com/developers/docs/extensibility/webhooks/request-verification/
import * as z from 'zod/mini';
import { badRequest, unauthorized } from '../errors';
import { fromHex, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import { bare, checkTimestamp, isRecord, NO_OPTIONS, parseIntStrict, parsePayload, requireHeader } from './support';
import type { ContentAction, WebhookProvider, WebhookRequest } from './types';

const SIGNED_HEADERS = 'x-contentful-signed-headers';

// X-Contentful-Topic is `ContentManagement.<Entity>.<action>`; save/auto_save are drafts changing.
const ACTIONS: Record<string, ContentAction> = {
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

/**
 * A Contentful locale code: `en-US`, `zh-Hans-CN`, `es-419`, or a custom code made of letters, digits
 * and `-`/`_` (https://www.contentful.com/developers/docs/references/content-management-api/#/reference/locales).
 * Never a name Object.prototype carries (`__proto__`, `constructor`, `toString`...).
 */
const LOCALE_CODE = /^[A-Za-z0-9]{1,16}(?:[-_][A-Za-z0-9]{1,16}){0,7}$/;
const isLocaleCode = (key: string): boolean => LOCALE_CODE.test(key) && !(key in Object.prototype);

/**
 * Contentful sends every locale: `{slug: {"en-US": "a", "de-DE": "b"}}`; split it per locale. The
 * objects have no prototype, so no key of the payload can reach one (SECURITY.md, F2).
 */
function splitLocales(fields: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const localized = bare<Record<string, unknown>>();
  for (const [name, perLocale] of Object.entries(fields)) {
    if (!isRecord(perLocale)) continue;
    for (const [locale, value] of Object.entries(perLocale)) {
      if (!isLocaleCode(locale)) throw badRequest(`Contentful payload has a key that is not a locale code at fields.${name}`);
      (localized[locale] ??= bare())[name] = value;
    }
  }
  return localized;
}

export const contentful: WebhookProvider<Record<string, never>> = {
  name: 'contentful',
  options: NO_OPTIONS,
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
    const topic = request.headers.get('x-contentful-topic') ?? `ContentManagement.${sys.type}.save`;
    const verb = topic.split('.').pop() ?? '';
    const localized = splitLocales(fields);
    const locales = Object.keys(localized);
    return {
      action: ACTIONS[verb] ?? (sys.type.startsWith('Deleted') ? 'delete' : 'update'),
      topic,
      contentType: sys.contentType?.sys.id,
      documentId: sys.id,
      locales,
      fields: locales[0] ? (localized[locales[0]] ?? {}) : {},
      localized,
      deliveryId: request.headers.get('x-contentful-idempotency-key') ?? undefined,
    };
  },
};
