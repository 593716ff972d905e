// Delivery keys (issue 14 I7, F3): a SHA-256 of the decoded bytes the signature covers, so re-encoding a
// signature header does not make a replay new; shown delivery ids are cut; the kept keys are bounded.
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import ghostPost from '../../fixtures/ghost/post-published.json?raw';
import { MAX_SHOWN_DELIVERY_ID } from '../../../src/providers/identity';
import { DeliveryIds } from '../../../src/sources/delivery-ids';
import { freshTime } from '../support/fresh';
import { admin, postWebhook, putConfig } from '../support/helpers';
import { caseFor, casesConfig, delivery } from '../support/provider-cases';

beforeAll(async () => {
  await putConfig(casesConfig());
});

/** Posts one signed delivery, then the same with its signature header re-encoded: the second is a duplicate. */
async function reencoded(source: string, header: string, change: (value: string) => string, body?: string) {
  const signed = await delivery(caseFor(source), body === undefined ? {} : { body });
  const first = await postWebhook(source, signed.body, signed.headers);
  expect(first.status).toBe(202);
  const value = signed.headers[header]!;
  expect(change(value)).not.toBe(value);
  const again = await postWebhook(source, signed.body, { ...signed.headers, [header]: change(value) });
  expect(again.status).toBe(200);
  expect(await again.json()).toMatchObject({ duplicate: true });
}

describe('a signature header written another way is the same delivery', () => {
  it('Sanity: `t=…, v1=…` with a space (the toolkit accepts [, ]+)', async () => {
    await reencoded('sanity', 'sanity-webhook-signature', (v) => v.replace(',', ', '));
  });

  it('Shopify: the HMAC in base64url without padding (32 bytes of base64 always end in "=")', async () => {
    const url = (v: string) => v.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    await reencoded('shopify', 'x-shopify-hmac-sha256', url);
  });

  it('Ghost: the hex digest in upper case', async () => {
    const body = ghostPost.replace('"updated_at":"', `"updated_at":"${freshTime()}","x":"`);
    await reencoded(
      'ghost',
      'x-ghost-signature',
      (v) => v.replace(/sha256=([0-9a-f]+)/, (_, hex: string) => `sha256=${hex.toUpperCase()}`),
      body,
    );
  });
});

describe('delivery ids as shown', () => {
  it(`cuts a long unsigned delivery id to ${MAX_SHOWN_DELIVERY_ID} characters; the key does not depend on it`, async () => {
    const signed = await delivery(caseFor('shopify'));
    const long = 'x'.repeat(4000);
    expect((await postWebhook('shopify', signed.body, { ...signed.headers, 'x-shopify-webhook-id': long })).status).toBe(202);
    const { deliveries } = await (
      await admin('/deliveries?source=shopify&limit=1')
    ).json<{ deliveries: { deliveryId?: string }[] }>();
    expect(deliveries[0]?.deliveryId?.length).toBe(MAX_SHOWN_DELIVERY_ID);
  });
});

describe('the delivery keys kept', () => {
  const key = (n: number) => n.toString(16).padStart(64, '0');
  const inObject = <T>(name: string, fn: (sql: SqlStorage) => T) =>
    runInDurableObject(env.SOURCE_STATE.get(env.SOURCE_STATE.idFromName(name)), (_instance, state) => fn(state.storage.sql));

  it('are bounded: past the cap, those closest to expiry go first', async () => {
    await inObject('keys-bounded', (sql) => {
      const ids = new DeliveryIds(sql, 3);
      for (let n = 1; n <= 5; n++) ids.record(key(n), { eventId: `evt_${n}`, paths: n }, 1000 + n);
      expect([1, 2].map((n) => ids.find(key(n), 0))).toEqual([undefined, undefined]);
      expect([3, 4, 5].map((n) => ids.find(key(n), 0)?.eventId)).toEqual(['evt_3', 'evt_4', 'evt_5']);
      expect(ids.prune(1004)).toBe(1005);
    });
  });

  it('are SHA-256 digests: anything else is refused', async () => {
    await inObject('keys-shape', (sql) => {
      const ids = new DeliveryIds(sql);
      expect(() => ids.record('a-platform-id', { eventId: 'evt_1', paths: 1 }, 10)).toThrow(/SHA-256/);
    });
  });
});
