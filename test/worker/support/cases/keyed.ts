// Contract cases for platforms verified with public keys (Contentstack certificate, Saleor JWS,
// commercetools via Pub/Sub or SNS) and the HMAC variants of the same platforms. Keys are named
// `current`, `previous` (both published by the key server) and `rogue` (not published).
import { env } from 'cloudflare:workers';
import ctPublished from '../../../fixtures/commercetools/product-published.json?raw';
import pubsubEnvelope from '../../../fixtures/commercetools/pubsub-envelope.json?raw';
import contentstackEntry from '../../../fixtures/contentstack/entry-publish.json?raw';
import saleorProduct from '../../../fixtures/saleor/product-updated.json?raw';
import { secret, sign } from '../helpers';
import { freshTime } from '../fresh';
import type { ProviderCase } from '../provider-cases';

const KEYED = { secret: 'current', oldSecret: 'previous', wrongSecret: 'rogue' };
const secrets = (name: string) => ({ secrets: [name, `${name}_OLD`] });
const seconds = (age: number) => Math.floor((Date.now() - age) / 1000);
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Base64 of UTF-8 text, as Pub/Sub carries message data. */
export function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export const PUBSUB_OPTIONS = {
  push: 'pubsub',
  audience: 'https://relay.example/webhooks/ct-pubsub',
  serviceAccount: 'ct-push@demo-shop.iam.gserviceaccount.com',
};
export const SNS_TOPIC = 'arn:aws:sns:eu-central-1:123456789012:commercetools-messages';
export const pubsubBody = (message: string) => pubsubEnvelope.replace('"data":""', `"data":"${base64(message)}"`);
const ctMessage = (id: string) => ctPublished.replace('2f3c8e5a-7b1d-4c6e-9a0f-1e2d3c4b5a69', id);

