// Issue 14 F3/F4/I7: headers the signature does not cover are not trusted. A captured delivery replayed with
// a new delivery id is one delivery (queued once, checked in the scheduler's ledger); two different signed
// bodies are two, whatever id they share; an unsigned topic that contradicts the signed body is refused.
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import wooProduct from '../../fixtures/woocommerce/product-updated.json?raw';
import { schedulerFor } from '../../../src/purge/scheduler';
import { freshTime } from '../support/fresh';
import { admin, postWebhook, putConfig, secret, sign } from '../support/helpers';
import { caseFor, casesConfig, delivery, PROVIDER_CASES } from '../support/provider-cases';

const DIST = 'dist-replays';
const CONFIG = {
  ...casesConfig({
    sources: { 'shopify-late': { provider: 'shopify', secrets: ['SHOPIFY_SECRET'], toleranceSeconds: 600 } },
    rules: [
      { id: 'unsigned', distribution: 'main', match: { sources: ['shopify'] }, purge: ['/t/{+topic}', '/by-type/{type}/x'] },
    ],
  }),
  // A long coalescing window: anything queued stays queued while the test looks.
  distributions: { main: { id: DIST, coalesceMs: 600_000 } },
};

/** Ledger rows that record a path being queued: one more per enqueue, even of paths already pending. */
async function queuedRows(): Promise<number> {
  return runInDurableObject(schedulerFor(env, DIST), (_, state) => {
    const tables = state.storage.sql.exec(`SELECT name FROM sqlite_master WHERE name = 'ledger'`).toArray();
    if (tables.length === 0) return 0;
    return Number(state.storage.sql.exec(`SELECT count(*) AS n FROM ledger WHERE step = 'queued'`).one().n);
  });
}

async function post(source: string, body?: string, headers: Record<string, string> = {}) {
  const signed = await delivery(caseFor(source), body === undefined ? {} : { body });
  return postWebhook(source, signed.body, { ...signed.headers, ...headers });
}

beforeAll(async () => {
  await putConfig(CONFIG);
});

const unsignedIds = PROVIDER_CASES.filter((c) => c.deliveryHeader && !c.signsDeliveryId);

describe.each(unsignedIds)('a captured $sourceId delivery replayed with new ids', (c) => {
  it(`is queued once, whatever ${c.deliveryHeader} it carries`, async () => {
    const { body, headers } = await delivery(c);
    const first = await postWebhook(c.sourceId, body, headers);
    expect(first.status).toBe(202);
    const afterFirst = await queuedRows();
    for (let i = 0; i < 3; i++) {
      const replay = await postWebhook(c.sourceId, body, {
        ...headers,
        [c.deliveryHeader!]: `forged-${i}-${crypto.randomUUID()}`,
      });
      expect(replay.status).toBe(200);
      expect(await replay.json()).toMatchObject({ duplicate: true });
    }
    expect(await queuedRows()).toBe(afterFirst);
  });
});

describe('WooCommerce delivery ids (wp_hash(webhook id . strtotime("now")), issue 14 F4)', () => {
  it('queues two different products updated in the same second under one delivery id', async () => {
    const id = 'e9d4b5a0c1f2d3e4b5a6c7d8e9f0a1b2';
    const before = await queuedRows();
    const second = freshTime('s');
    for (const [slug, productId] of [
      ['first-product', 795],
      ['second-product', 796],
    ] as const) {
      const body = wooProduct
        .replace('"date_modified":"2026-11-23T10:00:00"', `"date_modified":"${second}"`)
        .replace('"id":794', `"id":${productId}`)
        .replaceAll('premium-quality-groesse-m', slug);
      const response = await post('woocommerce', body, { 'x-wc-webhook-delivery-id': id });
      expect(response.status).toBe(202);
    }
    expect(await queuedRows()).toBe(before + 2);
  });
});

