// Intruders at the webhook route: the body limit holds while reading (a stream is not pulled past it,
// whatever content-length claims), replays outside the window are 401, and a redelivery is acknowledged
// without a second enqueue; each checked against the scheduler's own ledger.
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS } from '../../../src/providers/support';
import { schedulerFor } from '../../../src/purge/scheduler';
import { readBodyLimited } from '../../../src/lib/body';
import { ORIGIN, postWebhook, putConfig, withoutEta, workerFetch } from '../support/helpers';
import { CHUNK, endlessBody } from '../support/intruders';
import { casesConfig, delivery, PROVIDER_CASES } from '../support/provider-cases';

const DIST = 'dist-intruders';
const LIMIT = 1_048_576;
// A long coalescing window: anything queued stays queued while the test looks.
const CONFIG = { ...casesConfig(), distributions: { main: { id: DIST, coalesceMs: 600_000 } } };

/** Ledger rows that record a path being queued: one more per enqueue, even of paths already pending. */
async function queuedRows(): Promise<number> {
  return runInDurableObject(schedulerFor(env, DIST), (_, state) => {
    const tables = state.storage.sql.exec(`SELECT name FROM sqlite_master WHERE name = 'ledger'`).toArray();
    if (tables.length === 0) return 0;
    return Number(state.storage.sql.exec(`SELECT count(*) AS n FROM ledger WHERE step = 'queued'`).one().n);
  });
}

beforeAll(async () => {
  await putConfig(CONFIG);
});

describe('the body size limit', () => {
  it('stops pulling a stream at the first chunk past the limit (the reader itself)', async () => {
    const { stream, counter } = endlessBody();
    const request = new Request(`${ORIGIN}/x`, { method: 'POST', body: stream });
    await expect(readBodyLimited(request, LIMIT)).rejects.toMatchObject({ status: 413 });
    // 64 chunks fill the limit exactly; the 65th passes it, and nothing after it is read.
    expect(counter.pulled).toBe(LIMIT / CHUNK + 1);
  });

  it('stops a stream with a content-length that understates it, at the limit, not at the claim', async () => {
    const { stream, counter } = endlessBody();
    const request = new Request(`${ORIGIN}/x`, { method: 'POST', body: stream, headers: { 'content-length': '100' } });
    await expect(readBodyLimited(request, LIMIT)).rejects.toMatchObject({ status: 413 });
    expect(counter.pulled).toBe(LIMIT / CHUNK + 1);
  });

  it.each(PROVIDER_CASES.slice(0, 6).map((c) => c.sourceId))(
    'answers 413 to an endless chunked body sent to %s, pulls little past the limit, and queues nothing',
    async (sourceId) => {
      const before = await queuedRows();
      const { stream, counter } = endlessBody();
      const response = await workerFetch(
        new Request(`${ORIGIN}/webhooks/${sourceId}`, {
          method: 'POST',
          body: stream,
          headers: { 'content-type': 'application/json' },
        }),
      );
      expect(response.status).toBe(413);
      expect((await response.json<{ error: string }>()).error).toBe(`body is larger than the ${LIMIT}-byte limit`);
      // The runtime pipes the stream through its own buffers: a few chunks of slack, never the whole stream.
      expect(counter.pulled).toBeLessThan((2 * LIMIT) / CHUNK);
      expect(await queuedRows()).toBe(before);
    },
  );

  it('answers 413 to a declared length over the limit without reading the body', async () => {
    const { stream, counter } = endlessBody();
    const request = new Request(`${ORIGIN}/x`, {
      method: 'POST',
      body: stream,
      headers: { 'content-length': String(LIMIT + 1) },
    });
    await expect(readBodyLimited(request, LIMIT)).rejects.toMatchObject({ status: 413 });
    expect(counter.pulled).toBe(0);
  });
});

const signsTimestamp = PROVIDER_CASES.filter((c) => c.toleranceMs !== undefined);
const sendsDeliveryId = PROVIDER_CASES.filter((c) => c.deliveryHeader || c.deliveryInBody);

describe.each(signsTimestamp)('a replayed $sourceId delivery', (c) => {
  it('is refused with 401 once outside the replay window, and queues nothing', async () => {
    const before = await queuedRows();
    // Just past the window, a week past it, and further ahead than the clock skew allows.
    for (const age of [c.toleranceMs! + 5_000, c.toleranceMs! + 7 * 86_400_000, -(CLOCK_SKEW_MS + 5_000)]) {
      const { body, headers } = await delivery(c, { age });
      const response = await postWebhook(c.sourceId, body, headers);
      expect(response.status).toBe(401);
      expect((await response.json<{ error: string }>()).error).toMatch(/too old|future/);
    }
    expect(await queuedRows()).toBe(before);
  });
});

describe.each(sendsDeliveryId)('a duplicate $sourceId delivery', (c) => {
  it('is acknowledged 200 (duplicate: true) without a second enqueue', async () => {
    const before = await queuedRows();
    const { body, headers } = await delivery(c);
    const first = await postWebhook(c.sourceId, body, headers);
    expect(first.status).toBe(202);
    const receipt = await first.json<{ paths: number } & Record<string, unknown>>();
    expect(receipt.paths).toBeGreaterThan(0);
    const afterFirst = await queuedRows();
    // The ledger does see an enqueue: the first delivery added rows.
    expect(afterFirst).toBeGreaterThan(before);
    for (let i = 0; i < 3; i++) {
      const again = await postWebhook(c.sourceId, body, headers);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ ...withoutEta(receipt), duplicate: true });
    }
    expect(await queuedRows()).toBe(afterFirst);
  });
});

it('covers every provider that signs a timestamp or sends a delivery id', () => {
  expect(signsTimestamp.length).toBeGreaterThanOrEqual(10);
  expect(sendsDeliveryId.length).toBeGreaterThanOrEqual(10);
});
