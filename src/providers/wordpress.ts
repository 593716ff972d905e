// WordPress (WP Webhooks): newer versions sign constant metadata, not the body, so the relay checks a
// shared token instead: the plugin's Authentication template (Bearer, Basic or API key header), or the
// `X-WP-Webhook-Signature` value as a static token. https://wp-webhooks.com/docs/
import * as z from 'zod/mini';
import { TOKEN_OPTIONS, verifyToken } from './shared-secret';
import { idString, lookup, parsePayload, record, str } from './support';
import type { ContentAction, WebhookProvider } from './types';

const Options = z.strictObject(TOKEN_OPTIONS);
type WordPressOptions = z.infer<typeof Options>;

/**
 * `X-WP-Webhook-Name`, the trigger (WP Webhooks: `post_create`, `post_update`, `post_delete`, `post_trash`).
 * A post saved with a status other than `publish` has left the site; created published, it is published.
 */
export const WORDPRESS_ACTIONS: Readonly<Record<string, ContentAction>> = {
  post_create: 'create',
  post_update: 'update',
  post_delete: 'delete',
  post_trash: 'delete',
};

const Payload = z.looseObject({
  post_id: z.optional(z.unknown()),
  post: z.optional(z.record(z.string(), z.unknown())),
});

export const wordpress: WebhookProvider<WordPressOptions> = {
  name: 'wordpress',
  options: Options,
  defaultToleranceMs: undefined,

  verify: (request, { secrets, options }) => verifyToken(request.headers, secrets, options),

  normalize(request, payload) {
    const body = parsePayload(Payload, payload, 'WordPress');
    const post = body.post ?? {};
    const trigger = request.headers.get('x-wp-webhook-name') ?? str(record(payload).trigger) ?? 'post_update';
    const action = lookup(WORDPRESS_ACTIONS, trigger) ?? 'update';
    const status = str(post.post_status);
    return [
      {
        // Saving a post as anything but published takes it off the site.
        action:
          action === 'update' && status && status !== 'publish'
            ? 'unpublish'
            : action === 'create' && status === 'publish'
              ? 'publish'
              : action,
        topic: trigger,
        contentType: str(post.post_type),
        documentId: idString(body.post_id) ?? idString(post.ID),
        locales: [],
        fields: { ...post, permalink: record(payload).post_permalink },
      },
    ];
  },

  // A token authenticates the request; WP Webhooks sends no delivery id.
  identify: () => undefined,
};