export const KEYED_CASES: ProviderCase[] = [
  {
    provider: 'contentstack',
    sourceId: 'contentstack',
    get source() {
      return { secrets: [], options: { publicKeysUrl: `${env.KEYS_URL}/public-keys.json` } };
    },
    purge: ['/site{+fields.url}'],
    ...KEYED,
    // Contentstack publishes one `signing-key` (the key server serves exactly that shape).
    oldSecret: undefined,
    body: () => contentstackEntry.replace('"triggered_at":"2026-11-23T10:00:00.000Z"', `"triggered_at":"${freshTime()}"`),
    headers: {},
    signatureHeader: 'x-contentstack-request-signature',
    sign: (body, key) => sign('contentstack', { secret: key, body }),
    expected: {
      action: 'publish',
      contentType: 'blog_post',
      documentId: 'blt8f7e6d5c4b3a2910',
      locales: ['de-de'],
      path: '/site/blog/gruesse-aus-koeln',
    },
  },
  {
    provider: 'contentstack',
    sourceId: 'contentstack-hmac',
    source: { ...secrets('CONTENTSTACK_HMAC_SECRET'), options: { signing: 'hmac' } },
    purge: ['/site{+fields.url}'],
    secret: secret('CONTENTSTACK_HMAC_SECRET'),
    oldSecret: secret('CONTENTSTACK_HMAC_SECRET_OLD'),
    body: () => contentstackEntry.replace('"triggered_at":"2026-11-23T10:00:00.000Z"', `"triggered_at":"${freshTime()}"`),
    headers: {},
    signatureHeader: 'x-contentstack-hmac-signature',
    sign: (body, key, age = 0) => sign('contentstack-hmac', { secret: key, body, timestamp: seconds(age) }),
    toleranceMs: 1_200_000,
    expected: {
      action: 'publish',
      contentType: 'blog_post',
      documentId: 'blt8f7e6d5c4b3a2910',
      path: '/site/blog/gruesse-aus-koeln',
    },
  },
  {
    provider: 'saleor',
    sourceId: 'saleor',
    get source() {
      return { secrets: [], options: { jwksUrl: `${env.KEYS_URL}/jwks.json` } };
    },
    purge: ['/products/{fields.slug}'],
    ...KEYED,
    body: () => saleorProduct.replace('"issuedAt":"2026-11-23T10:00:00.000000+00:00"', `"issuedAt":"${freshTime()}"`),
    headers: {
      'saleor-event': 'product_updated',
      'saleor-domain': 'shop.example.com',
      'saleor-api-url': 'https://shop.example.com/graphql/',
    },
    signatureHeader: 'saleor-signature',
    sign: (body, key) => sign('saleor', { secret: key, body }),
    expected: { action: 'update', contentType: 'product', documentId: 'UHJvZHVjdDo3Mg==', path: '/products/apple-juice' },
  },
  {
    provider: 'saleor',
    sourceId: 'saleor-hmac',
    source: secrets('SALEOR_HMAC_SECRET'),
    purge: ['/products/{fields.slug}'],
    secret: secret('SALEOR_HMAC_SECRET'),
    oldSecret: secret('SALEOR_HMAC_SECRET_OLD'),
    body: () => saleorProduct.replace('"issuedAt":"2026-11-23T10:00:00.000000+00:00"', `"issuedAt":"${freshTime()}"`),
    headers: { 'saleor-event': 'product_updated', 'saleor-domain': 'shop.example.com' },
    signatureHeader: 'saleor-signature',
    sign: (body, key) => sign('saleor-hmac', { secret: key, body }),
    expected: { action: 'update', contentType: 'product', documentId: 'UHJvZHVjdDo3Mg==', path: '/products/apple-juice' },
  },
  {
    provider: 'commercetools',
    sourceId: 'ct-pubsub',
    get source() {
      return { secrets: [], options: { ...PUBSUB_OPTIONS, jwksUrl: `${env.KEYS_URL}/jwks.json` } };
    },
    purge: ['/products/{fields.slug}'],
    ...KEYED,
    body: (id) => pubsubBody(ctMessage(id)),
    headers: {},
    deliveryInBody: true,
    signatureHeader: 'authorization',
    // Google's token authenticates the sender, not the body (TLS protects the body in transit).
    signsBody: false,
    sign: (body, key, age = 0) => sign('google-pubsub', { secret: key, body, timestamp: seconds(age), options: PUBSUB_OPTIONS }),
    // The token's own lifetime (`exp` = `iat` + 1 h) and the minute of leeway on `exp`, inside the provider's 2 h window.
    toleranceMs: 3_660_000,
    expected: {
      action: 'publish',
      contentType: 'product',
      documentId: 'e7ba4c75-b1bb-483d-94d8-2c4a10f78472',
      locales: ['en', 'de'],
      path: '/products/coffee-ethiopia',
    },
  },
  {
    provider: 'commercetools',
    sourceId: 'ct-sns',
    get source() {
      return {
        secrets: [],
        options: { push: 'sns', topicArn: SNS_TOPIC, certUrlPattern: `^${escapeRegex(env.KEYS_URL)}/sns/[a-z]+\\.pem$` },
      };
    },
    purge: ['/products/{fields.slug}'],
    ...KEYED,
    body: ctMessage,
    headers: { 'x-amz-sns-message-type': 'Notification', 'content-type': 'text/plain; charset=UTF-8' },
    deliveryInBody: true,
    signatureHeader: 'Signature',
    signBody: async (body, key, age = 0) =>
      (
        await sign('sns', {
          secret: key,
          body,
          id: crypto.randomUUID(),
          timestamp: Date.now() - age,
          options: { topicArn: SNS_TOPIC, certBaseUrl: `${env.KEYS_URL}/sns` },
        })
      ).body!,
    // SNS signs the message's fields, not its bytes: change the message itself.
    tamper: (body) => body.replace('ProductPublished', 'ProductDeleted'),
    sign: async () => ({}),
    toleranceMs: 7_200_000,
    expected: {
      action: 'publish',
      contentType: 'product',
      documentId: 'e7ba4c75-b1bb-483d-94d8-2c4a10f78472',
      locales: ['en', 'de'],
      path: '/products/coffee-ethiopia',
    },
  },
];
