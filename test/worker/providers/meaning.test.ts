// What a delivery means, from payloads copied from each platform's docs or SDK (test/fixtures/*/SOURCES.md):
// where the id is, which changes are none at all, which options change the reading.
import { beforeAll, describe, expect, it } from 'vitest';
import builderScheduled from '../../fixtures/builder-io/scheduled-start.json?raw';
import ctCloudEvent from '../../fixtures/commercetools/cloudevents-product-published.json?raw';
import ctVariantDeleted from '../../fixtures/commercetools/product-variant-deleted.json?raw';
import contentstackPublish from '../../fixtures/contentstack/entry-publish.json?raw';
import contentstackUpdate from '../../fixtures/contentstack/entry-update.json?raw';
import ghostSite from '../../fixtures/ghost/site-changed.json?raw';
import kontentBatch from '../../fixtures/kontent-ai/batch.json?raw';
import payloadDraft from '../../fixtures/payload/draft-save.json?raw';
import sanityMatch from '../../fixtures/sanity/match-with-before-after-fields.json?raw';
import listingRemove from '../../fixtures/shopify/product-listings-remove.json?raw';
import productsDelete from '../../fixtures/shopify/products-delete.json?raw';
import productDraft from '../../fixtures/shopify/products-update-draft.json?raw';
import storyblokLegacy from '../../fixtures/storyblok/story-published-legacy.json?raw';
import { admin, postWebhook, putConfig } from '../support/helpers';
import { pubsubBody } from '../support/cases/keyed';
import { caseFor, casesConfig, delivery } from '../support/provider-cases';
import { previewEvent } from './helpers';

beforeAll(async () => {
  await putConfig(casesConfig());
});

/** Every event POST /admin/preview reads from a body (no signature needed). */
async function previewEvents(source: string, body: string, headers = caseFor(source).headers) {
  const response = await admin('/preview', { method: 'POST', body: JSON.stringify({ source, headers, body }) });
  expect(response.status).toBe(200);
  return (await response.json<{ events: { event: Record<string, unknown> }[] }>()).events.map((e) => e.event);
}

/** Posts a body signed as the source's case signs it, with some headers changed. */
async function post(source: string, body: string, headers: Record<string, string> = {}) {
  const signed = await delivery(caseFor(source), { body });
  return postWebhook(source, signed.body, { ...signed.headers, ...headers });
}

describe('shopify', () => {
  const topic = (t: string) => ({ 'x-shopify-topic': t });

  it('reads a product saved as draft or archived, or with published_at null, as an unpublish', async () => {
    expect(await previewEvent('shopify', productDraft, topic('products/update'))).toMatchObject({
      action: 'unpublish',
      documentId: '9554194432293',
    });
    const archived = productDraft.replace('"status":"draft"', '"status":"archived"');
    expect((await previewEvent('shopify', archived, topic('products/update'))).action).toBe('unpublish');
    const unlisted = productDraft.replace('"status":"draft"', '"status":"active","published_at":null');
    expect((await previewEvent('shopify', unlisted, topic('products/update'))).action).toBe('unpublish');
    const active = productDraft.replace('"status":"draft"', '"status":"active"');
    expect((await previewEvent('shopify', active, topic('products/update'))).action).toBe('update');
  });

  it('takes a listing’s id from product_listing.product_id', async () => {
    expect(await previewEvent('shopify', listingRemove, topic('product_listings/remove'))).toMatchObject({
      action: 'unpublish',
      contentType: 'product_listings',
      documentId: '788032119674292922',
    });
  });

  it('reads a deletion payload, and says the action came from the unsigned topic', async () => {
    expect(await previewEvent('shopify', productsDelete, topic('products/delete'))).toMatchObject({
      action: 'delete',
      documentId: '788032119674292922',
      unsigned: ['topic', 'contentType', 'action'],
    });
  });

  it('reads Events deliveries (shopify-* headers) like webhooks (x-shopify-*)', async () => {
    const body = productDraft.replace('"status":"draft"', '"status":"active"');
    const signed = await delivery(caseFor('shopify'), { body });
    const hmac = signed.headers['x-shopify-hmac-sha256']!;
    const headers = { 'shopify-hmac-sha256': hmac, 'shopify-topic': 'products/update', 'shopify-webhook-id': 'evt-delivery-1' };
    const response = await postWebhook('shopify', body, headers);
    expect(response.status).toBe(202);
  });
});

