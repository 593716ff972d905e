// commercetools: subscriptions deliver through a cloud push destination, verified as that destination
// signs (Google Pub/Sub push OIDC token, or AWS SNS message signature); the message is commercetools'.
// https://docs.commercetools.com/api/projects/subscriptions
import * as z from 'zod/mini';
import { badRequest } from '../errors';
import { decodeUtf8, fromBase64 } from '../lib/bytes';
import { KEY_URL } from './keys';
import { RS256 } from './jws';
import { verifyPubSubPush, verifySnsMessage } from './push-destinations';
import { snsHandshake } from './sns-subscription';
import { isRecord, lookup, pick, record, splitLocalized, str } from './support';
import type { ContentAction, WebhookProvider } from './types';

const SERVICE_ACCOUNT =
  "the push subscription's service account email (required for Pub/Sub push: without it any Google account could sign deliveries)";

const Options = z.discriminatedUnion('push', [
  z.strictObject({
    push: z.literal('pubsub'),
    /** The push subscription's audience (its OIDC token `aud`). */
    audience: z.string().check(z.minLength(1)),
    /**
     * The service account the push subscription authenticates as (the token's `email`). Required on save
     * (`saveProblems`): any Google account can mint a Google-signed token for the relay's URL as audience
     * (SECURITY.md, F1). Optional here only so that a config stored before the rule still loads; its
     * Pub/Sub deliveries are then refused as a setup error until the account is set.
     */
    serviceAccount: z.optional(
      z.string({ error: SERVICE_ACCOUNT }).check(z.regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, SERVICE_ACCOUNT)),
    ),
    jwksUrl: z._default(KEY_URL, 'https://www.googleapis.com/oauth2/v3/certs'),
  }),
  z.strictObject({
    push: z.literal('sns'),
    topicArn: z.string().check(z.regex(/^arn:aws[a-z-]*:sns:/, 'an SNS topic ARN')),
    /** Allow-list for the message's SigningCertURL (a regular expression anchored with ^ and $). */
    certUrlPattern: z._default(
      z.string().check(z.refine(isAnchoredRegex, 'a regular expression anchored with ^ and $')),
      '^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/SimpleNotificationService-[A-Za-z0-9]+\\.pem$',
    ),
  }),
]);
type CommercetoolsOptions = z.infer<typeof Options>;

function isAnchoredRegex(text: string): boolean {
  try {
    return text.startsWith('^') && text.endsWith('$') && new RegExp(text) instanceof RegExp;
  } catch {
    return false;
  }
}

/**
 * Message types (commercetools-api-reference api-specs/api/types/message/*.raml) and change notifications.
 * Only ProductDeleted deletes a product: a variant, price or category removed, an image or category added,
 * are updates of the product (its page stays). Any type not listed is an update of its resource.
 */
export const COMMERCETOOLS_ACTIONS: Readonly<Record<string, ContentAction>> = {
  ProductCreated: 'create',
  ProductPublished: 'publish',
  ProductUnpublished: 'unpublish',
  ProductDeleted: 'delete',
  ProductSlugChanged: 'update',
  ProductVariantDeleted: 'update',
  ProductRemovedFromCategory: 'update',
  ProductPriceRemoved: 'update',
  ProductAddedToCategory: 'update',
  ProductImageAdded: 'update',
  CategoryCreated: 'create',
  ResourceCreated: 'create',
  ResourceUpdated: 'update',
  ResourceDeleted: 'delete',
};

/**
 * A CloudEvents-format subscription (types/subscription/CloudEventsPayload.raml) wraps the message in `data`:
 * `type` is `com.commercetools.<typeId>.<message|change>.<Type>`, `subject` the resource's id.
 */
function fromCloudEvent(event: Record<string, unknown>): Record<string, unknown> {
  if (typeof event.specversion !== 'string' || !isRecord(event.data)) return event;
  const data = event.data;
  const [, , typeId, , type] = (str(event.type) ?? '').split('.');
  return {
    ...data,
    type: str(data.type) ?? type,
    resource: isRecord(data.resource) ? data.resource : { typeId, id: event.subject },
    id: str(data.id) ?? str(event.id),
  };
}

