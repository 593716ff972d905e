// WordPress (WP Webhooks): `X-WP-Webhook-Signature`, base64 HMAC-SHA256 of the raw body keyed by the secret
// (WP Webhooks 3.3.1, Ironikus/wp-webhooks@b140d0f core/includes/classes/class-wp-webhooks-pro-webhook.php
// post_to_webhook: `generate_trigger_signature( $http_args['body'], $secret_key )`, generate_trigger_signature:
// `base64_encode( hash_hmac( 'sha256', $data, $secret, true ) )`). From the 5.0 structure on the plugin signs
// constant metadata instead (`json_encode({date_created, webhook_name, webhook_url_name})`: the same value on
// every delivery of a webhook URL, covering no body), so those sites use `"signing": "token"`: a token header
// from the plugin's Authentication templates (Bearer, Basic or API key). https://wp-webhooks.com/docs/
import * as z from 'zod/mini';
import { verifyBodyHmac } from './body-hmac';
import { TOKEN_OPTIONS, verifyToken } from './shared-secret';
import { idString, lookup, parsePayload, record, requireHeader, str } from './support';
import type { ContentAction, WebhookProvider } from './types';

const Options = z
  .strictObject({
    /** `body` (default): the signature header is the HMAC of the body. `token`: a shared token header. */
    signing: z._default(z.enum(['body', 'token']), 'body'),
    ...TOKEN_OPTIONS,
  })
  .check(
    z.refine((o) => o.signing === 'token' || (o.header === undefined && o.scheme === undefined), {
      message: 'header and scheme apply to "signing": "token" only (the body signature is always X-WP-Webhook-Signature)',
      path: ['signing'],
    }),
  );
type WordPressOptions = z.infer<typeof Options>;

const SIGNATURE = { hash: 'SHA-256', header: 'x-wp-webhook-signature', encoding: 'base64' } as const;

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

  verify: (request, { secrets, options }) =>
    options.signing === 'token'
      ? verifyToken(request.headers, secrets, options)
      : verifyBodyHmac(request.body, secrets, SIGNATURE, requireHeader(request.headers, SIGNATURE.header)),
  audit: { sharedToken: (options) => options.signing === 'token' },

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
