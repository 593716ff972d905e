// Shopify's two header families: webhooks (`X-Shopify-*`) and Events deliveries (`Shopify-*`), as
// @shopify/shopify-api's validate.ts reads them: the Events family whenever `shopify-hmac-sha256` is present.
import { beforeAll, describe, expect, it } from 'vitest';
import eventsDelivery from '../../fixtures/shopify/events-delivery.json';
import { shopifyHeader } from '../../../src/providers/shopify';
import { postWebhook, putConfig, secret, sign } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { errorOf } from './helpers';

beforeAll(async () => {
  await putConfig(casesConfig());
});

const body = JSON.stringify(eventsDelivery.body);
const hmacOf = async (key: string, text = body) => (await sign('shopify', { secret: key, body: text }))['x-shopify-hmac-sha256']!;

describe('shopify header families', () => {
  it('accepts an Events delivery signed in Shopify-Hmac-Sha256', async () => {
    const headers = { ...eventsDelivery.headers, 'shopify-hmac-sha256': await hmacOf(secret('SHOPIFY_SECRET')) };
    expect((await postWebhook('shopify', body, headers)).status).toBe(202);
  });

  it('refuses an Events delivery whose Shopify-Hmac-Sha256 does not match, even beside a valid X-Shopify one', async () => {
    const headers = {
      ...eventsDelivery.headers,
      'shopify-hmac-sha256': await hmacOf(secret('SHOPIFY_SECRET'), `${body} `),
      'x-shopify-hmac-sha256': await hmacOf(secret('SHOPIFY_SECRET')),
    };
    const response = await postWebhook('shopify', body, headers);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('signature does not match');
  });

  it('reads every header from the family the delivery uses', () => {
    const events = new Headers({ ...eventsDelivery.headers, 'shopify-hmac-sha256': 'x', 'x-shopify-topic': 'orders/create' });
    expect(shopifyHeader(events, 'topic')).toBe('products/update');
    expect(shopifyHeader(events, 'webhook-id')).toBe('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
    const webhooks = new Headers({ 'x-shopify-hmac-sha256': 'x', 'x-shopify-topic': 'orders/create', 'shopify-topic': 'y' });
    expect(shopifyHeader(webhooks, 'topic')).toBe('orders/create');
    expect(shopifyHeader(webhooks, 'event-id')).toBeNull();
  });
});
