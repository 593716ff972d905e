// The scheduler end to end inside workerd: webhooks queue paths durably, alarms send them in
// batches of at most 100 within the distribution's limits, to the Gotipath stand-in.
import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { schedulerFor } from '../../../src/purge/scheduler';
import {
  admin,
  baseConfig,
  distributionConfig,
  postWebhook,
  putConfig,
  secret,
  standinFaults,
  waitFor,
} from '../support/helpers';

const DIST = 'dist-spine';
interface StandinCall {
  distributionId: string;
  kind: string;
  type: string;
  paths: string[];
  status: number;
  at: number;
}

async function standinCalls(): Promise<StandinCall[]> {
  const calls = await (await fetch(`${env.STANDIN_URL}/__standin/calls`)).json<StandinCall[]>();
  return calls.filter((c) => c.distributionId === DIST);
}

const strapiPublish = (slug: string) =>
  postWebhook('strapi', JSON.stringify({ event: 'entry.publish', model: 'article', entry: { id: slug, slug } }), {
    authorization: `Bearer ${secret('STRAPI_TOKEN')}`,
  });

// The stand-in's rate window is 1 s in tests; this one is slightly longer, as the real one is 60 s.
const CONFIG = baseConfig({ distributions: { main: { id: DIST, coalesceMs: 60_000, limits: { windowMs: 1_100 } } } });
let distribution: Awaited<ReturnType<typeof distributionConfig>>;

beforeAll(async () => {
  await putConfig(CONFIG);
  distribution = await distributionConfig(CONFIG);
});

describe('PurgeScheduler', () => {
  it('batches 250 distinct paths into calls of at most 100, two per window, and purges each exactly once', async () => {
    for (let i = 0; i < 250; i++) expect((await strapiPublish(`post-${i}`)).status).toBe(202);
    const stub = schedulerFor(env, DIST);
    expect((await stub.status(distribution)).pending).toMatchObject({ url: 250, pattern: 0, all: 0 });

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    let calls = await standinCalls();
    expect(calls.map((c) => [c.status, c.type, c.paths.length])).toEqual([
      [200, 'url', 100],
      [200, 'url', 100],
    ]);
    // The third batch waits for the window: the scheduler set its alarm rather than sending.
    expect((await stub.status(distribution)).pending).toMatchObject({ url: 50, pattern: 0, all: 0 });

    // Its alarm fires on its own once the window has moved on.
    calls = await waitFor(async () => {
      const now = await standinCalls();
      return now.length >= 3 && now;
    });
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(calls[2]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1_100);
    const purged = calls.flatMap((c) => c.paths);
    expect(new Set(purged).size).toBe(250);
    expect(purged).toHaveLength(250);
    expect(purged).toContain('/articles/post-249');
    // The scheduler takes the last answer in a moment after the stand-in gave it.
    await waitFor(async () => Object.values((await stub.status(distribution)).pending).every((n) => n === 0));
  });

  it('keeps the paths and tries again later when Gotipath fails', async () => {
    await standinFaults({ errorRate: 1 });
    const stub = schedulerFor(env, DIST);
    try {
      await strapiPublish('retry-me');
      await waitFor(async () => (await stub.status(distribution)).oldestPendingAgeMs! > 1_200);
      await runDurableObjectAlarm(stub);
      const status = await stub.status(distribution);
      expect(status.pending).toMatchObject({ url: 1, pattern: 0, all: 0 });
      expect(status.health).toBe('failing');
      expect(status.lastError).toMatchObject({ status: 503 });
      expect(status.nextSendAt).toBeDefined();
    } finally {
      await standinFaults({ errorRate: 0 });
    }
    // Backoff after one failure is at most 2 s; the alarm then sends it.
    await waitFor(async () => Object.values((await stub.status(distribution)).pending).every((n) => n === 0), 5_000);
    expect((await standinCalls()).filter((c) => c.status === 200).flatMap((c) => c.paths)).toContain('/articles/retry-me');
  });

  it('sends a manual purge-all through the same queue', async () => {
    const response = await admin('/purge', { method: 'POST', body: JSON.stringify({ distribution: 'main', all: true }) });
    expect(response.status).toBe(202);
    await runDurableObjectAlarm(schedulerFor(env, DIST));
    const last = (await standinCalls()).at(-1);
    expect(last).toMatchObject({ type: 'all', paths: [], status: 200 });
  });
});
