// Sanity: `sanity-webhook-signature: t=<ms>,v1=<base64url>`, HMAC-SHA256 over `${t}.${body}`.
// https://github.com/sanity-io/webhook-toolkit (the official verifier, @sanity/webhook)
import * as z from 'zod/mini';
import { badRequest, unauthorized } from '../errors';
import { concatBytes, fromBase64, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import { checkTimestamp, idString, isRecord, lookup, parsePayload, requireHeader, unsignedHeader } from './support';
import type { ContentAction, WebhookProvider, WebhookRequest } from './types';

// Same grammar as @sanity/webhook's SIGNATURE_HEADER_REGEX.
const SIGNATURE = /^t=(\d+)[, ]+v1=([^, ]+)$/;

/** `sanity-operation` (or a projected `"operation": delta::operation()`): create, update or delete. */
export const SANITY_ACTIONS: Readonly<Record<string, ContentAction>> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
};

const OPERATION = /^(?:create|update|delete)$/;

const Options = z.strictObject({
  /** The document field holding its locale, for document-level i18n (default `language`). */
  localeField: z.optional(z.string().check(z.minLength(1))),
  /**
   * `document` (default): the body is the document (or your projection of it). `before-after`: the webhook's
   * projection is `{"before": before(), "after": after()}`, which gives the old values and signs the operation.
   */
  projection: z._default(z.enum(['document', 'before-after']), 'document'),
});
type SanityOptions = z.infer<typeof Options>;

/** The operation the signed body states: a projected `operation`, or what a before/after projection shows. */
function signedOperation(body: Record<string, unknown>, delta: boolean): string | undefined {
  if (typeof body.operation === 'string' && OPERATION.test(body.operation)) return body.operation;
  if (!delta) return undefined;
  return !isRecord(body.after) ? 'delete' : !isRecord(body.before) ? 'create' : 'update';
}

/** The operation: the body's when it states one (a header that contradicts it is refused), else the header's. */
function operationOf(request: WebhookRequest, body: Record<string, unknown>, delta: boolean) {
  const signed = signedOperation(body, delta);
  const what = 'create, update or delete';
  const header = unsignedHeader(request.headers, ['sanity-operation'], OPERATION, what);
  if (signed !== undefined && header !== undefined && signed !== header) {
    throw badRequest(`sanity-operation ${header} (not signed) contradicts the signed body's ${signed}`);
  }
  return { operation: signed ?? header ?? 'update', unsigned: signed === undefined && header !== undefined };
}

/** The signed timestamp and body: what the signature covers, so what identifies the delivery. */
function signedParts(request: WebhookRequest): Uint8Array[] {
  const t = SIGNATURE.exec(request.headers.get('sanity-webhook-signature')?.trim() ?? '')?.[1] ?? '';
  return [utf8(`${t}.`), request.body];
}

export const sanity: WebhookProvider<SanityOptions> = {
  name: 'sanity',
  options: Options,
  // Sanity's webhooks may be sent with PUT or PATCH (docs: "HTTP method").
  methods: ['PUT', 'PATCH'],
  // The toolkit checks no age, and whether a retry is signed anew is not documented. Sanity retries twice,
  // 30 s apart (changelog 2026-04-29), formerly with back-off for up to 30 minutes (sanity.io/docs/webhooks):
  // an hour covers both (docs/providers.md, "Replay windows").
  defaultToleranceMs: 3_600_000,

  async verify(request, { secrets, toleranceMs, now }) {
    const match = SIGNATURE.exec(requireHeader(request.headers, 'sanity-webhook-signature'));
    const signature = match?.[2] ? fromBase64(match[2]) : undefined;
    if (!match?.[1] || !signature) throw unauthorized('malformed sanity-webhook-signature');
    checkTimestamp(Number(match[1]), now, toleranceMs);
    const data = concatBytes(utf8(`${match[1]}.`), request.body);
    if (!(await verifyHmacAny('SHA-256', secrets, data, [signature]))) {
      throw unauthorized('signature does not match');
    }
  },

  normalize(request, payload, options) {
    const body = parsePayload(z.record(z.string(), z.unknown()), payload, 'Sanity');
    // A document may well have fields named `before` and `after`: only a source configured for the
    // `{before, after}` projection reads them as one.
    const delta = options.projection === 'before-after';
    if (delta && !('before' in body) && !('after' in body)) {
      throw badRequest('Sanity payload is not the {"before": before(), "after": after()} projection this source expects');
    }
    const fields = delta ? (isRecord(body.after) ? body.after : {}) : body;
    const previous = delta && isRecord(body.before) ? body.before : undefined;
    const document = Object.keys(fields).length > 0 ? fields : (previous ?? {});
    const { operation, unsigned } = operationOf(request, body, delta);
    const locale = document[options.localeField ?? 'language'];
    return [
      {
        action: lookup(SANITY_ACTIONS, operation) ?? 'update',
        topic: operation,
        contentType: typeof document._type === 'string' ? document._type : undefined,
        // The document id comes from the signed body (`_id`), never from the unsigned sanity-document-id.
        documentId: idString(document._id),
        locales: typeof locale === 'string' && locale !== '' ? [locale] : [],
        fields,
        previous,
        deliveryId: request.headers.get('idempotency-key') ?? undefined,
        ...(unsigned && { unsigned: ['topic' as const, 'action' as const] }),
      },
    ];
  },

  // idempotency-key is not signed; `t` and the body are (and Sanity's retries resend them).
  identify: (request) => ({ signed: signedParts(request) }),
};
