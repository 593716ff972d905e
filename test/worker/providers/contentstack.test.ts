// Contentstack: the published PKCS#1 key from the configured URL (503 when unreachable, refetched when a new key
// signs), comma-separated certificate signatures, both PSS salt lengths, and HMAC rotation headers.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import entry from '../../fixtures/contentstack/entry-publish.json?raw';
import { utf8 } from '../../../src/lib/bytes';
import { contentstack } from '../../../src/providers/contentstack';
import { REFRESH_MS } from '../../../src/providers/key-cache';
import { postWebhook, putConfig, secret, sign } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { errorOf, keyFetches, postSigned } from './helpers';

const keysAt = (publicKeysUrl: string) => ({ provider: 'contentstack', options: { publicKeysUrl } });

beforeAll(async () => {
  await putConfig(
    casesConfig({
      sources: {
        'contentstack-down': keysAt(`${env.KEYS_URL}/gone/public-keys.json`),
        'contentstack-rotating': keysAt(`${env.KEYS_URL}/slots/contentstack-rotation/public-keys.json`),
      },
    }),
  );
});

const certificateSignature = async (body: string, options: Record<string, unknown> = {}, key = 'current') =>
  (await sign('contentstack', { secret: key, body, options }))['x-contentstack-request-signature']!;

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

  it('reads the key exactly as Contentstack publishes it: {"signing-key": "-----BEGIN RSA PUBLIC KEY-----…"} (PKCS#1)', async () => {
    const published = await (await fetch(`${env.KEYS_URL}/public-keys.json`)).json<Record<string, string>>();
    expect(Object.keys(published)).toEqual(['signing-key']);
    expect(published['signing-key']).toMatch(/^-----BEGIN RSA PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PUBLIC KEY-----\n$/);
    const response = await postWebhook('contentstack', entry, {
      'x-contentstack-request-signature': await certificateSignature(entry),
    });
    expect(response.status).toBe(202);
  });

  it('accepts a comma-separated header (v1=a,v1=b) when any signature matches', async () => {
    const good = await certificateSignature(entry);
    const other = await certificateSignature(`${entry} `);
    // Accepted: the same signed body is one delivery, so after the first acceptance it is a duplicate (200).
    for (const header of [`${other},${good}`, `${good}, ${other}`]) {
      const { status } = await postWebhook('contentstack', entry, { 'x-contentstack-request-signature': header });
      expect([200, 202]).toContain(status);
    }
    const response = await postWebhook('contentstack', entry, { 'x-contentstack-request-signature': `${other},${other}` });
    expect(response.status).toBe(401);
  });

  it("accepts PSS with the largest salt (Node's default when signing) as well as the digest-length salt", async () => {
    const signature = await certificateSignature(entry, { saltLength: 'max' });
    // Accepted (the body was accepted before in this file: a duplicate, 200).
    const { status } = await postWebhook('contentstack', entry, { 'x-contentstack-request-signature': signature });
    expect([200, 202]).toContain(status);
  });

  it('refuses a header that cannot hold an RSA signature without fetching the key', async () => {
    const before = (await keyFetches())['/gone/public-keys.json'] ?? 0;
    for (const header of ['v1=AAAA', 'v1=not base64!', `v1=${btoa('x'.repeat(255))}`, 'v2=abc']) {
      const response = await postWebhook('contentstack-down', entry, { 'x-contentstack-request-signature': header });
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toBe('malformed x-contentstack-request-signature');
    }
    expect((await keyFetches())['/gone/public-keys.json'] ?? 0).toBe(before);
  });

  it('accepts a new key once Contentstack publishes it: the refused signature refetches the key (at most once a minute)', async () => {
    await fetch(`${env.KEYS_URL}/slots/contentstack-rotation?serve=current`, { method: 'POST' });
    // The key was cached two minutes ago; then Contentstack replaces it.
    const request = {
      method: 'POST',
      url: new URL('https://relay.example/webhooks/contentstack-rotating'),
      headers: new Headers({ 'x-contentstack-request-signature': await certificateSignature(entry) }),
      body: utf8(entry),
    };
    const options = {
      signing: 'certificate' as const,
      publicKeysUrl: `${env.KEYS_URL}/slots/contentstack-rotation/public-keys.json`,
    };
    const earlier = {
      source: 'contentstack-rotating',
      secrets: [],
      options,
      toleranceMs: 300_000,
      now: Date.now() - 2 * REFRESH_MS,
    };
    await contentstack.verify(request, earlier);
    await fetch(`${env.KEYS_URL}/slots/contentstack-rotation?serve=previous`, { method: 'POST' });
    const signature = await certificateSignature(entry, {}, 'previous');
    const response = await postWebhook('contentstack-rotating', entry, { 'x-contentstack-request-signature': signature });
    expect(response.status).toBe(202);
    expect((await keyFetches())['/slots/contentstack-rotation/public-keys.json']).toBe(2);
    // A forged signature right after does not make it fetch again.
    const forged = await certificateSignature(entry, {}, 'rogue');
    expect((await postWebhook('contentstack-rotating', entry, { 'x-contentstack-request-signature': forged })).status).toBe(401);
    expect((await keyFetches())['/slots/contentstack-rotation/public-keys.json']).toBe(2);
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
