// Methods and pings (issue 15): platforms that can send a webhook with PUT or PATCH are accepted that way;
// any other method gets a 405 that says to choose POST; WooCommerce's unsigned ping is answered 200.
import { beforeAll, describe, expect, it } from 'vitest';
import hygraphPost from '../../fixtures/hygraph/post-published.json?raw';
import wooPing from '../../fixtures/woocommerce/ping.txt?raw';
import { admin, ORIGIN, putConfig, sign, workerFetch } from '../support/helpers';
import { freshTime } from '../support/fresh';
import { caseFor, casesConfig, delivery } from '../support/provider-cases';

beforeAll(async () => {
  await putConfig(casesConfig());
});

const send = (source: string, method: string, body: string | undefined, headers: Record<string, string>) =>
  workerFetch(
    new Request(`${ORIGIN}/webhooks/${source}`, { method, body, headers: { 'content-type': 'application/json', ...headers } }),
  );

describe('other methods', () => {
  it('accepts Contentful with PUT and PATCH: the method is part of what the toolkit signs', async () => {
    const c = caseFor('contentful');
    for (const method of ['PUT', 'PATCH']) {
      const body = c.body('x').replace('Hello, Zürich', `Hello, ${freshTime()}`);
      const headers = { ...c.headers, 'x-contentful-idempotency-key': crypto.randomUUID() };
      const signed = await sign('contentful', {
        secret: c.secret,
        body,
        method,
        path: '/webhooks/contentful',
        headers: c.headers,
      });
      expect((await send('contentful', method, body, { ...headers, ...signed })).status).toBe(202);
    }
  });

  it('accepts Sanity with PUT and PATCH, and Hygraph with PUT', async () => {
    for (const method of ['PUT', 'PATCH']) {
      const signed = await delivery(caseFor('sanity'), {
        body: JSON.stringify({ _id: `m-${method}`, _type: 'post', slug: { current: method } }),
      });
      expect((await send('sanity', method, signed.body, signed.headers)).status).toBe(202);
    }
    const hygraph = await delivery(caseFor('hygraph'), { body: hygraphPost });
    expect((await send('hygraph', 'PUT', hygraph.body, hygraph.headers)).status).toBe(202);
  });

  it('answers 405 naming the methods when the platform cannot send this one, and says to choose POST', async () => {
    const signed = await delivery(caseFor('shopify'));
    const response = await send('shopify', 'PUT', signed.body, signed.headers);
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({
      error: "shopify webhooks are accepted with POST: choose POST in the webhook's settings",
      allow: ['POST'],
    });
    const sanity = await send('sanity', 'DELETE', undefined, {});
    expect(sanity.status).toBe(405);
    expect(await sanity.json()).toMatchObject({ error: 'webhooks are delivered with POST: choose POST in the webhook settings' });
  });
});

describe("WooCommerce's ping", () => {
  const deliveries = async () =>
    (await (await admin('/deliveries?source=woocommerce')).json<{ deliveries: unknown[] }>()).deliveries.length;

  it('is answered exactly 200 (WooCommerce saves the webhook without an error only then), queuing and recording nothing', async () => {
    const before = await deliveries();
    const response = await send('woocommerce', 'POST', wooPing, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ping: true, webhookId: 12, message: 'woocommerce ping received: nothing to purge' });
    expect(await deliveries()).toBe(before);
  });

  it('is verified like any delivery when it carries a signature header', async () => {
    const response = await send('woocommerce', 'POST', wooPing, { 'x-wc-webhook-signature': 'bm90IGEgc2lnbmF0dXJl' });
    expect(response.status).toBe(401);
  });
});
