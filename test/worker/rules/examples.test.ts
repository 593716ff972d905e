// Every config in examples/ is valid and turns real-shaped payloads into exactly the expected paths.
import { describe, expect, it } from 'vitest';
import BIGCOMMERCE_STORE from '../../../examples/bigcommerce-store.json';
import CONFIG from '../../../examples/config.json';
import CONTENTFUL_BLOG from '../../../examples/contentful-blog.json';
import SANITY_SITE from '../../../examples/sanity-site.json';
import SHOPIFY_STOREFRONT from '../../../examples/shopify-storefront.json';
import STRAPI_SITE from '../../../examples/strapi-site.json';
import { parseConfig } from '../../../src/rules/schema';
import { CONTENTFUL, SANITY, SHOPIFY, STRAPI, bigcommerce } from './example-payloads';
import { admin, postWebhook, putConfig, secret, sign } from '../support/helpers';

/** The secret names each provider has in the tests, in place of the example's own. */
const TEST_SECRETS: Record<string, string> = {
  contentful: 'CONTENTFUL_SECRET',
  shopify: 'SHOPIFY_SECRET',
  sanity: 'SANITY_SECRET',
  strapi: 'STRAPI_TOKEN',
  'standard-webhooks': 'STANDARD_SECRET',
  bigcommerce: 'BIGCOMMERCE_SECRET',
};

async function useExample(example: { sources: Record<string, { provider: string }> }) {
  const sources = Object.fromEntries(
    Object.entries(example.sources).map(([id, s]) => [id, { ...s, secrets: [TEST_SECRETS[s.provider]] }]),
  );
  await putConfig({ ...example, sources });
}

interface Preview {
  work: { items: { kind: string; path: string; priority: number }[] }[];
  remembered: { next: unknown } | null;
}

async function preview(source: string, body: unknown, headers: Record<string, string> = {}): Promise<Preview> {
  const response = await admin('/preview', { method: 'POST', body: JSON.stringify({ source, headers, body }) });
  if (response.status !== 200) throw new Error(`preview failed: ${await response.text()}`);
  return response.json();
}

/** The queue items as `kind path` (`url /blog`, `prefetch /blog/x`, `pattern /p*`), sorted. */
const items = (p: Preview) => p.work.flatMap((w) => w.items.map((i) => `${i.kind} ${i.path}`)).sort();
const sorted = (list: string[]) => [...list].sort();

it('every example config is valid', () => {
  for (const example of [CONFIG, CONTENTFUL_BLOG, STRAPI_SITE, SANITY_SITE, SHOPIFY_STOREFRONT, BIGCOMMERCE_STORE]) {
    expect(parseConfig(example)).toMatchObject({ ok: true });
  }
});

describe('Contentful blog with locales, categories, tags, pagination and feeds', () => {
  const topic = (verb: string) => ({ 'x-contentful-topic': `ContentManagement.Entry.${verb}` });
  const listings = (prefix: string) => [
    `${prefix}/blog`,
    `${prefix}/blog/page/2`,
    `${prefix}/blog/page/3`,
    `${prefix}/`,
    `${prefix}/feed.xml`,
  ];
  const documentPaths = (prefix: string, slug: string) => [
    `${prefix}/blog/${slug}`,
    `${prefix}/blog/category/news`,
    `${prefix}/blog/tag/cdn`,
    `${prefix}/blog/tag/edge`,
  ];

  it('purges the post in each locale, its listings and feeds, and prefetches the post', async () => {
    await useExample(CONTENTFUL_BLOG);
    const result = await preview('contentful', CONTENTFUL.publish, topic('publish'));
    expect(items(result)).toEqual(
      sorted([
        ...[
          ...documentPaths('', 'hello-world'),
          ...documentPaths('/de', 'hallo-welt'),
          ...listings(''),
          ...listings('/de'),
          '/sitemap.xml',
        ].map((p) => `url ${p}`),
        'prefetch /blog/hello-world',
        'prefetch /de/blog/hallo-welt',
      ]),
    );
    const priority = (path: string) => result.work[0]!.items.find((i) => i.kind === 'url' && i.path === path)?.priority;
    expect([priority('/blog/hello-world'), priority('/blog/page/2'), priority('/sitemap.xml')]).toEqual([0, 1, 2]);
  });

  it('purges the remembered URLs when a tombstone (no fields) unpublishes the post', async () => {
    await useExample(CONTENTFUL_BLOG);
    const body = JSON.stringify(CONTENTFUL.publish);
    const headers = { ...topic('publish'), 'content-type': 'application/vnd.contentful.management.v1+json' };
    const signed = await sign('contentful', {
      secret: secret('CONTENTFUL_SECRET'),
      body,
      path: '/webhooks/contentful',
      timestamp: Date.now(),
      headers,
    });
    expect((await postWebhook('contentful', body, { ...headers, ...signed })).status).toBe(202);
    const result = await preview('contentful', CONTENTFUL.unpublish, topic('unpublish'));
    expect(items(result)).toEqual(
      sorted(
        [
          ...documentPaths('', 'hello-world'),
          ...documentPaths('/de', 'hallo-welt'),
          ...listings(''),
          ...listings('/de'),
          '/sitemap.xml',
        ].map((p) => `url ${p}`),
      ),
    );
    expect(result.remembered?.next).toBe('forget');
  });
});

