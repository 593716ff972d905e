/// <reference types="vite/client" />
// Every provider's action table, entry by entry: the platform's own name for a change → the relay's action.
// A table lives beside its provider (one declaration); this test iterates it, so a new entry is tested too.
import { describe, expect, it } from 'vitest';
import { BIGCOMMERCE_ACTIONS, bigcommerce } from '../../../src/providers/bigcommerce';
import { BUILDER_ACTIONS, builderIo } from '../../../src/providers/builder-io';
import { COMMERCETOOLS_ACTIONS, commercetools } from '../../../src/providers/commercetools';
import { CONTENTFUL_ACTIONS, contentful } from '../../../src/providers/contentful';
import { CONTENTSTACK_ACTIONS, contentstack } from '../../../src/providers/contentstack';
import { DATOCMS_ACTIONS, datocms } from '../../../src/providers/datocms';
import { DIRECTUS_ACTIONS, DIRECTUS_STATUS_ACTIONS, directus } from '../../../src/providers/directus';
import { GHOST_ACTIONS, ghost } from '../../../src/providers/ghost';
import { HYGRAPH_ACTIONS, hygraph } from '../../../src/providers/hygraph';
import { KONTENT_ACTIONS, KONTENT_LEGACY_ACTIONS, kontentAi } from '../../../src/providers/kontent-ai';
import { PAYLOAD_ACTIONS, payloadCms } from '../../../src/providers/payload-cms';
import { PRISMIC_ACTIONS, prismic } from '../../../src/providers/prismic';
import { SALEOR_ACTIONS, saleor } from '../../../src/providers/saleor';
import { SANITY_ACTIONS, sanity } from '../../../src/providers/sanity';
import { SHOPIFY_ACTIONS, shopify } from '../../../src/providers/shopify';
import { SHOPWARE_EVENT_ACTIONS, SHOPWARE_ROW_ACTIONS, shopware } from '../../../src/providers/shopware';
import { STANDARD_WEBHOOKS_ACTIONS, standardWebhooks } from '../../../src/providers/standard-webhooks';
import { STORYBLOK_ACTIONS, storyblok } from '../../../src/providers/storyblok';
import { STRAPI_ACTIONS, strapi } from '../../../src/providers/strapi';
import { STRIPE_ACTIONS, stripe } from '../../../src/providers/stripe';
import { CONTENT_ACTIONS, type ContentAction, type NormalizedEvent, type WebhookRequest } from '../../../src/providers/types';
import { WOOCOMMERCE_ACTIONS, woocommerce } from '../../../src/providers/woocommerce';
import { WORDPRESS_ACTIONS, wordpress } from '../../../src/providers/wordpress';
import { base64 } from '../support/cases/keyed';

const request = (headers: Record<string, string> = {}): WebhookRequest => ({
  method: 'POST',
  url: new URL('https://relay.example/webhooks/x'),
  headers: new Headers(headers),
  body: new Uint8Array(),
});
const noOptions = {} as Record<string, never>;
const tokenOptions = {};
const REMOVED = new Set(['unpublish', 'delete']);

interface Table {
  name: string;
  table: Readonly<Record<string, ContentAction | null>>;
  /** The provider's events for a delivery the platform names `key`. */
  events(key: string): NormalizedEvent[];
}

