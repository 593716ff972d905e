// Builder.io: no signature; custom headers set on the model's webhook carry a token, compared in
// constant time. Payloads carry `newValue` (null on delete) and `previousValue` (null on a first publish),
// `modelName` and `operation`. https://www.builder.io/c/docs/webhooks
import * as z from 'zod/mini';
import { TOKEN_OPTIONS, verifyToken } from './shared-secret';
import { idString, isRecord, lookup, parsePayload, record, str } from './support';
import type { ContentAction, WebhookProvider } from './types';

const Options = z.strictObject(TOKEN_OPTIONS);
type BuilderOptions = z.infer<typeof Options>;

/**
 * `operation`: "publish, archive, delete, unpublish, scheduledStart, scheduledEnd" (https://www.builder.io/c/docs/webhooks);
 * a scheduled entry going live is a publish, its schedule ending an unpublish.
 */
export const BUILDER_ACTIONS: Readonly<Record<string, ContentAction>> = {
  publish: 'publish',
  unpublish: 'unpublish',
  archive: 'archive',
  delete: 'delete',
  scheduledStart: 'publish',
  scheduledEnd: 'unpublish',
};

const Payload = z.looseObject({
  operation: z.string(),
  modelName: z.optional(z.string()),
  newValue: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  previousValue: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
});

export const builderIo: WebhookProvider<BuilderOptions> = {
  name: 'builder-io',
  options: Options,
  defaultToleranceMs: undefined,

  verify: (request, { secrets, options }) => verifyToken(request.headers, secrets, options),
  audit: { sharedToken: () => true },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'Builder.io');
    const current = body.newValue ?? body.previousValue ?? {};
    // `data` holds the entry's fields, including `url` for page models.
    const previous = record(body.previousValue).data;
    return [
      {
        action: lookup(BUILDER_ACTIONS, body.operation) ?? 'update',
        topic: body.operation,
        contentType: body.modelName ?? str(current.modelId),
        documentId: idString(current.id),
        locales: [],
        fields: record(current.data),
        previous: isRecord(previous) ? previous : undefined,
      },
    ];
  },

  // A token authenticates the request; Builder sends no delivery id.
  identify: () => undefined,
};
