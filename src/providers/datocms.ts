// DatoCMS: no signature; HTTP Basic credentials (or a custom header) set on the webhook, compared in
// constant time. https://www.datocms.com/docs/content-management-api/resources/webhook
import * as z from 'zod/mini';
import { TOKEN_OPTIONS, verifyToken } from './shared-secret';
import { idString, isRecord, parsePayload, pick, record, splitLocalized, str, verbAction } from './support';
import type { WebhookProvider } from './types';

const Options = z.strictObject(TOKEN_OPTIONS);
type DatoOptions = z.infer<typeof Options>;

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
    return {
      action: verbAction(body.event_type),
      topic: `${body.entity_type}.${body.event_type}`,
      contentType: str(pick(model, 'attributes.api_key')) ?? modelId ?? body.entity_type,
      documentId: idString(body.entity.id),
      locales: localized ? Object.keys(localized) : [],
      fields: localized ? (Object.values(localized)[0] ?? {}) : attributes,
      localized,
      // Localized previous values stay keyed by locale: `{previous.slug.en}`.
      previous: body.previous_entity ? previous : undefined,
    };
  },
};
