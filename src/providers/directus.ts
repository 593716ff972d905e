// Directus: no signature; a Flow's "Webhook / Request URL" step sends `{{$trigger}}` with a header you
// choose, compared in constant time. https://directus.io/docs/guides/automate/triggers
import * as z from 'zod/mini';
import { TOKEN_OPTIONS, verifyToken } from './shared-secret';
import { idString, isRecord, lookup, parsePayload, str } from './support';
import type { ContentAction, NormalizedEvent, WebhookProvider } from './types';

const Options = z.strictObject(TOKEN_OPTIONS);
type DirectusOptions = z.infer<typeof Options>;

/**
 * An Event Hook trigger's `$trigger` is the action event's meta plus its name (directus/directus
 * api/src/services/items.ts, emitter.ts): `items.create` `{event, payload, key, collection}`, `items.update`
 * `{event, payload, keys, collection}` (one payload for every key), `items.delete`
 * `{event, payload: [keys], keys, collection}`. The event is `<collection>.items.<verb>` (or
 * `<system collection>.<verb>`, `files.upload`, ...): the verb decides.
 */
export const DIRECTUS_ACTIONS: Readonly<Record<string, ContentAction>> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
};

// Directus's default `status` field: an update that moves it is a publish, unpublish or archive.
export const DIRECTUS_STATUS_ACTIONS: Readonly<Record<string, ContentAction>> = {
  published: 'publish',
  draft: 'unpublish',
  archived: 'archive',
};

const Payload = z.looseObject({
  event: z.string(),
  collection: z.optional(z.string()),
  payload: z.optional(z.nullable(z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]))),
  keys: z.optional(z.array(z.unknown())),
  key: z.optional(z.unknown()),
});

export const directus: WebhookProvider<DirectusOptions> = {
  name: 'directus',
  options: Options,
  defaultToleranceMs: undefined,

  verify: (request, { secrets, options }) => verifyToken(request.headers, secrets, options),
  audit: { sharedToken: () => true },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'Directus');
    const fields = isRecord(body.payload) ? body.payload : {};
    const verb = body.event.split('.').pop();
    const action = lookup(DIRECTUS_ACTIONS, verb) ?? 'update';
    const status = action === 'update' ? lookup(DIRECTUS_STATUS_ACTIONS, str(fields.status)) : undefined;
    // A delete lists its keys in `keys` and as the payload itself.
    const keys = body.keys ?? (Array.isArray(body.payload) ? body.payload : [body.key]);
    const event: Omit<NormalizedEvent, 'documentId'> = {
      action: status ?? action,
      topic: body.event,
      contentType: body.collection ?? body.event.split('.')[0],
      locales: [],
      fields,
    };
    const ids = keys.map(idString).filter((id): id is string => id !== undefined);
    return ids.length === 0 ? [event] : ids.map((documentId) => ({ ...event, documentId }));
  },

  // A token authenticates the request; Directus sends no delivery id.
  identify: () => undefined,
};
