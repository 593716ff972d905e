// Contract cases for the commerce platforms and the generic signing schemes.
import bigcommerceProduct from '../../../fixtures/bigcommerce/product-updated.json?raw';
import shopwareWritten from '../../../fixtures/shopware/product-written.json?raw';
import stripeProduct from '../../../fixtures/stripe/product-updated.json?raw';
import shopwareBatch from '../../../fixtures/shopware/product-written-batch.json?raw';
import wooProduct from '../../../fixtures/woocommerce/product-updated.json?raw';
import { secret, sign } from '../helpers';
import { freshTime } from '../fresh';
import type { ProviderCase } from '../provider-cases';

const secrets = (name: string) => ({ secrets: [name, `${name}_OLD`] });
const shopwareKey = (i: number) => i.toString(16).padStart(32, '0');
const shopwareRow = (i: number) => ({
  entity: 'product',
  operation: 'update',
  primaryKey: shopwareKey(i),
  updatedFields: ['stock'],
});
const seconds = (age: number) => Math.floor((Date.now() - age) / 1000);

/** A generic-hmac source shaped like many platforms: base64url SHA-512 over `{timestamp}.{id}.{body}`. */
export const GENERIC_OPTIONS = {
  header: 'x-signature',
  algorithm: 'sha512',
  encoding: 'base64url',
  prefix: 'v1=',
  signed: '{timestamp}.{id}.{body}',
  timestampHeader: 'x-timestamp',
  idHeader: 'x-request-id',
  topicField: 'event',
  contentTypeField: 'data.kind',
  idField: 'data.id',
  localeField: 'data.locale',
  fieldsField: 'data',
};

