// Generic HMAC: the long tail of platforms without a preset. Header, hash, encoding, prefix, what is
// signed (a template of {timestamp}, {id} and {body}) and the timestamp header are all configured.
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { concatBytes, fromBase64, fromHex, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import {
  checkTimestamp,
  idString,
  isRecord,
  localeList,
  lookup,
  parseIntStrict,
  pick,
  requireHeader,
  str,
  unsignedHeader,
} from './support';
import { CONTENT_ACTIONS, type ContentAction, type WebhookProvider, type WebhookRequest } from './types';

const HEADER = z.string().check(z.regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'));
const FIELD = z.string().check(z.regex(/^[\w$-]+(\.[\w$-]+)*$/, 'a dotted path into the body, e.g. data.id'));
const HASHES = { sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' } as const;

const Options = z
  .strictObject({
    /** Header carrying the signature. */
    header: HEADER,
    algorithm: z._default(z.enum(['sha1', 'sha256', 'sha512']), 'sha256'),
    encoding: z._default(z.enum(['hex', 'base64', 'base64url']), 'hex'),
    /** Text before the signature in the header, e.g. `sha256=`. */
    prefix: z._default(z.string(), ''),
    /** What is signed: `{body}` (default) or a template such as `{timestamp}.{body}` or `{id}.{timestamp}.{body}`. */
    signed: z._default(
      z.string().check(z.refine((t) => t.split('{body}').length === 2, 'must contain {body} exactly once')),
      '{body}',
    ),
    /** Header with the signed timestamp; its age is checked against the replay window. */
    timestampHeader: z.optional(HEADER),
    timestampUnit: z._default(z.enum(['s', 'ms']), 's'),
    /** Header with the message id (signed as {id}); also the delivery id for de-duplication. */
    idHeader: z.optional(HEADER),
    /** Where the event name is: a header, or a body field (default `type`). */
    topicHeader: z.optional(HEADER),
    topicField: z._default(FIELD, 'type'),
    /** Event name → action; otherwise the name's last verb decides (created, published, ...). */
    actions: z.optional(z.record(z.string(), z.enum(CONTENT_ACTIONS))),
    idField: z._default(FIELD, 'id'),
    contentTypeField: z.optional(FIELD),
    localeField: z.optional(FIELD),
    /** The document's fields (default: the whole body). */
    fieldsField: z.optional(FIELD),
    previousField: z.optional(FIELD),
  })
  .check(
    z.refine(
      (o) => !o.signed.includes('{timestamp}') || o.timestampHeader !== undefined,
      '{timestamp} in signed needs timestampHeader',
    ),
    z.refine((o) => !o.signed.includes('{id}') || o.idHeader !== undefined, '{id} in signed needs idHeader'),
    z.refine(
      (o) => o.timestampHeader === undefined || o.signed.includes('{timestamp}'),
      'timestampHeader is only checked when signed includes {timestamp}',
    ),
  );
type GenericOptions = z.infer<typeof Options>;

// The verbs platforms name changes with, in any tense or case: generic-hmac's fallback when `actions` does
// not name the event (a preset platform has its own explicit table instead).
const VERBS: Record<string, ContentAction> = Object.create(null);
for (const [action, words] of Object.entries({
  publish: 'publish published',
  unpublish: 'unpublish unpublished',
  create: 'create created insert inserted add added new',
  update: 'update updated edit edited save saved change changed write written restore restored',
  delete: 'delete deleted remove removed trash trashed destroy destroyed',
  archive: 'archive archived',
})) {
  for (const word of words.split(' ')) VERBS[word] = action as ContentAction;
}

/** The action a topic names (`post.published`, `ProductUnpublished`, `store/product/created`): its last verb wins. */
export function verbAction(topic: string, fallback: ContentAction = 'update'): ContentAction {
  const words = topic.split(/(?=[A-Z][a-z])|[^A-Za-z]+/).reverse();
  for (const word of words) {
    const action = VERBS[word.toLowerCase()];
    if (action) return action;
  }
  return fallback;
}

// An event name from a header, which no signature template can cover: word characters and `.:/-` only.
const TOPIC = /^[\w.:/-]+$/;

/** What is signed: the template's text around the body, filled from the headers, and the body. */
function signedParts(request: WebhookRequest, options: GenericOptions): Uint8Array[] {
  const header = (name: string | undefined) => (name ? (request.headers.get(name)?.trim() ?? '') : '');
  const fill = (part: string) =>
    utf8(part.replaceAll('{timestamp}', header(options.timestampHeader)).replaceAll('{id}', header(options.idHeader)));
  const [before = '', after = ''] = options.signed.split('{body}');
  return [fill(before), request.body, fill(after)];
}

function decodeSignature(text: string, encoding: GenericOptions['encoding']): Uint8Array | undefined {
  return encoding === 'hex' ? fromHex(text) : fromBase64(text);
}

export const genericHmac: WebhookProvider<GenericOptions> = {
  name: 'generic-hmac',
  options: Options,
  // Used only when a timestamp header is configured.
  defaultToleranceMs: 300_000,

  async verify(request, { secrets, options, toleranceMs, now }) {
    const value = requireHeader(request.headers, options.header);
    if (!value.startsWith(options.prefix)) throw unauthorized(`malformed ${options.header}`);
    const signature = decodeSignature(value.slice(options.prefix.length), options.encoding);
    if (!signature || signature.length === 0) throw unauthorized(`malformed ${options.header}`);
    const timestamp = options.timestampHeader ? requireHeader(request.headers, options.timestampHeader) : '';
    if (options.timestampHeader) {
      const n = parseIntStrict(timestamp);
      checkTimestamp(n === undefined ? NaN : options.timestampUnit === 's' ? n * 1000 : n, now, toleranceMs);
    }
    if (options.idHeader) requireHeader(request.headers, options.idHeader);
    const data = concatBytes(...signedParts(request, options));
    if (!(await verifyHmacAny(HASHES[options.algorithm], secrets, data, [signature]))) {
      throw unauthorized('signature does not match');
    }
  },

  normalize(request, payload, options) {
    // A topic header is never signed (the template covers {timestamp}, {id} and {body} only).
    const fromHeader = options.topicHeader
      ? unsignedHeader(request.headers, [options.topicHeader], TOPIC, 'an event name (letters, digits and . : / - _)')
      : undefined;
    const topic = fromHeader ?? (options.topicHeader ? undefined : str(pick(payload, options.topicField))) ?? 'update';
    const fields = options.fieldsField ? pick(payload, options.fieldsField) : payload;
    const previous = options.previousField ? pick(payload, options.previousField) : undefined;
    return [
      {
        action: lookup(options.actions ?? {}, topic) ?? verbAction(topic),
        topic,
        contentType: options.contentTypeField ? str(pick(payload, options.contentTypeField)) : undefined,
        documentId: idString(pick(payload, options.idField)),
        locales: options.localeField ? localeList(pick(payload, options.localeField)) : [],
        fields: isRecord(fields) ? fields : {},
        previous: isRecord(previous) ? previous : undefined,
        deliveryId: options.idHeader ? (request.headers.get(options.idHeader) ?? undefined) : undefined,
        ...(fromHeader !== undefined && { unsigned: ['topic' as const, 'action' as const] }),
      },
    ];
  },

  // A signed {id} identifies the delivery; otherwise the exact bytes the signature covers do.
  identify(request, _payload, options) {
    const id = options.idHeader && options.signed.includes('{id}') ? request.headers.get(options.idHeader)?.trim() : undefined;
    return id ? { id } : { signed: signedParts(request, options) };
  },
};
