// BigCommerce: Standard Webhooks headers, keyed by the app's client secret as UTF-8 bytes (not `whsec_`).
// https://developer.bigcommerce.com/docs/integrations/webhooks
import * as z from 'zod/mini';
import { utf8 } from '../lib/bytes';
import { verifyStandardWebhook, webhookIdentity } from './standard-webhooks';
import { idString, lookup, NO_OPTIONS, parsePayload } from './support';
import type { ContentAction, WebhookProvider } from './types';

/**
 * Scopes are `store/<resource>/<verb>` (`store/product/updated`, `store/product/inventory/updated`): the last
 * segment decides; any other verb (`statusUpdated`, `converted`, ...) is an update of its resource.
 * https://developer.bigcommerce.com/docs/integrations/webhooks/events
 */
export const BIGCOMMERCE_ACTIONS: Readonly<Record<string, ContentAction>> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
};

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
    const segments = body.scope.split('/');
    return [
      {
        action: lookup(BIGCOMMERCE_ACTIONS, segments.at(-1)) ?? 'update',
        topic: body.scope,
        contentType: body.data?.type ?? segments[1],
        documentId: idString(body.data?.id),
        locales: [],
        fields: body.data ?? {},
        deliveryId: request.headers.get('webhook-id') ?? undefined,
      },
    ];
  },

  identify: webhookIdentity,
};
