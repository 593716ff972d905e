// Real-shaped payloads for the example configs (fields as each platform sends them; ids from their docs).

const contentfulSys = (type: string) => ({
  type,
  id: '5KsDBWseXY6QegucYAoacS',
  space: { sys: { type: 'Link', linkType: 'Space', id: 'yadj1kx9rmg0' } },
  environment: { sys: { id: 'master', type: 'Link', linkType: 'Environment' } },
  contentType: { sys: { type: 'Link', linkType: 'ContentType', id: 'blogPost' } },
  revision: 3,
  createdAt: '2026-11-20T09:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
});

export const CONTENTFUL = {
  publish: {
    metadata: { tags: [] },
    sys: contentfulSys('Entry'),
    // Localized fields carry every locale; `category` and `tags` are not localized (default locale only).
    fields: {
      title: { 'en-US': 'Hello, world', 'de-DE': 'Hallo, Welt' },
      slug: { 'en-US': 'hello-world', 'de-DE': 'hallo-welt' },
      category: { 'en-US': 'news' },
      tags: { 'en-US': ['cdn', 'edge'] },
    },
  },
  /** Unpublish sends a tombstone: no fields at all. */
  unpublish: { sys: { ...contentfulSys('DeletedEntry'), deletedAt: '2026-11-23T11:00:00.000Z' } },
};

export const STRAPI = {
  publish: {
    event: 'entry.publish',
    createdAt: '2026-11-23T10:00:00.000Z',
    model: 'article',
    uid: 'api::article.article',
    entry: {
      id: 12,
      documentId: 'hx1v8f2l0q3w5e7r9t1y3u5i',
      title: 'Bonjour',
      slug: 'bonjour',
      section: 'guides',
      locale: 'fr',
      publishedAt: '2026-11-23T10:00:00.000Z',
    },
  },
  media: {
    event: 'media.update',
    createdAt: '2026-11-23T10:00:00.000Z',
    media: {
      id: 3,
      name: 'hero.jpg',
      hash: 'hero_4f2a',
      ext: '.jpg',
      mime: 'image/jpeg',
      url: '/uploads/hero_4f2a.jpg',
      provider: 'local',
      formats: { thumbnail: { url: '/uploads/thumbnail_hero_4f2a.jpg' } },
    },
  },
};

const sanityPost = (slug: string, categories: string[]) => ({ _id: 'post-1', _type: 'post', language: 'de', slug, categories });

/** Bodies as the webhook projection `{"before": before(){...}, "after": after(){...}}` shapes them. */
export const SANITY = {
  update: { before: sanityPost('alter-titel', ['design']), after: sanityPost('neuer-titel', ['design', 'news']) },
  delete: { before: sanityPost('alter-titel', ['design']), after: null },
};

export const SHOPIFY = {
  product: {
    id: 632910392,
    title: 'IPod Nano - 8GB',
    vendor: 'Acme & Co',
    product_type: 'Cult Products',
    handle: 'ipod-nano',
    tags: 'Emotive, Flash Memory, MP3, Music',
    status: 'active',
    variants: [{ id: 808950810, product_id: 632910392, title: 'Pink', price: '199.00', sku: 'IPOD2008PINK' }],
  },
  collection: { id: 482865238, handle: 'smart-ipods', title: 'Smart iPods', sort_order: 'manual', published_scope: 'web' },
  /** products/delete carries the id only. */
  productDelete: { id: 632910392 },
};

/** BigCommerce's thin payload: the scope and the resource id only. */
export const bigcommerce = (resource: string, verb: string, id: number) => ({
  scope: `store/${resource}/${verb}`,
  store_id: '1025646',
  data: { type: resource, id },
  hash: '35fa5e4b8a6c7d1b',
  created_at: 1732356000,
  producer: 'stores/abc123',
});