const TABLES: Table[] = [
  {
    name: 'contentful CONTENTFUL_ACTIONS (topic verb)',
    table: CONTENTFUL_ACTIONS,
    events: (verb) =>
      contentful.normalize(
        request({ 'x-contentful-topic': `ContentManagement.Entry.${verb}`, 'x-contentful-signed-headers': 'x-contentful-topic' }),
        { sys: { id: 'e1', type: REMOVED.has(verb) ? 'DeletedEntry' : 'Entry' } },
        noOptions,
      ),
  },
  {
    name: 'sanity SANITY_ACTIONS (sanity-operation)',
    table: SANITY_ACTIONS,
    events: (op) =>
      sanity.normalize(request({ 'sanity-operation': op }), { _id: 'p', _type: 'post' }, { projection: 'document' }),
  },
  {
    name: 'storyblok STORYBLOK_ACTIONS (action)',
    table: STORYBLOK_ACTIONS,
    events: (action) => storyblok.normalize(request(), { action, story_id: 1 }, noOptions),
  },
  {
    name: 'hygraph HYGRAPH_ACTIONS (operation)',
    table: HYGRAPH_ACTIONS,
    events: (operation) => hygraph.normalize(request(), { operation, data: { id: 'h1', __typename: 'Post' } }, noOptions),
  },
  {
    name: 'ghost GHOST_ACTIONS (event in the body)',
    table: GHOST_ACTIONS,
    events: (event) => ghost.normalize(request(), { event, post: { current: { id: 'g1' }, previous: {} } }, noOptions),
  },
  {
    name: 'kontent-ai KONTENT_ACTIONS (object_type.action, published slot)',
    table: KONTENT_ACTIONS,
    events: (key) => {
      const [object_type, action] = key.split('.');
      const message = { object_type, action, delivery_slot: 'published' };
      return kontentAi.normalize(request(), { notifications: [{ data: { system: { id: 'k1' } }, message }] }, noOptions);
    },
  },
  {
    name: 'kontent-ai KONTENT_LEGACY_ACTIONS (message.operation)',
    table: KONTENT_LEGACY_ACTIONS,
    events: (operation) =>
      kontentAi.normalize(
        request(),
        { data: { items: [{ id: 'k1' }] }, message: { operation, api_name: 'delivery_production' } },
        noOptions,
      ),
  },
  {
    name: 'contentstack CONTENTSTACK_ACTIONS (event)',
    table: CONTENTSTACK_ACTIONS,
    events: (event) =>
      contentstack.normalize(
        request(),
        { module: 'entry', event, data: { entry: { uid: 'c1' } } },
        {
          signing: 'certificate',
          publicKeysUrl: 'https://keys.example/public-keys.json',
        },
      ),
  },
  {
    name: 'prismic PRISMIC_ACTIONS (type)',
    table: PRISMIC_ACTIONS,
    events: (type) => prismic.normalize(request(), { type, documents: ['d1'] }, noOptions),
  },
  {
    name: 'datocms DATOCMS_ACTIONS (entity_type.event_type)',
    table: DATOCMS_ACTIONS,
    events: (key) => {
      const [entity_type, event_type] = key.split('.');
      return datocms.normalize(request(), { entity_type, event_type, entity: { id: 'd1', type: entity_type } }, tokenOptions);
    },
  },
  {
    name: 'strapi STRAPI_ACTIONS (event)',
    table: STRAPI_ACTIONS,
    events: (event) => strapi.normalize(request(), { event, model: 'article', entry: { id: 1 } }, tokenOptions),
  },
  {
    name: 'builder-io BUILDER_ACTIONS (operation)',
    table: BUILDER_ACTIONS,
    events: (operation) => builderIo.normalize(request(), { operation, modelName: 'page', newValue: { id: 'b1' } }, tokenOptions),
  },
  {
    name: 'directus DIRECTUS_ACTIONS (event verb)',
    table: DIRECTUS_ACTIONS,
    events: (verb) =>
      directus.normalize(
        request(),
        { event: `articles.items.${verb}`, collection: 'articles', keys: ['1'], payload: {} },
        tokenOptions,
      ),
  },
  {
    name: 'directus DIRECTUS_STATUS_ACTIONS (an update moving `status`)',
    table: DIRECTUS_STATUS_ACTIONS,
    events: (status) =>
      directus.normalize(request(), { event: 'articles.items.update', keys: ['1'], payload: { status } }, tokenOptions),
  },
  {
    name: 'payload PAYLOAD_ACTIONS (operation)',
    table: PAYLOAD_ACTIONS,
    events: (operation) => payloadCms.normalize(request(), { collection: 'posts', operation, doc: { id: 1 } }, { auth: 'token' }),
  },
  {
    name: 'wordpress WORDPRESS_ACTIONS (X-WP-Webhook-Name)',
    table: WORDPRESS_ACTIONS,
    events: (trigger) =>
      wordpress.normalize(request({ 'x-wp-webhook-name': trigger }), { post_id: 1, post: {} }, { signing: 'body' }),
  },
  {
    name: 'shopify SHOPIFY_ACTIONS (topic verb)',
    table: SHOPIFY_ACTIONS,
    events: (verb) => {
      const listing = verb === 'add' || verb === 'remove';
      const topic = `${listing ? 'product_listings' : 'products'}/${verb}`;
      const body = listing ? { product_listing: { product_id: 1 } } : verb === 'delete' ? { id: 1 } : { id: 1, title: 'T' };
      return shopify.normalize(request({ 'x-shopify-topic': topic }), body, noOptions);
    },
  },
  {
    name: 'bigcommerce BIGCOMMERCE_ACTIONS (scope verb)',
    table: BIGCOMMERCE_ACTIONS,
    events: (verb) =>
      bigcommerce.normalize(request(), { scope: `store/product/${verb}`, data: { type: 'product', id: 1 } }, noOptions),
  },
  {
    name: 'saleor SALEOR_ACTIONS (saleor-event verb)',
    table: SALEOR_ACTIONS,
    events: (verb) => saleor.normalize(request({ 'saleor-event': `product_${verb}` }), { product: { id: 'UHJvZHVjdDox' } }, {}),
  },
  {
    name: 'shopware SHOPWARE_ROW_ACTIONS (row operation)',
    table: SHOPWARE_ROW_ACTIONS,
    events: (operation) =>
      shopware.normalize(
        request(),
        { data: { event: 'product.written', payload: [{ entity: 'product', operation, primaryKey: 'a' }] } },
        noOptions,
      ),
  },
  {
    name: 'shopware SHOPWARE_EVENT_ACTIONS (event, rows without operation)',
    table: SHOPWARE_EVENT_ACTIONS,
    events: (suffix) =>
      shopware.normalize(
        request(),
        { data: { event: `product.${suffix}`, payload: [{ entity: 'product', primaryKey: 'a' }] } },
        noOptions,
      ),
  },
  {
    name: 'woocommerce WOOCOMMERCE_ACTIONS (topic event)',
    table: WOOCOMMERCE_ACTIONS,
    events: (event) =>
      woocommerce.normalize(
        request({ 'x-wc-webhook-topic': `product.${event}` }),
        event === 'deleted' ? { id: 1 } : { id: 1, status: 'publish' },
        noOptions,
      ),
  },
  {
    name: 'standard-webhooks STANDARD_WEBHOOKS_ACTIONS (type verb)',
    table: STANDARD_WEBHOOKS_ACTIONS,
    events: (verb) => standardWebhooks.normalize(request(), { type: `post.${verb}`, data: { id: 'p' } }, {}),
  },
  {
    name: 'stripe STRIPE_ACTIONS (type verb)',
    table: STRIPE_ACTIONS,
    events: (verb) =>
      stripe.normalize(request(), { id: 'evt_1', type: `product.${verb}`, data: { object: { id: 'prod_1' } } }, {}),
  },
  {
    name: 'commercetools COMMERCETOOLS_ACTIONS (message type)',
    table: COMMERCETOOLS_ACTIONS,
    events: (type) => {
      const message = { id: 'm1', type, resource: { typeId: 'product', id: 'p1' } };
      const options = {
        push: 'pubsub' as const,
        audience: 'a',
        serviceAccount: 'sa@x.iam',
        jwksUrl: 'https://keys.example/jwks',
      };
      return commercetools.normalize(request(), { message: { data: base64(JSON.stringify(message)) } }, options);
    },
  },
];