describe('Strapi site', () => {
  it('purges a French article under its locale prefix', async () => {
    await useExample(STRAPI_SITE);
    const result = await preview('strapi', STRAPI.publish, { 'x-strapi-event': 'entry.publish' });
    expect(items(result)).toEqual(
      sorted([
        'url /fr/articles/bonjour',
        'prefetch /fr/articles/bonjour',
        'url /fr/articles',
        'url /fr/articles/section/guides',
        'url /sitemap.xml',
      ]),
    );
  });

  it('purges an upload and, with a pattern, its resized variants', async () => {
    await useExample(STRAPI_SITE);
    const result = await preview('strapi', STRAPI.media, { 'x-strapi-event': 'media.update' });
    expect(items(result)).toEqual(['pattern /uploads/hero_4f2a.jpg*', 'url /uploads/hero_4f2a.jpg']);
  });
});

describe('Sanity site with before/after projections', () => {
  it('purges the old and the new slug and every category before and after', async () => {
    await useExample(SANITY_SITE);
    const result = await preview('sanity', SANITY.update, { 'sanity-operation': 'update' });
    expect(items(result)).toEqual(
      sorted(
        [
          '/de/posts/neuer-titel',
          '/de/posts/alter-titel',
          '/de/posts',
          '/de/category/design',
          '/de/category/news',
          '/de/rss.xml',
        ].map((p) => `url ${p}`),
      ),
    );
  });

  it('purges the deleted document from its before() values', async () => {
    await useExample(SANITY_SITE);
    const result = await preview('sanity', SANITY.delete, { 'sanity-operation': 'delete' });
    expect(items(result)).toEqual(
      sorted(['/de/posts/alter-titel', '/de/posts', '/de/category/design', '/de/rss.xml'].map((p) => `url ${p}`)),
    );
  });
});

