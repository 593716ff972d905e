// Payload CMS: no built-in webhooks; an afterChange/afterDelete hook posts `{collection, operation, doc,
// previousDoc, locale, draft}` with a token header, or signs it with the `standardwebhooks` package.
// https://payloadcms.com/docs/hooks/collections (docs/providers.md has the hook to copy)
import * as z from 'zod/mini';
import { keyBytes, verifyStandardWebhook, webhookIdentity } from './standard-webhooks';
import { TOKEN_OPTIONS, verifyToken } from './shared-secret';
import { idString, localeList, lookup, parsePayload, str } from './support';
import type { ContentAction, WebhookProvider } from './types';

const Options = z.strictObject({
  ...TOKEN_OPTIONS,
  /** `token` (default): a header carries the secret. `standard-webhooks`: the hook signs with that library. */
  auth: z._default(z.enum(['token', 'standard-webhooks']), 'token'),
});
type PayloadOptions = z.infer<typeof Options>;

/** The hook's `operation`: afterChange sends create or update, afterDelete delete. */
export const PAYLOAD_ACTIONS: Readonly<Record<string, ContentAction>> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
};

const Doc = z.record(z.string(), z.unknown());
const Payload = z.looseObject({
  collection: z.string(),
  operation: z.string(),
  doc: z.optional(z.nullable(Doc)),
  previousDoc: z.optional(z.nullable(Doc)),
  locale: z.optional(z.nullable(z.string())),
  /** True for a draft save or an autosave (the operation's `draft` argument, copied by a beforeOperation hook). */
  draft: z.optional(z.boolean()),
});

/**
 * With drafts enabled, `_status` moving to or from `published` is a publish or unpublish. A draft save of a
 * published document also shows `_status` draft against a published `previousDoc`, so the hook says which
 * it is (`draft: true`): Payload's hooks cannot tell otherwise (payloadcms/payload discussion #18249).
 */
function actionOf(operation: string, doc: Record<string, unknown>, previous: Record<string, unknown>): ContentAction {
  const action = lookup(PAYLOAD_ACTIONS, operation) ?? 'update';
  if (action === 'delete' || doc._status === previous._status) return action;
  if (doc._status === 'published') return 'publish';
  return previous._status === 'published' ? 'unpublish' : action;
}

export const payloadCms: WebhookProvider<PayloadOptions> = {
  name: 'payload',
  options: Options,
  defaultToleranceMs: 300_000,

  verify: (request, { secrets, options, toleranceMs, now }) =>
    options.auth === 'standard-webhooks'
      ? verifyStandardWebhook(request, secrets.map(keyBytes), toleranceMs, now)
      : verifyToken(request.headers, secrets, options),
  audit: { sharedToken: (options) => options.auth !== 'standard-webhooks' },

  normalize(request, payload) {
    const body = parsePayload(Payload, payload, 'Payload');
    // A draft save or autosave leaves the published document as it was: nothing on the site changed.
    if (body.draft === true) return [];
    const doc = body.doc ?? {};
    const previous = body.previousDoc ?? undefined;
    const action = actionOf(body.operation, doc, previous ?? {});
    const document = action === 'delete' && previous ? previous : doc;
    return [
      {
        action,
        topic: `${body.collection}.${body.operation}`,
        contentType: body.collection,
        documentId: idString(document.id),
        locales: localeList(body.locale ?? str(document.locale)),
        fields: document,
        previous,
        deliveryId: request.headers.get('webhook-id') ?? undefined,
      },
    ];
  },

  // The hook's webhook-id: signed with Standard Webhooks, and under the token otherwise.
  identify: webhookIdentity,
};