describe('commercetools', () => {
  it('reads a CloudEvents-format message: the subject is the id, the type names the message', async () => {
    const event = await previewEvent('ct-pubsub', pubsubBody(ctCloudEvent));
    expect(event).toMatchObject({
      action: 'publish',
      topic: 'ProductPublished',
      contentType: 'product',
      documentId: 'b32d1013-cd25-4cb4-95ab-99c494531d73',
      deliveryId: '81ee6da8-5bc2-471b-9159-89bac735a45d',
    });
  });

  it('reads ProductVariantDeleted as an update of the product, not its deletion', async () => {
    const event = await previewEvent('ct-pubsub', pubsubBody(ctVariantDeleted));
    expect(event).toMatchObject({ action: 'update', documentId: 'e7ba4c75-b1bb-483d-94d8-2c4a10f78472' });
  });
});

describe('contentstack', () => {
  it('reads the docs’ entry update', async () => {
    expect(await previewEvent('contentstack', contentstackUpdate)).toMatchObject({
      action: 'update',
      contentType: 'webhookcreated',
      documentId: 'bltfe99999fa999b9a9',
      locales: ['en-us'],
    });
  });

  it.each(['publish.start', 'publish.fail', 'unpublish.start', 'unpublish.fail'])(
    'queues nothing for %s: nothing changed on the site yet',
    async (event) => {
      const body = contentstackPublish.replace('"event":"publish"', `"event":"${event}"`);
      const response = await post('contentstack', body);
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ events: 0, paths: 0 });
    },
  );

  it('acts on publish.success and on a plain publish whose data.status is success, not on a failed one', async () => {
    const success = contentstackPublish.replace('"event":"publish"', '"event":"publish.success"');
    expect(await (await post('contentstack', success)).json()).toMatchObject({ events: 1 });
    const failed = contentstackPublish.replace('"status":"success"', '"status":"failed"');
    expect(await (await post('contentstack', failed)).json()).toMatchObject({ events: 0, paths: 0 });
  });
});

describe('ghost', () => {
  it('reads site.changed ({}) as a site-wide update, not a post deletion', async () => {
    expect(await previewEvent('ghost', ghostSite)).toMatchObject({
      action: 'update',
      topic: 'site.changed',
      contentType: 'site',
    });
    expect((await previewEvent('ghost', ghostSite)).documentId).toBeUndefined();
  });
});

describe('builder-io', () => {
  it('reads scheduledStart as a publish and scheduledEnd as an unpublish', async () => {
    expect(await previewEvent('builder', builderScheduled)).toMatchObject({ action: 'publish', documentId: 'cs3df' });
    const ended = builderScheduled.replace('"scheduledStart"', '"scheduledEnd"');
    expect((await previewEvent('builder', ended)).action).toBe('unpublish');
  });
});

describe('payload', () => {
  it('queues nothing for a draft save of a published document (the hook sends draft: true)', async () => {
    expect(await previewEvents('payload', payloadDraft)).toEqual([]);
    // Without the hook's `draft`, the same statuses read as an unpublish.
    expect((await previewEvent('payload', payloadDraft.replace('"draft":true,', ''))).action).toBe('unpublish');
  });
});

describe('sanity', () => {
  it('reads a document with its own before and after fields as the document (projection "document")', async () => {
    expect(await previewEvent('sanity', sanityMatch)).toMatchObject({
      documentId: 'match-42',
      contentType: 'match',
      fields: { before: '2026-11-23T18:00:00Z', after: '2026-11-23T20:00:00Z' },
    });
    expect((await previewEvent('sanity', sanityMatch)).previous).toBeUndefined();
  });
});

describe('kontent-ai', () => {
  it('reads a preview-slot notification as an update: drafts do not change the live site', async () => {
    const events = await previewEvents('kontent', kontentBatch);
    expect(events.map((e) => [e.topic, e.action])).toEqual([
      ['content_item.published', 'publish'],
      ['content_item.created', 'update'],
      ['asset.created', 'create'],
    ]);
  });
});

describe('storyblok', () => {
  it('reads a legacy payload without full_slug: the story id, and a template needing full_slug is skipped', async () => {
    const response = await admin('/preview', {
      method: 'POST',
      body: JSON.stringify({ source: 'storyblok', body: storyblokLegacy }),
    });
    const preview = await response.json<{ event: Record<string, unknown>; matches: { skipped: { reason: string }[] }[] }>();
    expect(preview.event).toMatchObject({ action: 'publish', contentType: 'story', documentId: '123' });
    expect(preview.matches[0]?.skipped[0]?.reason).toBe('no value for fields.full_slug');
  });
});