describe('Shopify storefront', () => {
  const catalogue = [
    '/collections/all',
    '/collections/all?page=2',
    '/collections/all?page=3',
    '/collections/all?page=4',
    '/sitemap_products_1.xml',
  ];

  it('purges a product, its variants by pattern, the catalogue pages and its vendor listing', async () => {
    await useExample(SHOPIFY_STOREFRONT);
    const result = await preview('shopify', SHOPIFY.product, { 'x-shopify-topic': 'products/update' });
    expect(items(result)).toEqual(
      sorted([
        'url /products/ipod-nano',
        'prefetch /products/ipod-nano',
        'pattern /products/ipod-nano*',
        'url /collections/vendors?q=Acme%20%26%20Co',
        ...catalogue.map((p) => `url ${p}`),
      ]),
    );
  });

  it('purges a collection and its pages', async () => {
    await useExample(SHOPIFY_STOREFRONT);
    const result = await preview('shopify', SHOPIFY.collection, { 'x-shopify-topic': 'collections/update' });
    const pages = [2, 3, 4, 5].map((n) => `url /collections/smart-ipods?page=${n}`);
    expect(items(result)).toEqual(
      sorted(['url /collections/smart-ipods', ...pages, 'pattern /collections/smart-ipods/*', 'url /collections']),
    );
  });

  it('purges the remembered handle when products/delete sends only the id', async () => {
    await useExample(SHOPIFY_STOREFRONT);
    const body = JSON.stringify(SHOPIFY.product);
    const headers = { 'x-shopify-topic': 'products/update', 'x-shopify-webhook-id': crypto.randomUUID() };
    expect(
      (await postWebhook('shopify', body, { ...headers, ...(await sign('shopify', { secret: secret('SHOPIFY_SECRET'), body })) }))
        .status,
    ).toBe(202);
    const result = await preview('shopify', SHOPIFY.productDelete, { 'x-shopify-topic': 'products/delete' });
    expect(items(result)).toEqual(
      sorted([
        'url /products/ipod-nano',
        'pattern /products/ipod-nano*',
        'url /collections/vendors?q=Acme%20%26%20Co',
        ...catalogue.map((p) => `url ${p}`),
      ]),
    );
  });
});

describe('BigCommerce store with id-only payloads', () => {
  const seed = {
    documents: [
      {
        id: '42',
        type: 'product',
        paths: [
          { distribution: 'store', path: '/blue-shirt/' },
          { distribution: 'store', path: '/blue-shirt/*', kind: 'pattern' },
        ],
      },
      { id: '7', type: 'category', paths: [{ distribution: 'store', path: '/shirts/', priority: 'listing' }] },
    ],
  };
  const product = [
    'url /products.php?productId=42',
    'url /shop-all/',
    'url /shop-all/?page=2',
    'url /shop-all/?page=3',
    'url /xmlsitemap.php',
    'url /blue-shirt/',
    'pattern /blue-shirt/*',
  ];

  it('purges the catalog URL seeded for a product, with its id-based and listing paths', async () => {
    await useExample(BIGCOMMERCE_STORE);
    expect((await admin('/memory/bigcommerce', { method: 'PUT', body: JSON.stringify(seed) })).status).toBe(200);
    const updated = await preview('bigcommerce', bigcommerce('product', 'updated', 42));
    expect(items(updated)).toEqual(sorted(product));
    expect(updated.remembered?.next).toBe('unchanged');
    const deleted = await preview('bigcommerce', bigcommerce('product', 'deleted', 42));
    expect(items(deleted)).toEqual(sorted(product));
    expect(deleted.remembered?.next).toBe('forget');
  });

  it('keeps a category apart from a product with the same id', async () => {
    await useExample(BIGCOMMERCE_STORE);
    await admin('/memory/bigcommerce', { method: 'PUT', body: JSON.stringify(seed) });
    const result = await preview('bigcommerce', bigcommerce('category', 'updated', 7));
    expect(items(result)).toEqual(['url /categories.php?category=7', 'url /shirts/', 'url /xmlsitemap.php']);
  });
});

describe('examples/config.json (what `npm start` loads)', () => {
  it('has the local distribution, every sample source, and the nightly schedule', async () => {
    const parsed = parseConfig(CONFIG);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.config.distributions.main?.id).toBe('dist-local');
    expect(Object.keys(parsed.config.sources).sort()).toEqual(['contentful', 'sanity', 'shopify', 'standard-webhooks', 'strapi']);
    expect(parsed.config.schedules.map((s) => s.cron)).toEqual(['0 3 * * *']);
    await useExample(CONFIG);
    const result = await preview('shopify', SHOPIFY.product, { 'x-shopify-topic': 'products/update' });
    expect(items(result)).toEqual(
      sorted([
        'url /products/ipod-nano',
        'prefetch /products/ipod-nano',
        'pattern /products/ipod-nano*',
        'url /collections/all',
        'url /collections/all?page=2',
        'url /collections/all?page=3',
      ]),
    );
  });
});
