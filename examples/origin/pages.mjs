// @ts-check
// The example origin's first pages: every path examples/config.json purges for each sample webhook
// (examples/samples/*.json, as POST /admin/preview plans them), so the edge has something to cache and evict.
/** @import { PageInput } from './server.d.mts' */

/** Before any sample is sent: a sample's own timestamp (or the time send-sample stamps) is later. */
const SEEDED_AT = '2026-11-20T09:00:00.000Z';

/** @type {Record<string, string>} path → title */
const TITLES = {
  '/': 'Example site',
  // contentful (rule blog-post): the post, the blog and its pages 2-3, the feed and the sitemap.
  '/blog/hello-from-the-relay': 'Hello from the relay',
  '/blog': 'Blog',
  '/blog/page/2': 'Blog, page 2',
  '/blog/page/3': 'Blog, page 3',
  '/feed.xml': 'Feed',
  '/de/feed.xml': 'Feed (de)',
  '/sitemap.xml': 'Sitemap',
  // sanity (rule sanity-post)
  '/posts/hello-sanity': 'Hello',
  '/posts': 'Posts',
  // shopify (rule product): the product, a variant its pattern covers, the catalogue and its pages 2-3.
  '/products/example-t-shirt': 'Example T-Shirt',
  '/products/example-t-shirt?variant=blue': 'Example T-Shirt (blue)',
  '/collections/all': 'All products',
  '/collections/all?page=2': 'All products, page 2',
  '/collections/all?page=3': 'All products, page 3',
  // strapi (rule strapi-article)
  '/articles/hello-strapi': 'Hello Strapi',
  '/articles': 'Articles',
  // standard-webhooks (rule news)
  '/news/hello-standard': 'Hello (standard webhooks)',
  '/news': 'News',
};

/** @type {Record<string, PageInput>} */
export const SEED_PAGES = Object.fromEntries(
  Object.entries(TITLES).map(([path, title]) => [path, { title, updatedAt: SEEDED_AT }]),
);