export const COMMERCE_CASES: ProviderCase[] = [
  {
    provider: 'shopify',
    sourceId: 'shopify',
    source: secrets('SHOPIFY_SECRET'),
    purge: ['/products/{fields.handle}'],
    secret: secret('SHOPIFY_SECRET'),
    oldSecret: secret('SHOPIFY_SECRET_OLD'),
    body: () =>
      JSON.stringify({
        id: 632910392,
        title: 'IPod Nano - 8GB',
        handle: 'ipod-nano',
        status: 'active',
        tags: 'Emotive, Flash Memory',
        updated_at: freshTime(),
      }),
    headers: { 'x-shopify-topic': 'products/update', 'x-shopify-shop-domain': 'shop.myshopify.com' },
    deliveryHeader: 'x-shopify-webhook-id',
    signatureHeader: 'x-shopify-hmac-sha256',
    sign: (body, key) => sign('shopify', { secret: key, body }),
    expected: { action: 'update', contentType: 'products', documentId: '632910392', path: '/products/ipod-nano' },
  },
  {
    provider: 'bigcommerce',
    sourceId: 'bigcommerce',
    source: secrets('BIGCOMMERCE_SECRET'),
    purge: ['/products/{fields.id}'],
    secret: secret('BIGCOMMERCE_SECRET'),
    oldSecret: secret('BIGCOMMERCE_SECRET_OLD'),
    body: () => bigcommerceProduct,
    headers: {},
    deliveryHeader: 'webhook-id',
    signsDeliveryId: true,
    signatureHeader: 'webhook-signature',
    // webhook-id is signed and is the delivery id: each signature gets a fresh one.
    sign: (body, key, age = 0) => sign('bigcommerce', { secret: key, body, id: crypto.randomUUID(), timestamp: seconds(age) }),
    toleranceMs: 172_800_000,
    expected: { action: 'update', contentType: 'product', documentId: '499', path: '/products/499' },
  },
  {
    provider: 'shopware',
    sourceId: 'shopware',
    source: secrets('SHOPWARE_SECRET'),
    purge: ['/detail/{documentId}'],
    secret: secret('SHOPWARE_SECRET'),
    oldSecret: secret('SHOPWARE_SECRET_OLD'),
    body: (id) => shopwareWritten.replace('"eventId":"7b04ebe416db4ebc93de4d791325e1d9"', `"eventId":"${id}"`),
    headers: {},
    deliveryInBody: true,
    // Every written row of the docs' example payload is a change (product-written-batch.json).
    batch: {
      body: (count, id) =>
        JSON.stringify({
          ...JSON.parse(shopwareBatch),
          data: { event: 'product.written', payload: Array.from({ length: count }, (_, i) => shopwareRow(i)) },
          source: { url: 'http://localhost:8000', appVersion: '0.0.1', shopId: 'dgrH7nLU6tlE', eventId: id },
        }),
      path: (i) => `/detail/${shopwareKey(i)}`,
    },
    signatureHeader: 'shopware-shop-signature',
    sign: (body, key) => sign('shopware', { secret: key, body }),
    expected: {
      action: 'update',
      contentType: 'product',
      documentId: '7b04ebe416db4ebc93de4d791325e1d9',
      path: '/detail/7b04ebe416db4ebc93de4d791325e1d9',
    },
  },
  {
    provider: 'woocommerce',
    sourceId: 'woocommerce',
    source: secrets('WOO_SECRET'),
    purge: ['/product/{fields.slug}/'],
    secret: secret('WOO_SECRET'),
    oldSecret: secret('WOO_SECRET_OLD'),
    body: () => wooProduct.replace('"date_modified":"2026-11-23T10:00:00"', `"date_modified":"${freshTime('s')}"`),
    headers: {
      'x-wc-webhook-topic': 'product.updated',
      'x-wc-webhook-resource': 'product',
      'x-wc-webhook-event': 'updated',
      'x-wc-webhook-id': '12',
      'x-wc-webhook-source': 'https://shop.example.com/',
    },
    deliveryHeader: 'x-wc-webhook-delivery-id',
    signatureHeader: 'x-wc-webhook-signature',
    sign: (body, key) => sign('woocommerce', { secret: key, body }),
    expected: { action: 'update', contentType: 'product', documentId: '794', path: '/product/premium-quality-groesse-m/' },
  },
  {
    provider: 'standard-webhooks',
    sourceId: 'standard',
    source: secrets('STANDARD_SECRET'),
    purge: ['/p/{fields.slug}'],
    secret: secret('STANDARD_SECRET'),
    oldSecret: secret('STANDARD_SECRET_OLD'),
    wrongSecret: 'whsec_' + btoa('a-key-this-source-does-not-have'),
    body: () =>
      JSON.stringify({ type: 'post.published', timestamp: '2026-11-23T10:00:00Z', data: { id: 'p_42', slug: 'standard-news' } }),
    headers: {},
    deliveryHeader: 'webhook-id',
    signsDeliveryId: true,
    signatureHeader: 'webhook-signature',
    sign: (body, key, age = 0) =>
      sign('standard-webhooks', { secret: key, body, id: `msg_${crypto.randomUUID()}`, timestamp: seconds(age) }),
    toleranceMs: 300_000,
    expected: { action: 'publish', contentType: 'post', documentId: 'p_42', path: '/p/standard-news' },
  },
  {
    provider: 'stripe',
    sourceId: 'stripe',
    source: secrets('STRIPE_SECRET'),
    purge: ['/products/{fields.metadata.slug}'],
    secret: secret('STRIPE_SECRET'),
    oldSecret: secret('STRIPE_SECRET_OLD'),
    body: (id) => stripeProduct.replace('evt_1NG8Du2eZvKYlo2CUI79vXWy', `evt_${id}`),
    headers: {},
    deliveryInBody: true,
    signatureHeader: 'stripe-signature',
    sign: (body, key, age = 0) => sign('stripe', { secret: key, body, timestamp: seconds(age) }),
    toleranceMs: 300_000,
    expected: {
      action: 'update',
      contentType: 'product',
      documentId: 'prod_NWjs8kKbJWmuuc',
      path: '/products/kaffee-aethiopien',
    },
  },
  {
    provider: 'generic-hmac',
    sourceId: 'generic',
    source: { ...secrets('GENERIC_SECRET'), options: GENERIC_OPTIONS },
    purge: ['/{locales}/items/{fields.slug}'],
    secret: secret('GENERIC_SECRET'),
    oldSecret: secret('GENERIC_SECRET_OLD'),
    body: () =>
      JSON.stringify({ event: 'item.published', data: { kind: 'item', id: 'it_7', locale: 'ja', slug: 'sakura-ウィーク' } }),
    headers: {},
    deliveryHeader: 'x-request-id',
    signsDeliveryId: true,
    signatureHeader: 'x-signature',
    sign: (body, key, age = 0) =>
      sign('generic-hmac', { secret: key, body, id: crypto.randomUUID(), timestamp: seconds(age), options: GENERIC_OPTIONS }),
    toleranceMs: 300_000,
    expected: {
      action: 'publish',
      contentType: 'item',
      documentId: 'it_7',
      locales: ['ja'],
      path: '/ja/items/sakura-%E3%82%A6%E3%82%A3%E3%83%BC%E3%82%AF',
    },
  },
];
