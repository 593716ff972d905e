// Contract cases for platforms that sign nothing and send a shared secret, compared in constant time, and for
// WordPress, whose WP Webhooks 3.x signs the body (5.x: a token).
import builderPage from '../../../fixtures/builder-io/page-publish.json?raw';
import datoItem from '../../../fixtures/datocms/item-update.json?raw';
import directusUpdate from '../../../fixtures/directus/items-update.json?raw';
import payloadPost from '../../../fixtures/payload/post-update.json?raw';
import directusMany from '../../../fixtures/directus/items-update-many.json?raw';
import prismicUpdate from '../../../fixtures/prismic/api-update.json?raw';
import prismicBatch from '../../../fixtures/prismic/api-update-batch.json?raw';
import wordpressPost from '../../../fixtures/wordpress/post-update.json?raw';
import { secret, sign } from '../helpers';
import type { ProviderCase } from '../provider-cases';

const secrets = (name: string) => ({ secrets: [name, `${name}_OLD`] });
const bearer =
  (header = 'authorization') =>
  async (_body: string, key: string) => ({ [header]: `Bearer ${key}` });
const raw = (header: string) => async (_body: string, key: string) => ({ [header]: key });
/** HTTP Basic over the UTF-8 bytes of `user:password` (RFC 7617 §2.1). */
export const basic = (credentials: string) => `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(credentials)))}`;

