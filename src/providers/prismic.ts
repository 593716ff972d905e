// Prismic: no signature; the webhook's secret travels inside the JSON body (`secret`), compared in
// constant time and never copied into the event. https://prismic.io/docs/webhooks
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { tokenMatchesAny } from '../lib/crypto';
import { lookup, NO_OPTIONS, parseJsonBody, parsePayload, record, str } from './support';
import type { ContentAction, WebhookProvider } from './types';

/**
 * `type` (@prismicio/client src/types/webhook/types.ts): `api-update` (documents were published or
 * unpublished: ids only) and `test-trigger` (the console's test button).
 */
export const PRISMIC_ACTIONS: Readonly<Record<string, ContentAction>> = {
  'api-update': 'publish',
  'test-trigger': 'update',
};

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
    const { secret: _secret, documents = [], ...body } = parsePayload(Payload, payload, 'Prismic');
    // One event per document the update lists (`documents`: every id published or unpublished); a test,
    // or an update that lists none (a release or tags changed), is one event without a document.
    const event = {
      action: lookup(PRISMIC_ACTIONS, body.type) ?? 'update',
      topic: body.type,
      locales: [],
      deliveryId: str(body.masterRef),
    };
    const fields = { ...body, documents };
    if (documents.length === 0) return [{ ...event, fields }];
    return documents.map((documentId) => ({ ...event, documentId, fields }));
  },

  // The secret in the body authenticates the request, nothing is signed; the master ref, new with every
  // publish, identifies the delivery (a retry sends the same body).
  identify: (_request, payload) => {
    const ref = str(record(payload).masterRef);
    return ref ? { id: ref } : undefined;
  },
};