describe('unsigned topics', () => {
  const shopifyBody = () => JSON.stringify({ id: 632910392, title: 'IPod Nano', handle: 'ipod-nano', updated_at: freshTime() });

  it.each([
    ['products/delete', /does not match the signed body/],
    ['product_listings/remove', /does not match the signed body/],
    ['products/../../admin', /is not a Shopify topic/],
  ])('refuses a Shopify update replayed as %s', async (topic, message) => {
    const response = await post('shopify', shopifyBody(), { 'x-shopify-topic': topic });
    expect(response.status).toBe(400);
    expect((await response.json<{ error: string }>()).error).toMatch(message);
  });

  it('refuses a WooCommerce update replayed as product.deleted', async () => {
    const response = await post('woocommerce', undefined, { 'x-wc-webhook-topic': 'product.deleted' });
    expect(response.status).toBe(400);
  });

  it('keeps {topic} and {type} from an unsigned header out of path templates', async () => {
    const response = await admin('/preview', {
      method: 'POST',
      body: JSON.stringify({ source: 'shopify', headers: caseFor('shopify').headers, body: shopifyBody() }),
    });
    const preview = await response.json<{ matches: { ruleId: string; paths: unknown[]; skipped: { reason: string }[] }[] }>();
    const rule = preview.matches.find((m) => m.ruleId === 'unsigned');
    expect(rule?.paths).toEqual([]);
    expect(rule?.skipped.map((s) => s.reason)).toEqual([
      'no value for topic (it comes from a header the platform does not sign)',
      'no value for type (it comes from a header the platform does not sign)',
    ]);
  });

  it('refuses a Contentful topic that is not signed and contradicts the body; takes a consistent one', async () => {
    const c = caseFor('contentful');
    const body = c.body('x');
    // Signed without the topic among x-contentful-signed-headers.
    const signed = await sign('contentful', {
      secret: c.secret,
      body,
      path: '/webhooks/contentful',
      headers: { 'content-type': 'application/vnd.contentful.management.v1+json' },
    });
    const type = { 'content-type': 'application/vnd.contentful.management.v1+json' };
    const send = (topic: string) => postWebhook('contentful', body, { ...type, ...signed, 'x-contentful-topic': topic });
    const flipped = await send('ContentManagement.Entry.unpublish');
    expect(flipped.status).toBe(400);
    expect((await flipped.json<{ error: string }>()).error).toMatch(/not signed and does not match the body/);
    expect((await send('ContentManagement.Entry.publish')).status).toBe(202);
  });

  it('refuses a sanity-operation that contradicts the operation the signed body projects', async () => {
    const body = JSON.stringify({ _id: 'post-7', _type: 'post', operation: 'update', slug: { current: 'seven' } });
    const response = await post('sanity', body, { 'sanity-operation': 'delete' });
    expect(response.status).toBe(400);
  });

  it('purges the remembered paths of a removal only an unsigned topic names, without forgetting them', async () => {
    const id = 9_000_000_001;
    const body = JSON.stringify({ id, title: 'Lamp', handle: 'lamp', updated_at: freshTime() });
    expect((await post('shopify', body)).status).toBe(202);
    const deleted = await post('shopify', JSON.stringify({ id }), { 'x-shopify-topic': 'products/delete' });
    expect(await deleted.json()).toMatchObject({ paths: 1 }); // the remembered /products/lamp
    const memory = await (await admin(`/memory/shopify/${id}?type=products`)).json<{ paths: { path: string }[] }>();
    expect(memory.paths.map((p) => p.path)).toEqual(['/products/lamp']);
  });
});

describe('Shopify with toleranceSeconds (X-Shopify-Triggered-At is not signed)', () => {
  const send = async (headers: Record<string, string>) => {
    const body = JSON.stringify({ id: 1, title: 'T', handle: 't', updated_at: freshTime() });
    const signed = await sign('shopify', { secret: secret('SHOPIFY_SECRET'), body });
    return postWebhook('shopify-late', body, { ...signed, 'x-shopify-topic': 'products/update', ...headers });
  };

  it('requires the header, and checks its age', async () => {
    const missing = await send({});
    expect(missing.status).toBe(401);
    expect((await missing.json<{ error: string }>()).error).toContain('x-shopify-triggered-at');
    expect((await send({ 'x-shopify-triggered-at': new Date().toISOString() })).status).toBe(202);
    expect((await send({ 'x-shopify-triggered-at': new Date(Date.now() - 3_600_000).toISOString() })).status).toBe(401);
  });
});
