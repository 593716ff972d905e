// DatoCMS: no signature; HTTP Basic credentials (or a custom header) set on the webhook, compared in
// constant time. https://www.datocms.com/docs/content-management-api/resources/webhook
import * as z from 'zod/mini';
import { TOKEN_OPTIONS, verifyToken } from './shared-secret';
import { idString, isRecord, lookup, parsePayload, pick, record, splitLocalized, str } from './support';
import type { ContentAction, WebhookProvider } from './types';

const Options = z.strictObject(TOKEN_OPTIONS);
type DatoOptions = z.infer<typeof Options>;

/**
 * `<entity_type>.<event_type>` (https://www.datocms.com/docs/general-concepts/webhooks, "Webhook triggers"):
 * records and uploads are created, updated, deleted (records also published, unpublished); anything else
 * (a model changed, an environment promoted, a build, cache tags) is an update.
 */
export const DATOCMS_ACTIONS: Readonly<Record<string, ContentAction>> = {
  'item.create': 'create',
  'item.update': 'update',
  'item.delete': 'delete',
  'item.publish': 'publish',
  'item.unpublish': 'unpublish',
  'upload.create': 'create',
  'upload.update': 'update',
  'upload.delete': 'delete',
};

const Entity = z.looseObject({ id: z.string(), type: z.string(), attributes: z.optional(z.record(z.string(), z.unknown())) });
const Payload = z.looseObject({
  entity_type: z.string(),
  event_type: z.string(),
  entity: Entity,
  previous_entity: z.optional(z.nullable(Entity)),
  related_entities: z.optional(z.array(z.unknown())),
});

export const datocms: WebhookProvider<DatoOptions> = {
  name: 'datocms',
  options: Options,
  defaultToleranceMs: undefined,

  // DatoCMS's "HTTP basic auth" fields: the secret is `user:password`.
  verify: (request, { secrets, options }) => verifyToken(request.headers, secrets, { scheme: 'Basic', ...options }),
  audit: { sharedToken: () => true },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'DatoCMS');
    const modelId = str(pick(body.entity, 'relationships.item_type.data.id'));
    // The model's api_key is among the related entities, when the payload includes them.
    const model = (body.related_entities ?? []).find((e) => isRecord(e) && e.type === 'item_type' && e.id === modelId);
    const attributes = body.entity.attributes ?? {};
    const localized = splitLocalized(attributes);
    const previous = record(body.previous_entity?.attributes);
    return [
      {
        action: lookup(DATOCMS_ACTIONS, `${body.entity_type}.${body.event_type}`) ?? 'update',
        topic: `${body.entity_type}.${body.event_type}`,
        contentType: str(pick(model, 'attributes.api_key')) ?? modelId ?? body.entity_type,
        documentId: idString(body.entity.id),
        locales: localized ? Object.keys(localized) : [],
        fields: localized ? (Object.values(localized)[0] ?? {}) : attributes,
        localized,
        // Localized previous values stay keyed by locale: `{previous.slug.en}`.
        previous: body.previous_entity ? previous : undefined,
      },
    ];
  },

  // HTTP Basic credentials authenticate the request; DatoCMS sends no delivery id.
  identify: () => undefined,
};
