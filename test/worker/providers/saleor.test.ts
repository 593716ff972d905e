// Saleor: detached JWS (b64:false) checked against a configured JWKS (fetched once, cached per source, refetched
// once a minute at most when a signature fails (key rotation), 503 when unreachable).
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import saleorProduct from '../../fixtures/saleor/product-updated.json?raw';
import { utf8 } from '../../../src/lib/bytes';
import { FAILURE_TTL_MS, REFRESH_MS } from '../../../src/providers/key-cache';
import { saleor } from '../../../src/providers/saleor';
import type { WebhookRequest } from '../../../src/providers/types';
import { postWebhook, putConfig, sign } from '../support/helpers';
import { caseFor, casesConfig, delivery } from '../support/provider-cases';
import { errorOf, previewEvent, keyFetches, postSigned } from './helpers';

const HEADERS = caseFor('saleor').headers;
const jwksSource = (jwksUrl: string) => ({ provider: 'saleor', options: { jwksUrl } });

beforeAll(async () => {
  await putConfig(
    casesConfig({
      sources: {
        'saleor-cached': jwksSource(`${env.KEYS_URL}/jwks.json?source=cached`),
        'saleor-missing': jwksSource(`${env.KEYS_URL}/no-such-jwks.json`),
        'saleor-down': jwksSource('http://127.0.0.1:9/.well-known/jwks.json'),
        'saleor-rotating': jwksSource(`${env.KEYS_URL}/slots/saleor-rotation/jwks.json`),
        'saleor-rotating-down': jwksSource(`${env.KEYS_URL}/slots/saleor-rotation-down/jwks.json`),
      },
    }),
  );
});

/** Publishes a key pair in a key-server slot (Saleor's JWKS holds one key); answers the slot's JWKS URL. */
async function slot(name: string, serve: string): Promise<string> {
  await fetch(`${env.KEYS_URL}/slots/${name}?serve=${serve}`, { method: 'POST' });
  return `${env.KEYS_URL}/slots/${name}/jwks.json`;
}

const webhookRequest = (body: string, headers: Record<string, string>): WebhookRequest => ({
  method: 'POST',
  url: new URL(`https://relay.example/webhooks/saleor`),
  headers: new Headers(headers),
  body: utf8(body),
});

const context = (jwksUrl: string, source: string) => ({
  source,
  secrets: [],
  options: { jwksUrl },
  toleranceMs: Infinity,
  now: Date.now(),
});

/** The arguments of saleor.verify for a delivery signed by `key`, checked at `now`. */
async function signedBy(key: string, jwksUrl: string, source: string, now: number) {
  const signed = await delivery(caseFor('saleor'), { key });
  return [webhookRequest(signed.body, signed.headers), { ...context(jwksUrl, source), now }] as const;
}