/** The commercetools message inside the push envelope. */
function unwrap(payload: unknown, push: CommercetoolsOptions['push']): Record<string, unknown> {
  try {
    const text =
      push === 'sns'
        ? str(record(payload).Message)
        : decodeUtf8(fromBase64(str(pick(payload, 'message.data')) ?? '') ?? new Uint8Array());
    const message: unknown = JSON.parse(text ?? '');
    if (isRecord(message)) return fromCloudEvent(message);
  } catch {
    // Reported below.
  }
  if (push === 'sns' && record(payload).Type === 'SubscriptionConfirmation') {
    throw badRequest('SNS subscription confirmations are not handled: confirm the subscription in the AWS console');
  }
  throw badRequest('the push message does not carry a commercetools message');
}

const messageId = (payload: unknown, message: Record<string, unknown>): string | undefined =>
  str(message.id) ?? str(pick(payload, 'message.messageId')) ?? str(record(payload).MessageId);

export const commercetools: WebhookProvider<CommercetoolsOptions> = {
  name: 'commercetools',
  options: Options,
  usesSecrets: () => false,
  audit: {
    // SNS certificates are named by each message (within certUrlPattern): there is no URL to check ahead.
    keyUrls: (options) => (options.push === 'pubsub' ? [{ url: options.jwksUrl, algorithm: RS256 }] : []),
    weakness: (options) =>
      options.push === 'pubsub' && options.serviceAccount === undefined
        ? 'its Pub/Sub deliveries are refused until options.serviceAccount names the push subscription’s service account (without it any Google account could sign them)'
        : undefined,
  },
  saveProblems: (options) =>
    options.push === 'pubsub' && options.serviceAccount === undefined
      ? [{ path: ['serviceAccount'], message: SERVICE_ACCOUNT }]
      : [],
  // SNS signs the publish time and keeps it on every retry, which its delivery policies bound to 3,600 s
  // in total (docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html): two hours cover them.
  // A Pub/Sub token lives an hour (`exp` is checked too), so its `iat` is never older than that anyway.
  defaultToleranceMs: 7_200_000,

  verify: (request, { source, options, toleranceMs, now }) =>
    options.push === 'sns'
      ? verifySnsMessage(request, options, { source, toleranceMs, now })
      : verifyPubSubPush(request, options, { source, toleranceMs, now }),

  // SNS sends a SubscriptionConfirmation first: confirmed here, after `verify` (sns-subscription.ts).
  handshake: (request, options) => (options.push === 'sns' ? snsHandshake(request) : Promise.resolve(undefined)),

  normalize(_request, payload, options) {
    const message = unwrap(payload, options.push);
    const resource = record(message.resource);
    // Messages carry what changed (productProjection, slug, oldSlug); change notifications only ids.
    const fields = { ...record(message.resourceUserProvidedIdentifiers), ...record(message.productProjection), ...message };
    delete fields.productProjection;
    const localized = splitLocalized(fields);
    const type = str(message.type) ?? str(message.notificationType) ?? 'ResourceUpdated';
    return [
      {
        action: lookup(COMMERCETOOLS_ACTIONS, type) ?? 'update',
        topic: type,
        contentType: str(resource.typeId),
        documentId: str(resource.id),
        locales: localized ? Object.keys(localized) : [],
        fields: localized ? (Object.values(localized)[0] ?? fields) : fields,
        localized,
        previous: isRecord(message.oldSlug) ? { slug: message.oldSlug } : undefined,
        deliveryId: messageId(payload, message),
      },
    ];
  },

  // The commercetools message id (inside SNS's signed Message; under the Pub/Sub token), the same on every
  // redelivery; else the destination's own message id.
  identify(_request, payload, options) {
    const id = messageId(payload, unwrap(payload, options.push));
    return id ? { id } : undefined;
  },
};
