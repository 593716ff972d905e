// Standard Webhooks: `webhook-id`, `webhook-timestamp` (s), `webhook-signature: v1,<b64> ...`.
// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { concatBytes, fromBase64, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import { checkTimestamp, idString, isRecord, lookup, parseIntStrict, parsePayload, requireHeader } from './support';
import type { ContentAction, WebhookProvider, WebhookRequest } from './types';

const SECRET_PREFIX = 'whsec_';
/** The spec's "Signature scheme" table: a symmetric signing secret is random, "at least 24 bytes". */
const MIN_SECRET_BYTES = 24;

/**
 * The spec leaves event types to each sender; by its examples they are dotted with a past-tense verb last
 * (`invoice.paid`, `post.published`): that verb decides unless `options.actions` names the type.
 */
export const STANDARD_WEBHOOKS_ACTIONS: Readonly<Record<string, ContentAction>> = {
  published: 'publish',
  unpublished: 'unpublish',
  created: 'create',
  updated: 'update',
  deleted: 'delete',
  archived: 'archive',
};

const Options = z.strictObject({
  /** Extra event type → action mappings, checked before the built-in past-tense suffixes. */
  actions: z.optional(z.record(z.string(), z.enum(['publish', 'unpublish', 'create', 'update', 'delete', 'archive']))),
});
type StandardOptions = z.infer<typeof Options>;

/** The spec's key: base64 after the `whsec_` prefix; other secrets are used as UTF-8 bytes. */
export function keyBytes(secret: string): Uint8Array {
  if (secret.startsWith(SECRET_PREFIX)) {
    const decoded = fromBase64(secret.slice(SECRET_PREFIX.length));
    if (decoded) return decoded;
  }
  return utf8(secret);
}

/** The spec's verification: `${id}.${timestamp}.${body}`, any `v1,` signature, any key (BigCommerce shares it). */
export async function verifyStandardWebhook(
  request: WebhookRequest,
  keys: Uint8Array[],
  toleranceMs: number,
  now: number,
): Promise<void> {
  const id = requireHeader(request.headers, 'webhook-id');
  const timestamp = requireHeader(request.headers, 'webhook-timestamp');
  const signatures = requireHeader(request.headers, 'webhook-signature')
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => fromBase64(s.slice(3)))
    .filter((s): s is Uint8Array => s !== undefined && s.length === 32);
  if (signatures.length === 0) throw unauthorized('no v1 signature in webhook-signature');
  const seconds = parseIntStrict(timestamp);
  checkTimestamp(seconds === undefined ? NaN : seconds * 1000, now, toleranceMs);
  const data = concatBytes(utf8(`${id}.${timestamp}.`), request.body);
  if (!(await verifyHmacAny('SHA-256', keys, data, signatures))) throw unauthorized('signature does not match');
}

/** The signed webhook-id identifies a Standard Webhooks delivery (BigCommerce and signed Payload hooks too). */
export function webhookIdentity(request: WebhookRequest): { id: string } | undefined {
  const id = request.headers.get('webhook-id')?.trim();
  return id ? { id } : undefined;
}

const Payload = z.looseObject({
  type: z.string(),
  data: z.optional(z.record(z.string(), z.unknown())),
});

export const standardWebhooks: WebhookProvider<StandardOptions> = {
  name: 'standard-webhooks',
  options: Options,
  // The reference libraries' tolerance (5 minutes). The spec renews the timestamp on every attempt
  // ("Every time an attempt is retried the timestamp of the attempt is updated"), so retries fit it.
  defaultToleranceMs: 300_000,
  audit: {
    secretProblem: (secret) =>
      keyBytes(secret).length >= MIN_SECRET_BYTES
        ? undefined
        : `Standard Webhooks signing secrets are at least ${MIN_SECRET_BYTES} bytes (the spec's signature scheme); this one has ${keyBytes(secret).length}`,
  },

  verify: (request, { secrets, toleranceMs, now }) => verifyStandardWebhook(request, secrets.map(keyBytes), toleranceMs, now),

  normalize(request, payload, options) {
    const body = parsePayload(Payload, payload, 'Standard Webhooks');
    const data = body.data ?? {};
    const dot = body.type.lastIndexOf('.');
    const verb = dot >= 0 ? body.type.slice(dot + 1) : body.type;
    const locale = data.locale;
    return [
      {
        action: lookup(options.actions ?? {}, body.type) ?? lookup(STANDARD_WEBHOOKS_ACTIONS, verb) ?? 'update',
        topic: body.type,
        contentType: dot >= 0 ? body.type.slice(0, dot) : undefined,
        documentId: idString(data.id),
        locales: typeof locale === 'string' && locale !== '' ? [locale] : [],
        fields: data,
        previous: isRecord(data.previous) ? data.previous : undefined,
        deliveryId: request.headers.get('webhook-id') ?? undefined,
      },
    ];
  },

  // webhook-id is signed (`${id}.${timestamp}.${body}`) and stays the same across retries.
  identify: webhookIdentity,
};
