// Strapi v4/v5: no signature; a static header you configure on the webhook, compared in constant time.
// https://docs.strapi.io/cms/backend-customization/webhooks
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { tokenMatchesAny } from './crypto';
import { idString, isRecord, parsePayload, requireHeader } from './support';
import type { ContentAction, WebhookProvider } from './types';

const ACTIONS: Record<string, ContentAction> = {
  'entry.create': 'create',
  'entry.update': 'update',
  'entry.delete': 'delete',
  'entry.publish': 'publish',
  'entry.unpublish': 'unpublish',
  'media.create': 'create',
  'media.update': 'update',
  'media.delete': 'delete',
};

const Options = z.strictObject({
  /** Header carrying the token (default `authorization`). */
  header: z.optional(z.string().check(z.minLength(1))),
  /** Scheme before the token (default `Bearer`); empty means the whole header value is the token. */
  scheme: z.optional(z.string()),
});
type StrapiOptions = z.infer<typeof Options>;

const Payload = z.looseObject({
  event: z.string(),
  model: z.optional(z.string()),
  entry: z.optional(z.record(z.string(), z.unknown())),
  media: z.optional(z.record(z.string(), z.unknown())),
});

export const strapi: WebhookProvider<StrapiOptions> = {
  name: 'strapi',
  options: Options,
  defaultToleranceMs: undefined,

  async verify(request, { secrets, options }) {
    const header = options.header ?? 'authorization';
    const scheme = options.scheme ?? 'Bearer';
    const value = requireHeader(request.headers, header);
    const prefix = scheme === '' ? '' : `${scheme} `;
    if (prefix && value.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) {
      throw unauthorized(`${header} header must use the ${scheme} scheme`);
    }
    if (!(await tokenMatchesAny(value.slice(prefix.length).trim(), secrets))) {
      throw unauthorized('token does not match');
    }
  },

  normalize(request, payload) {
    const body = parsePayload(Payload, payload, 'Strapi');
    const entry = body.entry ?? body.media ?? {};
    const event = request.headers.get('x-strapi-event') ?? body.event;
    const locale = entry.locale;
    return {
      action: ACTIONS[event] ?? 'update',
      topic: event,
      contentType: body.model ?? (body.media ? 'media' : undefined),
      // v5 has a stable documentId across locales and drafts; v4 only the numeric id.
      documentId: idString(entry.documentId) ?? idString(entry.id),
      locales: typeof locale === 'string' && locale !== '' ? [locale] : [],
      fields: isRecord(entry) ? entry : {},
    };
  },
};
