// The admin face of the schedulers: manual purges, cron, status per distribution, one event's journey.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSchedules } from '../../../src/jobs/cron';
import { admin, putConfig } from '../support/helpers';
import { scheduler, testDistribution } from '../support/scheduler-harness';

const DISTRIBUTIONS = { site: testDistribution('sched-admin-site'), shop: testDistribution('sched-admin-shop') };
const site = scheduler('site', DISTRIBUTIONS.site);
const shop = scheduler('shop', DISTRIBUTIONS.shop);

interface Step {
  step: string;
  kind: string;
  path: string;
  rule?: string;
  batch?: number;
  status?: number;
  attempt?: number;
}
interface Journey {
  eventId: string;
  distributions: { distribution: string; paths: { kind: string; path: string; rule: string; steps: Step[] }[] }[];
}

beforeAll(async () => {
  await putConfig({
    distributions: DISTRIBUTIONS,
    schedules: [{ id: 'nightly', cron: '0 3 * * *', distribution: 'shop', purge: ['/sitemap-{date}.xml'] }],
  });
});

const purge = (body: unknown) => admin('/purge', { method: 'POST', body: JSON.stringify(body) });

describe('POST /admin/purge', () => {
  it('queues paths and patterns through the scheduler and the journey follows each to its Gotipath call', async () => {
    const response = await purge({ distribution: 'site', paths: ['/a', '/b'], patterns: ['/c/*'] });
    expect(response.status).toBe(202);
    const receipt = await response.json<{ eventId: string }>();
    expect(receipt).toMatchObject({ paths: 2, patterns: 1, prefetch: 0, all: false });
    await site.drain();

    const journey = await (await admin(`/events/${receipt.eventId}`)).json<Journey>();
    expect(journey.distributions.map((d) => d.distribution)).toEqual(['site']);
    const paths = journey.distributions[0]!.paths;
    expect(paths.map((p) => [p.kind, p.path, p.rule])).toEqual([
      ['url', '/a', 'manual'],
      ['url', '/b', 'manual'],
      ['pattern', '/c/*', 'manual'],
    ]);
    for (const p of paths) {
      expect(p.steps.map((s) => s.step)).toEqual(['queued', 'call']);
      expect(p.steps[1]).toMatchObject({ status: 200, attempt: 1, batch: expect.any(Number) });
    }
    expect(paths[0]!.steps[1]!.batch).toBe(paths[1]!.steps[1]!.batch);
  });

  it('purges all on request', async () => {
    expect((await purge({ distribution: 'shop', all: true })).status).toBe(202);
    await shop.drain();
    expect((await shop.calls()).map((c) => [c.kind, c.status])).toEqual([['all', 200]]);
  });

  it('refuses an empty request, an unknown distribution and a pattern without a leading slash', async () => {
    expect((await purge({ distribution: 'site' })).status).toBe(400);
    expect((await purge({ distribution: 'nowhere', paths: ['/a'] })).status).toBe(404);
    const bad = await purge({ distribution: 'site', patterns: ['blog/*'] });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: string }>()).error).toContain('patterns[0]: a path must start with "/"');
  });
});

describe('cron schedules', () => {
  it('enqueue through the same scheduler, the schedule named as the rule', async () => {
    const at = Date.UTC(2026, 10, 23, 3, 0, 0);
    expect(await runSchedules(env, '0 3 * * *', at)).toBe(1);
    await shop.drain();
    const journey = await (await admin(`/events/cron_nightly_${at}`)).json<Journey>();
    const [path] = journey.distributions[0]!.paths;
    expect(path).toMatchObject({ kind: 'url', path: '/sitemap-2026-11-23.xml', rule: 'schedule:nightly' });
    expect(path!.steps.map((s) => [s.step, s.status])).toEqual([
      ['queued', undefined],
      ['call', 200],
    ]);
  });
});

describe('GET /admin/status and /admin/events/{id}', () => {
  it('shows each distribution: backlog, tokens, health, last error, last hour, escalations', async () => {
    const response = await admin('/status');
    expect(response.status).toBe(200);
    const body = await response.json<{ distributions: Record<string, unknown>[] }>();
    const [siteStatus, shopStatus] = body.distributions;
    expect(siteStatus).toMatchObject({
      distribution: 'site',
      distributionId: 'sched-admin-site',
      health: 'ok',
      pending: { all: 0, pattern: 0, url: 0, prefetch: 0 },
      targetStalenessMs: 300_000,
      lastHour: { calls: 2, paths: 3, byStatus: { 200: 2 }, escalations: 0 },
      escalations: [],
      deadLetters: 0,
    });
    expect(siteStatus!.tokens).toMatchObject({ all: 1, prefetch: 1 });
    expect(siteStatus!.oldestPendingAgeMs).toBeUndefined();
    expect(shopStatus).toMatchObject({ distribution: 'shop', lastHour: { calls: 2 } });
  });

  it('answers 404 for an event no scheduler has a record of', async () => {
    const response = await admin('/events/evt_never');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no record of event "evt_never": unknown, or older than the ledger keeps' });
  });
});