const b64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('saleor', () => {
  it('fetches the JWKS once for many deliveries (cached per isolate)', async () => {
    for (let i = 0; i < 3; i++) expect((await postSigned('saleor-cached', undefined, { as: 'saleor' })).status).toBe(202);
    expect((await keyFetches())['/jwks.json?source=cached']).toBe(1);
  });

  it('answers 503 when the JWKS URL fails, answers a burst from the cached failure, and fetches again on a later retry', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await postSigned('saleor-missing', undefined, { as: 'saleor' });
      expect(response.status).toBe(503);
      expect(await errorOf(response)).toBe('could not fetch the signing keys; retry later');
    }
    expect((await keyFetches())['/no-such-jwks.json']).toBe(1);
    // Saleor's first retry comes 10 s later (countdown 10·2^n): past the cached failure, it fetches again.
    const signed = await delivery(caseFor('saleor'));
    const request = webhookRequest(signed.body, signed.headers);
    const later = { ...context(`${env.KEYS_URL}/no-such-jwks.json`, 'saleor-missing'), now: Date.now() + FAILURE_TTL_MS + 1 };
    await expect(saleor.verify(request, later)).rejects.toMatchObject({ status: 503 });
    expect((await keyFetches())['/no-such-jwks.json']).toBe(2);
  });

  it('answers 503 when the JWKS host is unreachable', async () => {
    expect((await postSigned('saleor-down', undefined, { as: 'saleor' })).status).toBe(503);
  });

  it('signs as Saleor does: b64:false with crit ["b64"], the key id an RFC 7638 thumbprint', async () => {
    const { 'saleor-signature': jws = '' } = await sign('saleor', { secret: 'current', body: saleorProduct });
    const header = JSON.parse(atob(jws.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    expect(Object.keys(header)).toEqual(['alg', 'b64', 'crit', 'kid', 'typ']);
    expect(header).toMatchObject({ alg: 'RS256', b64: false, crit: ['b64'], typ: 'JWT' });
    expect(header.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses any other b64/crit form, even correctly signed (RFC 7797, RFC 7515 §4.1.11)', async () => {
    const forms = [{ b64: null }, { b64: true }, { crit: null }, { crit: 'b64' }, { crit: ['b64', 'exp'] }, { crit: [] }];
    for (const jws of forms) {
      const headers = { ...HEADERS, ...(await sign('saleor', { secret: 'current', body: saleorProduct, options: { jws } })) };
      const response = await postWebhook('saleor', saleorProduct, headers);
      expect(response.status, JSON.stringify(jws)).toBe(401);
      expect(await errorOf(response)).toBe('the JWS must be b64:false with crit ["b64"] (RFC 7797)');
    }
  });

  it('refuses a JWS with more than three segments', async () => {
    const { 'saleor-signature': jws = '' } = await sign('saleor', { secret: 'current', body: saleorProduct });
    const response = await postWebhook('saleor', saleorProduct, { ...HEADERS, 'saleor-signature': `${jws}.extra` });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('malformed saleor-signature (a JWS has exactly three segments)');
  });

  it('rejects a JWS whose header names another algorithm, whatever its signature', async () => {
    const { 'saleor-signature': genuine = '' } = await sign('saleor', { secret: 'current', body: saleorProduct });
    for (const alg of ['HS256', 'none', 'RS512']) {
      const forged = `${b64url({ alg, kid: 'current', typ: 'JWT' })}..${genuine.split('.')[2]}`;
      const response = await postWebhook('saleor', saleorProduct, { ...HEADERS, 'saleor-signature': forged });
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toBe('unsupported signature algorithm (RS256 expected)');
    }
  });

  it('rejects a JWS that carries its payload instead of detaching it', async () => {
    const { 'saleor-signature': genuine = '' } = await sign('saleor', { secret: 'current', body: saleorProduct });
    const [head, , signature] = genuine.split('.');
    const response = await postWebhook('saleor', saleorProduct, {
      ...HEADERS,
      'saleor-signature': `${head}.${b64url({})}.${signature}`,
    });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatch(/detached JWS/);
  });

  it('rejects an unknown kid without refetching the keys within a minute', async () => {
    await postSigned('saleor-cached', undefined, { as: 'saleor' });
    const before = (await keyFetches())['/jwks.json?source=cached'];
    const response = await postSigned('saleor-cached', undefined, { as: 'saleor', key: 'rogue' });
    expect(response.status).toBe(401);
    expect((await keyFetches())['/jwks.json?source=cached']).toBe(before);
  });

  it('accepts a rotated key: the refused signature refetches the JWKS once, as @saleor/app-sdk does', async () => {
    const url = await slot('saleor-rotation', 'current');
    const before = Date.now() - 2 * REFRESH_MS;
    // Keys cached two minutes ago, then Saleor replaces its one key (a new thumbprint kid, no overlap).
    await saleor.verify(...(await signedBy('current', url, 'saleor-rotating', before)));
    await slot('saleor-rotation', 'previous');
    const response = await postSigned('saleor-rotating', undefined, { as: 'saleor', key: 'previous' });
    expect(response.status).toBe(202);
    expect((await keyFetches())['/slots/saleor-rotation/jwks.json']).toBe(2);
  });

  it('answers 503 when the refetch after a refused signature fails, so Saleor retries', async () => {
    const url = await slot('saleor-rotation-down', 'current');
    await saleor.verify(...(await signedBy('current', url, 'saleor-rotating-down', Date.now() - 2 * REFRESH_MS)));
    await slot('saleor-rotation-down', 'down');
    const response = await postSigned('saleor-rotating-down', undefined, { as: 'saleor', key: 'previous' });
    expect(response.status).toBe(503);
    expect(await errorOf(response)).toBe('could not fetch the signing keys; retry later');
  });

  it('reads the object the saleor-event names, not the first object of the body', async () => {
    // A subscription may select several objects: `category_updated` names the category, whatever comes first.
    const both = saleorProduct.replace('"product":', '"category":{"id":"Q2F0ZWdvcnk6OQ==","slug":"juices"},"product":');
    const event = await previewEvent('saleor', both, { 'saleor-event': 'category_updated' });
    expect(event).toMatchObject({ action: 'update', contentType: 'category', documentId: 'Q2F0ZWdvcnk6OQ==' });
    const variant = saleorProduct.replace('"product":', '"productVariant":');
    const stock = await previewEvent('saleor', variant, { 'saleor-event': 'product_variant_out_of_stock' });
    expect(stock).toMatchObject({ action: 'update', contentType: 'productVariant', topic: 'product_variant_out_of_stock' });
  });

  it('refuses a saleor-event (not signed) that names no object of the signed body', async () => {
    const response = await postSigned('saleor', saleorProduct.replace('"product":', '"category":'));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(/saleor-event product_updated \(not signed\) names no object/);
  });
});
