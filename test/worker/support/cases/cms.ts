// Contract cases for the content platforms (signed ones).
import ghostPost from '../../../fixtures/ghost/post-published.json?raw';
import hygraphPost from '../../../fixtures/hygraph/post-published.json?raw';
import kontentBatch from '../../../fixtures/kontent-ai/batch.json?raw';
import kontentItem from '../../../fixtures/kontent-ai/item-published.json?raw';
import storyblokStory from '../../../fixtures/storyblok/story-published.json?raw';
import { secret, sign } from '../helpers';
import { freshTime } from '../fresh';
import type { ProviderCase } from '../provider-cases';

const secrets = (name: string) => ({ secrets: [name, `${name}_OLD`] });

export const CMS_CASES: ProviderCase[] = [
  {
    provider: 'contentful',
    sourceId: 'contentful',
    source: secrets('CONTENTFUL_SECRET'),
    purge: ['/blog/{fields.slug}', '/blog'],
    secret: secret('CONTENTFUL_SECRET'),
    oldSecret: secret('CONTENTFUL_SECRET_OLD'),
    // The toolkit refuses secrets that are not 64 characters long.
    wrongSecret: 'w'.repeat(64),
    body: () =>
      JSON.stringify({
        sys: {
          id: '5KsDBWseXY6QegucYAoacS',
          type: 'Entry',
          contentType: { sys: { id: 'blogPost', type: 'Link', linkType: 'ContentType' } },
        },
        fields: { title: { 'en-US': 'Hello, Zürich' }, slug: { 'en-US': 'hello-zurich' } },
      }),
    headers: {
      'x-contentful-topic': 'ContentManagement.Entry.publish',
      'content-type': 'application/vnd.contentful.management.v1+json',
    },
    // Contentful does not sign its idempotency key unless told to; the relay reads it either way.
    deliveryHeader: 'x-contentful-idempotency-key',
    signatureHeader: 'x-contentful-signature',
    sign: (body, key, age = 0) =>
      sign('contentful', {
        secret: key,
        body,
        path: '/webhooks/contentful',
        timestamp: Date.now() - age,
        headers: {
          'x-contentful-topic': 'ContentManagement.Entry.publish',
          'content-type': 'application/vnd.contentful.management.v1+json',
        },
      }),
    toleranceMs: 86_400_000,
    expected: { action: 'publish', contentType: 'blogPost', documentId: '5KsDBWseXY6QegucYAoacS', path: '/blog/hello-zurich' },
  },
  {
    provider: 'sanity',
    sourceId: 'sanity',
    source: secrets('SANITY_SECRET'),
    purge: ['/posts/{fields.slug.current}'],
    secret: secret('SANITY_SECRET'),
    oldSecret: secret('SANITY_SECRET_OLD'),
    body: () => JSON.stringify({ _id: 'post-1', _type: 'post', title: 'Grüße', slug: { _type: 'slug', current: 'gruesse' } }),
    headers: { 'sanity-operation': 'update', 'sanity-document-id': 'post-1' },
    deliveryHeader: 'idempotency-key',
    signatureHeader: 'sanity-webhook-signature',
    sign: (body, key, age = 0) => sign('sanity', { secret: key, body, timestamp: Date.now() - age }),
    toleranceMs: 3_600_000,
    expected: { action: 'update', contentType: 'post', documentId: 'post-1', path: '/posts/gruesse' },
  },
  {
    provider: 'storyblok',
    sourceId: 'storyblok',
    source: secrets('STORYBLOK_SECRET'),
    purge: ['/{+fields.full_slug}'],
    secret: secret('STORYBLOK_SECRET'),
    oldSecret: secret('STORYBLOK_SECRET_OLD'),
    body: () => storyblokStory,
    headers: {},
    signatureHeader: 'webhook-signature',
    sign: (body, key) => sign('storyblok', { secret: key, body }),
    expected: { action: 'publish', contentType: 'story', documentId: '369689', path: '/de/ueber-uns' },
  },
  {
    provider: 'hygraph',
    sourceId: 'hygraph',
    source: secrets('HYGRAPH_SECRET'),
    purge: ['/posts/{fields.slug}'],
    secret: secret('HYGRAPH_SECRET'),
    oldSecret: secret('HYGRAPH_SECRET_OLD'),
    body: () => hygraphPost,
    headers: {},
    signatureHeader: 'gcms-signature',
    sign: (body, key, age = 0) => sign('hygraph', { secret: key, body, timestamp: Date.now() - age }),
    toleranceMs: 3_600_000,
    expected: {
      action: 'publish',
      contentType: 'Post',
      documentId: 'clx1y2z3a4b5c6d7e8f9g0h1',
      locales: ['de', 'zh'],
      path: '/posts/hallo-welt',
    },
  },
  {
    provider: 'ghost',
    sourceId: 'ghost',
    source: secrets('GHOST_SECRET'),
    purge: ['/{fields.slug}/'],
    secret: secret('GHOST_SECRET'),
    oldSecret: secret('GHOST_SECRET_OLD'),
    body: () => ghostPost,
    headers: {},
    signatureHeader: 'x-ghost-signature',
    sign: (body, key, age = 0) => sign('ghost', { secret: key, body, timestamp: Date.now() - age }),
    toleranceMs: 300_000,
    expected: { action: 'publish', contentType: 'post', documentId: '6741b3c2f1a2b30001a4e5d1', path: '/cafe-culture-zurich/' },
  },
  {
    provider: 'kontent-ai',
    sourceId: 'kontent',
    source: secrets('KONTENT_SECRET'),
    purge: ['/articles/{fields.codename}'],
    secret: secret('KONTENT_SECRET'),
    oldSecret: secret('KONTENT_SECRET_OLD'),
    // Kontent.ai sends the JSON pretty-printed with CRLF line breaks.
    body: () => kontentItem.replace('2026-11-23T07:55:57.0563735Z', freshTime()).replace(/\r?\n/g, '\r\n'),
    headers: {},
    // Notifications come in batches (batch.json, from the official helper's tests).
    batch: {
      body: (count) => {
        const [first] = JSON.parse(kontentBatch).notifications;
        const notifications = Array.from({ length: count }, (_, i) => ({
          ...first,
          data: { system: { ...first.data.system, id: `item-${i}`, codename: `item_${i}`, last_modified: freshTime() } },
        }));
        return JSON.stringify({ notifications }, null, 2).replace(/\n/g, '\r\n');
      },
      path: (i) => `/articles/item_${i}`,
    },
    signatureHeader: 'x-kontent-ai-signature',
    sign: (body, key) => sign('kontent-ai', { secret: key, body }),
    expected: {
      action: 'publish',
      contentType: 'article',
      documentId: 'aa7f127f-1920-4454-a89a-0609aba8ea6f',
      locales: ['fr'],
      path: '/articles/ca_change_tout',
    },
  },
];
