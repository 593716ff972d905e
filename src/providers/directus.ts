// Directus: no signature; a Flow's "Webhook / Request URL" step sends `{{$trigger}}` with a header you
// choose, compared in constant time. https://docs.directus.io/app/flows/operations.html
import * as z from 'zod/mini';
import { TOKEN_OPTIONS, verifyToken } from './shared-secret';
import { idString, parsePayload, str, verbAction } from './support';
import type { ContentAction, WebhookProvider } from './types';

const Options = z.strictObject(TOKEN_OPTIONS);
type DirectusOptions = z.infer<typeof Options>;

// An event-hook trigger: `{event: "articles.items.update", collection, keys | key, payload}`.
const Payload = z.looseObject({
  event: z.string(),
  collection: z.optional(z.string()),
  payload: z.optional(z.record(z.string(), z.unknown())),
  keys: z.optional(z.array(z.unknown())),
  key: z.optional(z.unknown()),
});

// Directus's default `status` field: an update that moves it is a publish, unpublish or archive.
const STATUS: Record<string, ContentAction> = { published: 'publish', draft: 'unpublish', archived: 'archive' };

export const directus: WebhookProvider<DirectusOptions> = {
  name: 'directus',
  options: Options,
  defaultToleranceMs: undefined,

  verify: (request, { secrets, options }) => verifyToken(request.headers, secrets, options),
  audit: { sharedToken: () => true },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'Directus');
    const fields = body.payload ?? {};
    const action = verbAction(body.event);
    const status = str(fields.status);
    return {
      action: action === 'update' && status ? (STATUS[status] ?? action) : action,
      topic: body.event,
      contentType: body.collection ?? body.event.split('.')[0],
      documentId: idString(body.key) ?? idString(body.keys?.[0]),
      locales: [],
      fields,
    };
  },
};
