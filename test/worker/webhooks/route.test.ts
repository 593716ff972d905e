// The webhook route's contract: statuses and messages for every kind of bad input, 202 only once stored.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { enqueueWork } from '../../../src/purge/enqueue';
import { RelayError } from '../../../src/errors';
import { parseConfig } from '../../../src/rules/schema';
import { baseConfig, postWebhook, putConfig, secret, sign, workerFetch } from '../support/helpers';

const SANITY_BODY = JSON.stringify({ _id: 'post-9', _type: 'post', slug: { current: 'nine' } });
const signed = async (body = SANITY_BODY) => ({
  'idempotency-key': crypto.randomUUID(),
  ...(await sign('sanity', { secret: secret('SANITY_SECRET'), body })),
});

beforeAll(async () => {
  await putConfig(baseConfig());
});

describe('POST /webhooks/{sourceId}', () => {
  it('answers 404 naming an unknown source', async () => {
    const response = await postWebhook('nope', SANITY_BODY, await signed());
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'unknown source "nope"' });
  });

  it('answers 405 to other methods', async () => {
    const response = await workerFetch('https://relay.example/webhooks/sanity');
    expect(response.status).toBe(405);
  });

  it('answers 413 for a body over the limit, before verifying anything', async () => {
    const big = JSON.stringify({ _id: 'x', _type: 'post', pad: 'x'.repeat(1_048_576) });
    const response = await postWebhook('sanity', big, { 'sanity-webhook-signature': 't=1,v1=x' });
    expect(response.status).toBe(413);
    expect((await response.json<{ error: string }>()).error).toContain('1048576-byte limit');
  });

  it('answers 413 for a streamed body with no length that grows past the limit', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(65_536));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 40) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await postWebhook('sanity', stream as unknown as Uint8Array, { 'sanity-webhook-signature': 't=1,v1=x' });
    expect(response.status).toBe(413);
    // The reader stops at the first chunk past 1 MiB rather than reading all 2.5 MiB.
    expect(sent).toBeLessThan(40);
  });

  it('answers 400 for a correctly signed body that is not JSON', async () => {
    const body = 'this is not json';
    const response = await postWebhook('sanity', body, await signed(body));
    expect(response.status).toBe(400);
    expect((await response.json<{ error: string }>()).error).toMatch(/^body is not valid JSON/);
  });

  it('answers 400 for a signed body that is not valid UTF-8', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    // The SDK signs strings; the tampered-bytes case is covered by the contract suite, so sign nothing here.
    const response = await postWebhook('strapi', bytes, { authorization: `Bearer ${secret('STRAPI_TOKEN')}` });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'body is not valid UTF-8' });
  });

  it('answers 400 naming the field when a verified payload has the wrong shape', async () => {
    const response = await postWebhook('strapi', JSON.stringify({ model: 'article' }), {
      authorization: `Bearer ${secret('STRAPI_TOKEN')}`,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Strapi payload has an unexpected shape at event' });
  });

  it('answers 202 with paths: 0 when no rule matches', async () => {
    const body = JSON.stringify({ _id: 'a-1', _type: 'author', name: 'Ada' });
    const response = await postWebhook('sanity', body, await signed(body));
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ paths: 0 });
  });
});

describe('storing the paths', () => {
  it('is a 503 asking the platform to retry when a scheduler cannot store them', async () => {
    const parsed = parseConfig(baseConfig());
    if (!parsed.ok) throw new Error('base config is invalid');
    const failing = {
      ...env,
      PURGE_SCHEDULER: {
        idFromName: () => ({}) as DurableObjectId,
        get: () => ({ enqueue: () => Promise.reject(new Error('storage is down')) }),
      },
    } as unknown as Env;
    const attempt = enqueueWork(
      failing,
      parsed.config,
      [{ distribution: 'main', items: [{ kind: 'url', path: '/x', priority: 0 }] }],
      'evt_1',
    );
    await expect(attempt).rejects.toBeInstanceOf(RelayError);
    await expect(attempt).rejects.toMatchObject({ status: 503, message: 'could not store the paths to purge; retry later' });
  });
});