export const SHARED_SECRET_CASES: ProviderCase[] = [
  {
    provider: 'strapi',
    sourceId: 'strapi',
    source: secrets('STRAPI_TOKEN'),
    purge: ['/articles/{fields.slug}'],
    secret: secret('STRAPI_TOKEN'),
    oldSecret: secret('STRAPI_TOKEN_OLD'),
    body: () =>
      JSON.stringify({
        event: 'entry.publish',
        createdAt: '2026-11-23T10:00:00.000Z',
        model: 'article',
        uid: 'api::article.article',
        entry: { id: 7, documentId: 'a1b2c3d4e5f6g7h8i9j0k1l2', slug: 'strapi-news', locale: 'en' },
      }),
    headers: { 'x-strapi-event': 'entry.publish' },
    signatureHeader: 'authorization',
    signsBody: false,
    sign: bearer(),
    expected: {
      action: 'publish',
      contentType: 'article',
      documentId: 'a1b2c3d4e5f6g7h8i9j0k1l2',
      locales: ['en'],
      path: '/articles/strapi-news',
    },
  },
  {
    provider: 'datocms',
    sourceId: 'datocms',
    source: secrets('DATO_CREDENTIALS'),
    purge: ['/blog/{fields.slug}'],
    secret: secret('DATO_CREDENTIALS'),
    oldSecret: secret('DATO_CREDENTIALS_OLD'),
    body: () => datoItem,
    headers: {},
    signatureHeader: 'authorization',
    signsBody: false,
    sign: async (_body, key) => ({ authorization: basic(key) }),
    expected: {
      action: 'update',
      contentType: 'blog_post',
      documentId: 'hWl-mnkWRYmMCSTq4z_piQ',
      locales: ['en', 'it'],
      path: '/blog/summer-in-rome',
    },
  },
  {
    provider: 'prismic',
    sourceId: 'prismic',
    source: secrets('PRISMIC_SECRET'),
    purge: ['/docs/{documentId}'],
    secret: secret('PRISMIC_SECRET'),
    oldSecret: secret('PRISMIC_SECRET_OLD'),
    // The master ref changes with every publish, so it identifies a delivery.
    body: (id) => prismicUpdate.replace('Z2V4aBIAACMAb3Jj', id),
    headers: {},
    deliveryInBody: true,
    // An api-update lists every document published or unpublished (api-update-batch.json).
    batch: {
      body: (count, id) =>
        prismicBatch
          .replace('Z2V4aBIAACMAb3Jj', id)
          .replace(
            /"documents":\[[^\]]*\]/,
            `"documents":${JSON.stringify(Array.from({ length: count }, (_, i) => `doc-${i}`))}`,
          ),
      path: (i) => `/docs/doc-${i}`,
    },
    signatureHeader: 'secret',
    signsBody: false,
    embed: (body, key) => body.replace('"secret":null', `"secret":${JSON.stringify(key)}`),
    sign: async () => ({}),
    expected: { action: 'publish', documentId: 'Z2V3kRIAACIAa8_j', path: '/docs/Z2V3kRIAACIAa8_j' },
  },
  {
    provider: 'builder-io',
    sourceId: 'builder',
    source: { ...secrets('BUILDER_TOKEN'), options: { header: 'x-builder-secret', scheme: '' } },
    purge: ['/pages{+fields.url}'],
    secret: secret('BUILDER_TOKEN'),
    oldSecret: secret('BUILDER_TOKEN_OLD'),
    body: () => builderPage,
    headers: {},
    signatureHeader: 'x-builder-secret',
    signsBody: false,
    sign: raw('x-builder-secret'),
    expected: {
      action: 'publish',
      contentType: 'page',
      documentId: '8a3d1c0f2b7e4c5a9d6e1f2a3b4c5d6e',
      path: '/pages/ueber-uns',
    },
  },
  {
    provider: 'directus',
    sourceId: 'directus',
    source: { ...secrets('DIRECTUS_TOKEN'), options: { header: 'x-relay-token', scheme: '' } },
    purge: ['/articles/{fields.slug}', '/articles/by-id/{documentId}'],
    secret: secret('DIRECTUS_TOKEN'),
    oldSecret: secret('DIRECTUS_TOKEN_OLD'),
    body: () => directusUpdate,
    headers: {},
    // A batch edit updates many keys with one payload (items-update-many.json).
    batch: {
      body: (count) =>
        JSON.stringify({ ...JSON.parse(directusMany), keys: Array.from({ length: count }, (_, i) => String(100 + i)) }),
      path: (i) => `/articles/by-id/${100 + i}`,
    },
    signatureHeader: 'x-relay-token',
    signsBody: false,
    sign: raw('x-relay-token'),
    expected: { action: 'publish', contentType: 'articles', documentId: '42', path: '/articles/unicode-in-directus' },
  },
  {
    provider: 'payload',
    sourceId: 'payload',
    source: secrets('PAYLOAD_TOKEN'),
    purge: ['/posts/{fields.slug}', '/posts/{previous.slug}'],
    secret: secret('PAYLOAD_TOKEN'),
    oldSecret: secret('PAYLOAD_TOKEN_OLD'),
    body: () => payloadPost,
    headers: {},
    signatureHeader: 'authorization',
    signsBody: false,
    sign: bearer(),
    expected: {
      action: 'publish',
      contentType: 'posts',
      documentId: '6741b3c2f1a2b30001a4e5d1',
      locales: ['en'],
      path: '/posts/payload-umlauts-draft',
    },
  },
  {
    // WP Webhooks 3.x signs the body (the default); see src/providers/wordpress.ts.
    provider: 'wordpress',
    sourceId: 'wordpress',
    source: secrets('WORDPRESS_TOKEN'),
    purge: ['/{fields.post_name}/'],
    secret: secret('WORDPRESS_TOKEN'),
    oldSecret: secret('WORDPRESS_TOKEN_OLD'),
    body: () => wordpressPost,
    headers: { 'x-wp-webhook-name': 'post_update', 'x-wp-webhook-source': 'https://example.com/' },
    signatureHeader: 'x-wp-webhook-signature',
    sign: (body, key) => sign('wordpress', { secret: key, body }),
    expected: { action: 'update', contentType: 'post', documentId: '1234', path: '/hallo-welt/' },
  },
  {
    // WP Webhooks 5.x signs no body: a token from the plugin's Authentication template instead.
    provider: 'wordpress',
    sourceId: 'wordpress-token',
    source: { ...secrets('WORDPRESS_TOKEN'), options: { signing: 'token' } },
    purge: ['/{fields.post_name}/'],
    secret: secret('WORDPRESS_TOKEN'),
    oldSecret: secret('WORDPRESS_TOKEN_OLD'),
    body: () => wordpressPost,
    headers: { 'x-wp-webhook-name': 'post_update', 'x-wp-webhook-source': 'https://example.com/' },
    signatureHeader: 'authorization',
    signsBody: false,
    sign: bearer(),
    expected: { action: 'update', contentType: 'post', documentId: '1234', path: '/hallo-welt/' },
  },
];
