// Builder.io: no signature; custom headers set on the model's webhook carry a token, compared in
// constant time. Payloads carry `newValue` and `previousValue`. https://www.builder.io/c/docs/webhooks
import * as z from 'zod/mini';
import { TOKEN_OPTIONS, verifyToken } from './shared-secret';
import { idString, isRecord, parsePayload, record, str, verbAction } from './support';
import type { WebhookProvider } from './types';

const Options = z.strictObject(TOKEN_OPTIONS);
type BuilderOptions = z.infer<typeof Options>;

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
    return {
      action: verbAction(body.operation),
      topic: body.operation,
      contentType: body.modelName ?? str(current.modelId),
      documentId: idString(current.id),
      locales: [],
      fields: record(current.data),
      previous: isRecord(previous) ? previous : undefined,
    };
  },
};
