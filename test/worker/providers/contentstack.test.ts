// Contentstack: certificate keys from the configured URL (503 when unreachable) and HMAC rotation headers.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import entry from '../../fixtures/contentstack/entry-publish.json?raw';
import { postWebhook, putConfig, secret, sign } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { errorOf, keyFetches, postSigned } from './helpers';

beforeAll(async () => {
  await putConfig(
    casesConfig({
      sources: {
        'contentstack-down': { provider: 'contentstack', options: { publicKeysUrl: `${env.KEYS_URL}/gone/public-keys.json` } },
      },
    }),
  );
});

describe('contentstack', () => {
  it('answers 503 when the public key URL fails', async () => {
    const response = await postSigned('contentstack-down', undefined, { as: 'contentstack' });
    expect(response.status).toBe(503);
    expect(await errorOf(response)).toMatch(/retry later/);
    expect((await keyFetches())['/gone/public-keys.json']).toBe(1);
  });

  it('accepts an HMAC header listing a new and a deprecated signature while the key rotates', async () => {
    const t = Math.floor(Date.now() / 1000);
    const { 'x-contentstack-hmac-signature': old = '' } = await sign('contentstack-hmac', {
      secret: secret('CONTENTSTACK_HMAC_SECRET_OLD'),
      body: entry,
      timestamp: t,
    });
    const header = `t=${t},v1=${'0'.repeat(64)},${old.split(',')[1]}`;
    expect((await postWebhook('contentstack-hmac', entry, { 'x-contentstack-hmac-signature': header })).status).toBe(202);
  });

  it('rejects a certificate signature made over other bytes', async () => {
    const { 'x-contentstack-request-signature': signature = '' } = await sign('contentstack', {
      secret: 'current',
      body: `${entry} `,
    });
    const response = await postWebhook('contentstack', entry, { 'x-contentstack-request-signature': signature });
    expect(response.status).toBe(401);
  });
});
