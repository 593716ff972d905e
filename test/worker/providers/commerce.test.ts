// Commerce providers' own cases: Shopware's body timestamp, WooCommerce status, Stripe's header list.
import { beforeAll, describe, expect, it } from 'vitest';
import bigcommerceProduct from '../../fixtures/bigcommerce/product-updated.json?raw';
import shopwareWritten from '../../fixtures/shopware/product-written.json?raw';
import stripeProduct from '../../fixtures/stripe/product-updated.json?raw';
import wooProduct from '../../fixtures/woocommerce/product-updated.json?raw';
import { postWebhook, putConfig, secret, sign } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { errorOf, previewEvent } from './helpers';

beforeAll(async () => {
  await putConfig(
    casesConfig({
      sources: {
        'shopware-strict': { provider: 'shopware', secrets: ['SHOPWARE_SECRET'], toleranceSeconds: 60 },
        'stripe-style': { provider: 'stripe', secrets: ['STRIPE_SECRET'], options: { header: 'x-acme-signature' } },
      },
    }),
  );
});

describe('shopware', () => {
  it('checks the body timestamp only when the source sets a replay window', async () => {
    const headers = await sign('shopware', { secret: secret('SHOPWARE_SECRET'), body: shopwareWritten });
    // The fixture's timestamp is days old: fine by default, too old for a 60 s window.
    const strict = await postWebhook('shopware-strict', shopwareWritten, headers);
    expect(strict.status).toBe(401);
    expect(await errorOf(strict)).toMatch(/too old/);
    const fresh = shopwareWritten.replace('"timestamp":1763892000', `"timestamp":${Math.floor(Date.now() / 1000)}`);
    expect(
      (await postWebhook('shopware-strict', fresh, await sign('shopware', { secret: secret('SHOPWARE_SECRET'), body: fresh })))
        .status,
    ).toBe(202);
  });

  it('maps DAL operations: insert is create, delete is delete', async () => {
    const inserted = shopwareWritten.replace('"operation":"update"', '"operation":"insert"');
    expect((await previewEvent('shopware', inserted)).action).toBe('create');
    const deleted = shopwareWritten
      .replace('"operation":"update"', '"operation":"delete"')
      .replace('product.written', 'product.deleted');
    expect(await previewEvent('shopware', deleted)).toMatchObject({ action: 'delete', topic: 'product.deleted' });
  });
});

describe('woocommerce', () => {
  it('reads a product saved as draft as an unpublish', async () => {
    const draft = wooProduct.replace('"status":"publish"', '"status":"draft"');
    expect((await previewEvent('woocommerce', draft)).action).toBe('unpublish');
    // A deletion's payload is `{"id": …}` alone (class-wc-webhook.php build_payload).
    expect((await previewEvent('woocommerce', '{"id":794}', { 'x-wc-webhook-topic': 'product.deleted' })).action).toBe('delete');
  });
});

describe('stripe', () => {
  it('accepts any of several v1 signatures (Stripe sends one per active secret)', async () => {
    const t = Math.floor(Date.now() / 1000);
    const { 'stripe-signature': old = '' } = await sign('stripe', {
      secret: secret('STRIPE_SECRET_OLD'),
      body: stripeProduct,
      timestamp: t,
    });
    const header = `t=${t},v1=${'ab'.repeat(32)},${old.split(',')[1]},v0=${'cd'.repeat(32)}`;
    expect((await postWebhook('stripe', stripeProduct, { 'stripe-signature': header })).status).toBe(202);
  });

  it('reads the Stripe scheme from a configured header (Stripe-style platforms)', async () => {
    const headers = await sign('stripe', {
      secret: secret('STRIPE_SECRET'),
      body: stripeProduct,
      headers: { 'x-signature-header': 'x-acme-signature' },
    });
    expect((await postWebhook('stripe-style', stripeProduct, headers)).status).toBe(202);
    expect(await previewEvent('stripe', stripeProduct, {})).toMatchObject({ previous: { metadata: { slug: 'kaffee' } } });
  });
});

describe('bigcommerce', () => {
  it("keys with the client secret's own bytes: the same key as whsec_ base64 verifies, another does not", async () => {
    const headers = await sign('standard-webhooks', {
      secret: `whsec_${btoa(secret('BIGCOMMERCE_SECRET'))}`,
      body: bigcommerceProduct,
      id: 'msg_x',
      timestamp: Math.floor(Date.now() / 1000),
    });
    expect((await postWebhook('bigcommerce', bigcommerceProduct, headers)).status).toBe(202);
    const decoded = await sign('standard-webhooks', {
      secret: `whsec_${btoa('another-secret')}`,
      body: bigcommerceProduct,
      id: 'msg_y',
      timestamp: Math.floor(Date.now() / 1000),
    });
    expect((await postWebhook('bigcommerce', bigcommerceProduct, decoded)).status).toBe(401);
  });
});
