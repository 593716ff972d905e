// Prismic: no signature; the webhook's secret travels inside the JSON body (`secret`), compared in
// constant time and never copied into the event. https://prismic.io/docs/webhooks
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { tokenMatchesAny } from '../lib/crypto';
import { NO_OPTIONS, parseJsonBody, parsePayload, record, str } from './support';
import type { WebhookProvider } from './types';

const Payload = z.looseObject({
  type: z.string(),
  documents: z.optional(z.array(z.string())),
});

export const prismic: WebhookProvider<Record<string, never>> = {
  name: 'prismic',
  options: NO_OPTIONS,
  defaultToleranceMs: undefined,

  async verify(request, { secrets }) {
    const given = str(record(parseJsonBody(request.body)).secret);
    if (!given) throw unauthorized('missing secret field in the body');
    if (!(await tokenMatchesAny(given, secrets))) throw unauthorized('secret does not match');
  },

  normalize(_request, payload) {
    const { secret: _secret, ...body } = parsePayload(Payload, payload, 'Prismic');
    // `api-update`: documents were published or unpublished (ids only); `test-trigger`: the console's test.
    return {
      action: body.type === 'api-update' ? 'publish' : 'update',
      topic: body.type,
      documentId: body.documents?.[0],
      locales: [],
      fields: body,
      deliveryId: str(body.masterRef),
    };
  },
};
