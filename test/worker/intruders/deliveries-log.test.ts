// A flood of unsigned requests against the Deliveries log (issue 14, F10): 505 refusals in 1.8 s used to push a
// genuine delivery's row out. Refusals and repeats are now counted per minute and reason, apart from verified
// deliveries, so what was accepted stays in sight.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_LOG_LIMIT, type DeliveryEntry, type RefusalRow } from '../../../src/sources/recent-deliveries';
import type { SourceState } from '../../../src/sources/state';
import { admin, baseConfig, postWebhook, putConfig, secret } from '../support/helpers';

type Log = { deliveries: DeliveryEntry[]; refusals: RefusalRow[]; unreadable: string[] };
const body = (id: number) => JSON.stringify({ event: 'entry.publish', model: 'article', entry: { id, slug: `flood-${id}` } });

beforeAll(async () => {
  await putConfig(baseConfig());
});

describe('the Deliveries log under a flood of unsigned requests', () => {
  it(`keeps the accepted delivery after ${DELIVERY_LOG_LIMIT + 5} refusals, and counts them per minute and reason`, async () => {
    const accepted = await postWebhook('strapi', body(1), { authorization: `Bearer ${secret('STRAPI_TOKEN')}` });
    expect(accepted.status).toBe(202);
    const { eventId } = await accepted.json<{ eventId: string }>();
    // In bursts of 25 at once, as a flood comes.
    for (let i = 0; i < DELIVERY_LOG_LIMIT + 5; i += 25) {
      const burst = Array.from({ length: Math.min(25, DELIVERY_LOG_LIMIT + 5 - i) }, (_, j) =>
        postWebhook('strapi', body(2), { authorization: (i + j) % 2 ? 'Bearer wrong' : 'Basic x' }),
      );
      for (const refused of await Promise.all(burst)) {
        expect(refused.status).toBe(401);
        await refused.body?.cancel();
      }
    }

    const log = await (await admin('/deliveries?source=strapi&limit=500')).json<Log>();
    expect(log.deliveries.map((d) => [d.outcome, d.eventId])).toEqual([['accepted', eventId]]);
    const counted = log.refusals.reduce((n, r) => n + (r.outcome === 'rejected' ? r.count : 0), 0);
    expect(counted).toBe(DELIVERY_LOG_LIMIT + 5);
    // Two reasons (no token, wrong token), in one or two minutes: a handful of rows, not 505.
    expect(log.refusals.length).toBeLessThanOrEqual(6);
    expect(new Set(log.refusals.map((r) => r.message))).toEqual(
      new Set(['authorization header must use the Bearer scheme', 'token does not match']),
    );
    const event = await (await admin(`/deliveries?event=${eventId}`)).json<Log>();
    expect(event.deliveries.map((d) => d.outcome)).toEqual(['accepted']);
  });

  it(`keeps at most ${DELIVERY_LOG_LIMIT} refusal rows, the latest, without touching the verified list`, async () => {
    const stub = env.SOURCE_STATE.get(env.SOURCE_STATE.idFromName('flooded'));
    await runInDurableObject(stub, async (instance: SourceState) => {
      await instance.logDelivery({
        at: 0,
        source: 'flooded',
        status: 202,
        outcome: 'accepted',
        eventId: 'evt_kept',
        durationMs: 1,
      });
      // Each in its own minute: the most rows a flood could make.
      for (let i = 1; i <= DELIVERY_LOG_LIMIT + 20; i++)
        await instance.logDelivery({
          at: i * 60_000,
          source: 'flooded',
          status: 401,
          outcome: 'rejected',
          message: 'x',
          durationMs: 1,
        });
      const log = await instance.deliveryLog(1_000);
      expect(log.deliveries.map((d) => d.eventId)).toEqual(['evt_kept']);
      expect(log.refusals.length).toBe(DELIVERY_LOG_LIMIT);
      expect(log.refusals[0]!.minute).toBe((DELIVERY_LOG_LIMIT + 20) * 60_000);
    });
  });
});
