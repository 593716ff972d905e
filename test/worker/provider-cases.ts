// One entry per provider for the shared contract suite: how to sign, what the payload means.
import { secret, sign } from './helpers';

export interface ProviderCase {
  provider: string;
  sourceId: string;
  secret: string;
  oldSecret: string;
  /** A well-formed secret that is not configured (default: the secret with a suffix). */
  wrongSecret?: string;
  body: string;
  /** Headers the platform sends besides the signature (topic, event...). */
  headers: Record<string, string>;
  /** The header carrying the platform's delivery id, if any; each request gets a new one. */
  deliveryHeader?: string;
  /** The header that carries the signature or token. */
  signatureHeader: string;
  /** Signs `body` with `key`; `age` shifts the signed timestamp into the past (ms, negative = future). */
  sign(body: string, key: string, age?: number): Promise<Record<string, string>>;
  /** The platform's default replay window, when it signs a timestamp. */
  toleranceMs?: number;
  expected: { action: string; contentType?: string; documentId?: string; path: string };
}

const PATH = '/webhooks/';

export const PROVIDER_CASES: ProviderCase[] = [
  {
    provider: 'contentful',
    sourceId: 'contentful',
    secret: secret('CONTENTFUL_SECRET'),
    oldSecret: secret('CONTENTFUL_SECRET_OLD'),
    // The toolkit refuses secrets that are not 64 characters long.
    wrongSecret: 'w'.repeat(64),
    body: JSON.stringify({
      sys: { id: '5KsDBWseXY6QegucYAoacS', type: 'Entry', contentType: { sys: { id: 'blogPost', type: 'Link', linkType: 'ContentType' } } },
      fields: { title: { 'en-US': 'Hello, Zürich' }, slug: { 'en-US': 'hello-zurich' } },
    }),
    headers: { 'x-contentful-topic': 'ContentManagement.Entry.publish', 'content-type': 'application/vnd.contentful.management.v1+json' },
    // Contentful does not sign its idempotency key unless told to; the relay reads it either way.
    deliveryHeader: 'x-contentful-idempotency-key',
    signatureHeader: 'x-contentful-signature',
    sign: (body, key, age = 0) =>
      sign('contentful', {
        secret: key,
        body,
        path: `${PATH}contentful`,
        timestamp: Date.now() - age,
        headers: { 'x-contentful-topic': 'ContentManagement.Entry.publish', 'content-type': 'application/vnd.contentful.management.v1+json' },
      }),
    toleranceMs: 30_000,
    expected: { action: 'publish', contentType: 'blogPost', documentId: '5KsDBWseXY6QegucYAoacS', path: '/blog/hello-zurich' },
  },
  {
    provider: 'sanity',
    sourceId: 'sanity',
    secret: secret('SANITY_SECRET'),
    oldSecret: secret('SANITY_SECRET_OLD'),
    body: JSON.stringify({ _id: 'post-1', _type: 'post', title: 'Grüße', slug: { _type: 'slug', current: 'gruesse' } }),
    headers: { 'sanity-operation': 'update', 'sanity-document-id': 'post-1' },
    deliveryHeader: 'idempotency-key',
    signatureHeader: 'sanity-webhook-signature',
    sign: (body, key, age = 0) => sign('sanity', { secret: key, body, timestamp: Date.now() - age }),
    toleranceMs: 300_000,
    expected: { action: 'update', contentType: 'post', documentId: 'post-1', path: '/posts/gruesse' },
  },
  {
    provider: 'shopify',
    sourceId: 'shopify',
    secret: secret('SHOPIFY_SECRET'),
    oldSecret: secret('SHOPIFY_SECRET_OLD'),
    body: JSON.stringify({ id: 632910392, title: 'IPod Nano - 8GB', handle: 'ipod-nano', tags: 'Emotive, Flash Memory' }),
    headers: { 'x-shopify-topic': 'products/update', 'x-shopify-shop-domain': 'shop.myshopify.com' },
    deliveryHeader: 'x-shopify-webhook-id',
    signatureHeader: 'x-shopify-hmac-sha256',
    sign: (body, key) => sign('shopify', { secret: key, body }),
    expected: { action: 'update', contentType: 'products', documentId: '632910392', path: '/products/ipod-nano' },
  },
  {
    provider: 'strapi',
    sourceId: 'strapi',
    secret: secret('STRAPI_TOKEN'),
    oldSecret: secret('STRAPI_TOKEN_OLD'),
    body: JSON.stringify({
      event: 'entry.publish',
      createdAt: '2026-11-23T10:00:00.000Z',
      model: 'article',
      uid: 'api::article.article',
      entry: { id: 7, documentId: 'a1b2c3d4e5f6g7h8i9j0k1l2', slug: 'strapi-news', locale: 'en' },
    }),
    headers: { 'x-strapi-event': 'entry.publish' },
    signatureHeader: 'authorization',
    // Strapi signs nothing: the configured header carries the shared token.
    sign: async (_body, key) => ({ authorization: `Bearer ${key}` }),
    expected: { action: 'publish', contentType: 'article', documentId: 'a1b2c3d4e5f6g7h8i9j0k1l2', path: '/articles/strapi-news' },
  },
  {
    provider: 'standard-webhooks',
    sourceId: 'standard',
    secret: secret('STANDARD_SECRET'),
    oldSecret: secret('STANDARD_SECRET_OLD'),
    wrongSecret: 'whsec_' + btoa('a-key-this-source-does-not-have'),
    body: JSON.stringify({ type: 'post.published', timestamp: '2026-11-23T10:00:00Z', data: { id: 'p_42', slug: 'standard-news' } }),
    headers: {},
    deliveryHeader: 'webhook-id',
    signatureHeader: 'webhook-signature',
    // webhook-id is both signed and the delivery id, so each signature gets a fresh one.
    sign: (body, key, age = 0) =>
      sign('standard-webhooks', { secret: key, body, id: `msg_${crypto.randomUUID()}`, timestamp: Math.floor((Date.now() - age) / 1000) }),
    toleranceMs: 300_000,
    expected: { action: 'publish', contentType: 'post', documentId: 'p_42', path: '/p/standard-news' },
  },
];
