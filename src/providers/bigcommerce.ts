// BigCommerce: Standard Webhooks headers, keyed by the app's client secret as UTF-8 bytes (not `whsec_`).
// https://developer.bigcommerce.com/docs/integrations/webhooks
import * as z from 'zod/mini';
import { utf8 } from '../lib/bytes';
import { verifyStandardWebhook } from './standard-webhooks';
import { idString, NO_OPTIONS, parsePayload, verbAction } from './support';
import type { WebhookProvider } from './types';

// A thin payload: scope `store/product/updated` and the resource id; `hash` changes with the data.
const Payload = z.looseObject({
  scope: z.string(),
  data: z.optional(z.looseObject({ type: z.optional(z.string()), id: z.optional(z.unknown()) })),
});

export const bigcommerce: WebhookProvider<Record<string, never>> = {
  name: 'bigcommerce',
  options: NO_OPTIONS,
  // BigCommerce signs as Standard Webhooks, whose spec renews the timestamp per attempt, but it does not say
  // that it follows that part, and it retries for up to 48 hours: the window covers them
  // (docs/providers.md, "Replay windows").
  defaultToleranceMs: 172_800_000,

  verify: (request, { secrets, toleranceMs, now }) => verifyStandardWebhook(request, secrets.map(utf8), toleranceMs, now),

  normalize(request, payload) {
    const body = parsePayload(Payload, payload, 'BigCommerce');
    return {
      action: verbAction(body.scope),
      topic: body.scope,
      contentType: body.data?.type ?? body.scope.split('/')[1],
      documentId: idString(body.data?.id),
      locales: [],
      fields: body.data ?? {},
      deliveryId: request.headers.get('webhook-id') ?? undefined,
    };
  },
};