describe.each(TABLES)('$name', ({ table, events }) => {
  it.each(Object.entries(table))('%s → %s', (key, action) => {
    const produced = events(key);
    // null: the platform says nothing changed yet (Contentstack's publish.start): no event at all.
    if (action === null) expect(produced).toEqual([]);
    else expect(produced.map((e) => e.action)).toEqual([action]);
  });
});

it('covers every action table a provider exports (a new `<NAME>_ACTIONS` needs an entry here)', () => {
  // Vite's import.meta.glob (vitest runs through Vite): every provider module, loaded.
  const modules = import.meta.glob<Record<string, unknown>>('../../../src/providers/*.ts', { eager: true });
  const exported = Object.entries(modules).flatMap(([file, exports]) =>
    Object.entries(exports)
      .filter(([name, table]) => name.endsWith('_ACTIONS') && !Array.isArray(table))
      .map(([name, table]) => ({ name: `${file.split('/').pop()} ${name}`, table })),
  );
  expect(exported.length).toBeGreaterThanOrEqual(25);
  const tested = new Set(TABLES.map((t) => t.table));
  expect(exported.filter((e) => !tested.has(e.table as Table['table'])).map((e) => e.name)).toEqual([]);
});

describe('names no table lists', () => {
  // A table is read as own properties only: `constructor` or `toString` must not reach Object.prototype.
  // Such a name is an update of its resource, or a 400 where the platform's grammar has no room for it
  // (an unsigned header such as sanity-operation is held to its grammar).
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'not_a_listed_verb'])('%s, in every table', (name) => {
    for (const { table, events } of TABLES) {
      if (Object.hasOwn(table, name)) continue;
      let produced: NormalizedEvent[];
      try {
        produced = events(name);
      } catch (error) {
        expect(error).toMatchObject({ status: 400 });
        continue;
      }
      for (const e of produced) expect(CONTENT_ACTIONS).toContain(e.action);
    }
  });
});
