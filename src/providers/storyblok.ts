// Storyblok: `webhook-signature`, hex HMAC-SHA1 of the raw body keyed by the webhook secret.
// https://www.storyblok.com/docs/concepts/webhooks (the header name is Standard Webhooks' too: the
// scheme comes from the source's provider, never from the headers present).
import * as z from 'zod/mini';
import { verifyBodyHmac } from './body-hmac';
import { idString, NO_OPTIONS, parsePayload, requireHeader, str, verbAction } from './support';
import type { WebhookProvider } from './types';

const Payload = z.looseObject({ action: z.string() });

export const storyblok: WebhookProvider<Record<string, never>> = {
  name: 'storyblok',
  options: NO_OPTIONS,
  defaultToleranceMs: undefined,

  async verify(request, { secrets }) {
    const scheme = { hash: 'SHA-1', header: 'webhook-signature', encoding: 'hex' } as const;
    await verifyBodyHmac(request.body, secrets, scheme, requireHeader(request.headers, scheme.header));
  },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'Storyblok');
    // Story events carry story_id and full_slug; assets, datasources and releases their own ids.
    const kind =
      body.story_id !== undefined
        ? 'story'
        : body.asset_id !== undefined
          ? 'asset'
          : body.datasource_slug
            ? 'datasource'
            : undefined;
    return {
      action: verbAction(body.action),
      topic: body.action,
      contentType: kind,
      documentId: idString(body.story_id) ?? idString(body.asset_id) ?? str(body.datasource_slug),
      locales: [],
      fields: body,
    };
  },
};
