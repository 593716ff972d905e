// The shared provider contract: every provider accepts its platform's own signature and nothing else.
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_EVENTS_PER_DELIVERY } from '../../../src/providers/event';
import { PROVIDER_NAMES } from '../../../src/providers/registry';
import { CLOCK_SKEW_MS } from '../../../src/providers/support';
import { admin, postWebhook, putConfig, withoutEta } from '../support/helpers';
import { PROVIDER_CASES, casesConfig, delivery } from '../support/provider-cases';

beforeAll(async () => {
  await putConfig(casesConfig());
});

const errorOf = async (response: Response) => (await response.json<{ error: string }>()).error;

describe('the contract suite', () => {
  it('has a case for every registered provider (add one in test/worker/cases/ with each new provider)', () => {
    const covered = new Set(PROVIDER_CASES.map((c) => c.provider));
    expect(PROVIDER_NAMES.filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe.each(PROVIDER_CASES)('$provider', (c) => {
  it('accepts a request signed by the platform SDK and reports the paths it queued', async () => {
    const { body, headers } = await delivery(c);
    const response = await postWebhook(c.sourceId, body, headers);
    expect(response.status).toBe(202);
    const receipt = await response.json<{ eventId: string; events: number; paths: number }>();
    expect(receipt.eventId).toMatch(/^evt_/);
    expect(receipt.events).toBe(1);
    expect(receipt.paths).toBeGreaterThan(0);
  });

  it(
    c.signsBody === false ? 'accepts a changed body: the platform signs nothing' : 'rejects a body changed after signing',
    async () => {
      const { body, headers } = await delivery(c);
      const response = await postWebhook(c.sourceId, c.tamper ? c.tamper(body) : body.replace(/}\s*$/, ' }'), headers);
      expect(response.status).toBe(c.signsBody === false ? 202 : 401);
    },
  );

  it('rejects a signature made with the wrong secret', async () => {
    const { body, headers } = await delivery(c, { key: c.wrongSecret ?? `${c.secret}-wrong` });
    const response = await postWebhook(c.sourceId, body, headers);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBeTruthy();
  });

  it(`rejects a request without its ${c.signatureHeader}`, async () => {
    const { body, headers } = await delivery(c);
    delete headers[c.signatureHeader];
    // Prismic's secret and SNS's signature travel in the body: send the body without them.
    const response = await postWebhook(c.sourceId, c.embed || c.signBody ? c.body(crypto.randomUUID()) : body, headers);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toContain(c.signatureHeader);
  });

  // Contentstack publishes one key at a time: its rotation (a new key, refetched) is tested in contentstack.test.ts.
  if (c.oldSecret !== undefined)
    it('accepts the second secret while rotating', async () => {
      const { body, headers } = await delivery(c, { key: c.oldSecret });
      expect((await postWebhook(c.sourceId, body, headers)).status).toBe(202);
    });

  // Only platforms that sign a timestamp have a replay window to test.
  if (c.toleranceMs !== undefined)
    it('rejects a stale timestamp and a future one', async () => {
      const old = await delivery(c, { age: c.toleranceMs! + 5_000 });
      const stale = await postWebhook(c.sourceId, old.body, old.headers);
      expect(stale.status).toBe(401);
      expect(await errorOf(stale)).toMatch(/too old/);
      // Ahead of now, only the clock skew is allowed (or the window, when it is shorter).
      const ahead = await delivery(c, { age: -(Math.min(c.toleranceMs!, CLOCK_SKEW_MS) + 5_000) });
      const future = await postWebhook(c.sourceId, ahead.body, ahead.headers);
      expect(future.status).toBe(401);
      expect(await errorOf(future)).toMatch(/future/);
    });

  // Platforms that send a delivery id, in a header or in the body.
  if (c.deliveryHeader || c.deliveryInBody)
    it('answers a redelivery 200 with the first receipt and queues nothing again', async () => {
      const { body, headers } = await delivery(c);
      const first = await postWebhook(c.sourceId, body, headers);
      expect(first.status).toBe(202);
      const again = await postWebhook(c.sourceId, body, headers);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ ...withoutEta(await first.json()), duplicate: true });
    });

  // A captured delivery replayed with another delivery id (issue 14, F3): the id is not what identifies it.
  if (c.deliveryHeader)
    it(
      c.signsDeliveryId
        ? `refuses a delivery whose signed ${c.deliveryHeader} was changed`
        : `answers a delivery replayed with a new ${c.deliveryHeader} as a duplicate`,
      async () => {
        const { body, headers } = await delivery(c);
        const first = await postWebhook(c.sourceId, body, headers);
        expect(first.status).toBe(202);
        const replay = await postWebhook(c.sourceId, body, { ...headers, [c.deliveryHeader!]: crypto.randomUUID() });
        if (c.signsDeliveryId) expect(replay.status).toBe(401);
        else expect(await replay.json()).toEqual({ ...withoutEta(await first.json()), duplicate: true });
      },
    );

  // Platforms that batch changes (issue 15): one event per document, each with its paths, one receipt.
  if (c.batch) {
    const batch = c.batch;
    it('carries every change of a batched delivery: one event per document', async () => {
      const { body, headers } = await delivery(c, { body: batch.body(3, crypto.randomUUID()) });
      const response = await postWebhook(c.sourceId, body, headers);
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ events: 3 });
      const previewed = await admin('/preview', { method: 'POST', body: JSON.stringify({ source: c.sourceId, headers, body }) });
      const preview = await previewed.json<{ events: unknown[]; work: { items: { path: string }[] }[] }>();
      expect(preview.events).toHaveLength(3);
      const paths = preview.work.flatMap((w) => w.items.map((i) => i.path));
      for (const i of [0, 1, 2]) expect(paths).toContain(batch.path(i));
    });

    it(`refuses a delivery of more than ${MAX_EVENTS_PER_DELIVERY} changes with 422, queuing nothing`, async () => {
      const { body, headers } = await delivery(c, { body: batch.body(MAX_EVENTS_PER_DELIVERY + 1, crypto.randomUUID()) });
      const response = await postWebhook(c.sourceId, body, headers);
      expect(response.status).toBe(422);
      expect(await errorOf(response)).toContain(`at most ${MAX_EVENTS_PER_DELIVERY}`);
    });
  }

  it('accepts a large body full of multi-byte characters, verified over its exact bytes', async () => {
    // ~600 KB of 2-, 3- and 4-byte UTF-8 in one extra top-level field of the platform's own payload.
    const padding = 'Zürich 東京 🚀 '.repeat(30_000);
    const { body, headers } = await delivery(c, {
      body: c.body(crypto.randomUUID()).replace(/^\s*\{/, `{"_padding":"${padding}",`),
    });
    expect(new TextEncoder().encode(body).length).toBeGreaterThan(500_000);
    expect((await postWebhook(c.sourceId, body, headers)).status).toBe(202);
  });

  it('normalizes the payload into a ContentEvent and the rule paths', async () => {
    const { body, headers } = await delivery(c);
    const response = await admin('/preview', { method: 'POST', body: JSON.stringify({ source: c.sourceId, headers, body }) });
    expect(response.status).toBe(200);
    const preview = await response.json<{ event: Record<string, unknown>; work: { items: { path: string }[] }[] }>();
    const { path: _path, ...event } = c.expected;
    expect(preview.event).toMatchObject({ source: c.sourceId, provider: c.provider, ...event });
    expect(preview.work.flatMap((w) => w.items.map((i) => i.path))).toContain(c.expected.path);
  });
});
