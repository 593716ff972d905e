// Contentful: HMAC-SHA256 over a canonical request (method, path, signed headers, body).
// https://www.contentful.com/developers/docs/extensibility/webhooks/request-verification/
import * as z from 'zod/mini';
import { badRequest, unauthorized } from '../errors';
import { concatBytes, fromHex, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import {
  bare,
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
/** @contentful/node-apps-toolkit (lib/requests, SecretValidator) accepts only secrets of exactly 64 characters. */
const SECRET_LENGTH = 64;
const TIMESTAMP = 'x-contentful-timestamp';

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
 * The path exactly as @contentful/node-apps-toolkit makes it (src/requests/utils.ts getNormalizedEncodedURI,
 * contentful/node-apps-toolkit@42bf35e): split on `?`, keeping only what precedes a second `?`; the query
 * escaped as one component (`querystring.escape`, whose safe set is encodeURIComponent's); the whole through
 * encodeURI. Nothing is decoded first, so a `%20` on the wire is signed as `%2520`, a query's as `%252520`.
 * `path` is the request target as received (pathname and query), as a Node server's `req.url`.
 */
export function canonicalPath(path: string): string {
  const [pathname = '', search] = path.split('?');
  const escaped = search ? encodeURIComponent(search) : '';
  return encodeURI(escaped ? `${pathname}?${escaped}` : pathname);
}

/**
 * The signed request as the toolkit's verifyRequest rebuilds it (src/requests/verify-request.ts and
 * sign-request.ts): header names lower-cased and values trimmed; only listed headers that are present count
 * (a listed header that is absent is left out; list entries are matched as written); the signed-headers and
 * timestamp headers always count, with the list recomputed (sorted names of the headers counted) and the
 * timestamp as its number's decimal text; names sorted; `method\npath\nname:value;…\nbody`.
 */
function canonicalRequest(request: WebhookRequest, timestamp: number): Uint8Array {
  const present = presentHeaders(request);
  const names = signedHeaders(request);
  const value = (name: string) =>
    name === SIGNED_HEADERS ? names.join(',') : name === TIMESTAMP ? String(timestamp) : present.get(name)!;
  const headers = names.map((name) => `${name}:${value(name)}`).join(';');
  const target = canonicalPath(`${request.url.pathname}${request.url.search}`);
  return concatBytes(utf8(`${request.method.toUpperCase()}\n${target}\n${headers}\n`), request.body);
}

function presentHeaders(request: WebhookRequest): Map<string, string> {
  const present = new Map<string, string>();
  for (const [name, value] of request.headers) present.set(name.trim().toLowerCase(), value.trim());
  return present;
}

/**
 * The headers the signature covers, sorted, exactly as the toolkit counts them: the entries of
 * x-contentful-signed-headers (split on commas, matched as written) that are present, plus the
 * signed-headers and timestamp headers. Only these count as signed anywhere (topic, idempotency key).
 */
function signedHeaders(request: WebhookRequest): string[] {
  const present = presentHeaders(request);
  const listed = (request.headers.get(SIGNED_HEADERS) ?? '').split(',');
  const names = [...new Set(listed.filter((name) => present.has(name)))];
  for (const name of [SIGNED_HEADERS, TIMESTAMP]) if (!names.includes(name)) names.push(name);
  return names.sort((a, b) => (a > b ? 1 : -1));
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

const TOPIC = /^[A-Za-z]+\.[A-Za-z]+\.[a-z_]+$/;

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
  // Whether a retry is signed anew is not documented (the header is "Timestamp of when the request was
  // signed", contentful.com/developers/docs/webhooks/request-verification); retries come 30 s apart (3
  // attempts in a minute), and up to ~24 h with the configurable retry policy
  // (contentful.com/developers/docs/webhooks/retry-policy). So the window covers 24 h, not the toolkit's
  // 30 s TTL; a replay inside it is a duplicate of signed bytes (docs/providers.md, "Replay windows").
  defaultToleranceMs: 86_400_000,
  audit: {
    secretProblem: (secret) =>
      secret.length === SECRET_LENGTH
        ? undefined
        : `Contentful signing secrets are exactly ${SECRET_LENGTH} characters (@contentful/node-apps-toolkit); this one has ${secret.length}`,
  },

  async verify(request, { secrets, toleranceMs, now }) {
    const signature = fromHex(requireHeader(request.headers, 'x-contentful-signature'));
    requireHeader(request.headers, SIGNED_HEADERS);
    const timestamp = parseIntStrict(requireHeader(request.headers, TIMESTAMP));
    if (!signature || signature.length !== 32) throw unauthorized('malformed x-contentful-signature');
    checkTimestamp(timestamp ?? NaN, now, toleranceMs);
    const data = canonicalRequest(request, timestamp!);
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
    return { signed: [canonicalRequest(request, parseIntStrict(request.headers.get(TIMESTAMP) ?? undefined) ?? 0)] };
  },
};
