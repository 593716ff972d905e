// Strapi v4/v5: no signature; a static header you configure on the webhook, compared in constant time.
// https://docs.strapi.io/cms/backend-customization/webhooks
import * as z from 'zod/mini';
import { TOKEN_OPTIONS, verifyToken } from './shared-secret';
import { idString, isRecord, lookup, parsePayload } from './support';
import type { ContentAction, WebhookProvider } from './types';

/**
 * `X-Strapi-Event` / `event`: https://docs.strapi.io/cms/backend-customization/webhooks ("Available events");
 * `review-workflows.updateEntryStage` and `releases.publish` are updates.
 */
export const STRAPI_ACTIONS: Readonly<Record<string, ContentAction>> = {
  'entry.create': 'create',
  'entry.update': 'update',
  'entry.delete': 'delete',
  'entry.publish': 'publish',
  'entry.unpublish': 'unpublish',
  'media.create': 'create',
  'media.update': 'update',
  'media.delete': 'delete',
};

const Options = z.strictObject(TOKEN_OPTIONS);
type StrapiOptions = z.infer<typeof Options>;

const Payload = z.looseObject({
  event: z.string(),
  model: z.optional(z.string()),
  entry: z.optional(z.record(z.string(), z.unknown())),
  media: z.optional(z.record(z.string(), z.unknown())),
});

export const strapi: WebhookProvider<StrapiOptions> = {
  name: 'strapi',
  options: Options,
  defaultToleranceMs: undefined,

  verify: (request, { secrets, options }) => verifyToken(request.headers, secrets, options),
  audit: { sharedToken: () => true },

  normalize(request, payload) {
    const body = parsePayload(Payload, payload, 'Strapi');
    const entry = body.entry ?? body.media ?? {};
    const event = request.headers.get('x-strapi-event') ?? body.event;
    const locale = entry.locale;
    return [
      {
        action: lookup(STRAPI_ACTIONS, event) ?? 'update',
        topic: event,
        contentType: body.model ?? (body.media ? 'media' : undefined),
        // v5 has a stable documentId across locales and drafts; v4 only the numeric id.
        documentId: idString(entry.documentId) ?? idString(entry.id),
        locales: typeof locale === 'string' && locale !== '' ? [locale] : [],
        fields: isRecord(entry) ? entry : {},
      },
    ];
  },

  // A token, not a signature, authenticates Strapi's requests; Strapi sends no delivery id.
  identify: () => undefined,
};
