// Saleor: detached JWS checked against a configured JWKS (fetched once, cached, 503 when unreachable).
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import saleorProduct from '../../fixtures/saleor/product-updated.json?raw';
import { postWebhook, putConfig, sign } from '../support/helpers';
import { caseFor, casesConfig } from '../support/provider-cases';
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
      },
    }),
  );
});

const b64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('saleor', () => {
  it('fetches the JWKS once for many deliveries (cached per isolate)', async () => {
    for (let i = 0; i < 3; i++) expect((await postSigned('saleor-cached', undefined, { as: 'saleor' })).status).toBe(202);
    expect((await keyFetches())['/jwks.json?source=cached']).toBe(1);
  });

  it('answers 503 when the JWKS URL fails, and fetches again on the retry', async () => {
    for (let i = 0; i < 2; i++) {
      const response = await postSigned('saleor-missing', undefined, { as: 'saleor' });
      expect(response.status).toBe(503);
      expect(await errorOf(response)).toBe('could not fetch the signing keys; retry later');
    }
    expect((await keyFetches())['/no-such-jwks.json']).toBe(2);
  });

  it('answers 503 when the JWKS host is unreachable', async () => {
    expect((await postSigned('saleor-down', undefined, { as: 'saleor' })).status).toBe(503);
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
