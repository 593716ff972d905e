// Sanity: `sanity-webhook-signature: t=<ms>,v1=<base64url>`, HMAC-SHA256 over `${t}.${body}`.
// https://github.com/sanity-io/webhook-toolkit (the official verifier, @sanity/webhook)
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { concatBytes, fromBase64, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import { checkTimestamp, idString, isRecord, parsePayload, requireHeader } from './support';
import type { ContentAction, WebhookProvider } from './types';

// Same grammar as @sanity/webhook's SIGNATURE_HEADER_REGEX.
const SIGNATURE = /^t=(\d+)[, ]+v1=([^, ]+)$/;

const ACTIONS: Record<string, ContentAction> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
};

const Options = z.strictObject({
  /** The document field holding its locale, for document-level i18n (default `language`). */
  localeField: z.optional(z.string().check(z.minLength(1))),
});
type SanityOptions = z.infer<typeof Options>;

export const sanity: WebhookProvider<SanityOptions> = {
  name: 'sanity',
  options: Options,
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
    // A projection of `{"before": before(), "after": after()}` gives the old values too.
    const hasDelta = 'after' in body || 'before' in body;
    const fields = hasDelta ? (isRecord(body.after) ? body.after : {}) : body;
    const previous = hasDelta && isRecord(body.before) ? body.before : undefined;
    const document = Object.keys(fields).length > 0 ? fields : (previous ?? {});
    const operation =
      request.headers.get('sanity-operation') ??
      (typeof body.operation === 'string' ? body.operation : undefined) ??
      (hasDelta && !isRecord(body.after) ? 'delete' : 'update');
    const locale = document[options.localeField ?? 'language'];
    return {
      action: ACTIONS[operation] ?? 'update',
      topic: operation,
      contentType: typeof document._type === 'string' ? document._type : undefined,
      documentId: idString(document._id) ?? request.headers.get('sanity-document-id') ?? undefined,
      locales: typeof locale === 'string' && locale !== '' ? [locale] : [],
      fields,
      previous,
      deliveryId: request.headers.get('idempotency-key') ?? undefined,
    };
  },
};
