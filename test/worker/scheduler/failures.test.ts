// The scheduler when Gotipath fails: 5xx, resets, slow answers, a long outage, wrong credentials. Nothing is lost.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { admin, putConfig } from '../support/helpers';
import {
  accepted,
  items,
  maxInAnyWindow,
  range,
  scheduler,
  sentCounts,
  testDistribution,
  violations,
  type StandinCall,
} from '../support/scheduler-harness';

const DISTRIBUTIONS = {
  errors: testDistribution('sched-fail-5xx'),
  slow: testDistribution('sched-fail-slow', { limits: { windowMs: 1_100, pattern: { calls: 1, paths: 1 } } }),
  outage: testDistribution('sched-fail-outage'),
  denied: testDistribution('sched-fail-401'),
  resumed: testDistribution('sched-fail-resume', { retry: { authProbeMs: 60_000 } }),
};
const errors = scheduler('errors', DISTRIBUTIONS.errors);
const slow = scheduler('slow', DISTRIBUTIONS.slow);
const outage = scheduler('outage', DISTRIBUTIONS.outage);
const denied = scheduler('denied', DISTRIBUTIONS.denied);
const resumed = scheduler('resumed', DISTRIBUTIONS.resumed);

beforeAll(async () => {
  // The live config gives the client its timeout: short, so slow answers time out quickly.
  await putConfig({ gotipath: { timeoutMs: 400 }, distributions: DISTRIBUTIONS });
});

afterEach(async () => {
  for (const s of [errors, slow, outage, denied, resumed]) await s.clearFaults();
});

const gaps = (calls: readonly StandinCall[]) => calls.slice(1).map((c, i) => c.at - calls[i]!.at);

describe('5xx and connection resets', () => {
  it('back off with jitter, keep the paths queued and send each once it is accepted', async () => {
    const paths = range('/errors/', 10);
    await errors.faults({ errorRate: 1, errorStatus: 502 });
    await errors.enqueue('evt_5xx', items('url', paths));
    await errors.driveUntil(async () => (await errors.calls()).length >= 3);
    expect(await errors.status()).toMatchObject({ health: 'failing', lastError: { status: 502 }, pending: { url: 10 } });
    await errors.faults({ errorRate: null, resetRate: 1 });
    await errors.driveUntil(async () => (await errors.calls()).filter((c) => c.status === 0).length >= 2);
    await errors.clearFaults();
    await errors.drain();

    const calls = await errors.calls();
    const failed = calls.filter((c) => c.status !== 200);
    expect(failed.length).toBeGreaterThanOrEqual(5);
    // Each failure waits at least half the base delay (200 ms) before the next try.
    for (const gap of gaps(calls.slice(0, failed.length + 1))) expect(gap).toBeGreaterThanOrEqual(90);
    expect(violations(calls)).toBe(0);
    expect(sentCounts(calls, 'url').size).toBe(paths.length);
    expect(new Set(sentCounts(calls, 'url').values())).toEqual(new Set([1]));
    expect((await errors.status()).health).toBe('ok');
  });
});

describe('slow answers', () => {
  it('count a call that timed out as made one timeout later, so a late acceptance never breaks the window', async () => {
    await slow.faults({ delayMs: 700 });
    await slow.enqueue('evt_slow', items('pattern', ['/slow/a*', '/slow/b*']));
    await slow.driveUntil(async () => (await slow.status()).lastError?.status === 0);
    expect((await slow.status()).lastError?.message).toBe('no answer within 400 ms');
    // Gotipath answers fast again while it is still working on the call that timed out.
    await slow.clearFaults();
    await slow.drain();

    const calls = await slow.calls();
    expect(violations(calls)).toBe(0);
    expect(maxInAnyWindow(calls, 'pattern')).toBe(1);
    expect([...sentCounts(calls, 'pattern').keys()].sort()).toEqual(['/slow/a*', '/slow/b*']);
  });
});

describe('a long outage', () => {
  it('backs off up to its cap, never storms, and delivers everything once Gotipath is back', async () => {
    const paths = range('/outage/', 10);
    const start = Date.now();
    await outage.faults({ outageUntil: start + 3_500 });
    await outage.enqueue('evt_outage', items('url', paths));
    await outage.drain();

    const calls = await outage.calls();
    const during = calls.filter((c) => c.status === 503);
    expect(during.length).toBeGreaterThanOrEqual(3);
    // Backoff: at least half the base (100 ms); at most the cap (800 ms) or the window the failed calls spent (1.1 s).
    for (const gap of gaps(during)) expect(gap).toBeGreaterThanOrEqual(90);
    for (const gap of gaps(during)) expect(gap).toBeLessThanOrEqual(1_900);
    expect(during.length).toBeLessThanOrEqual(3_500 / 100 + 1);
    expect(sentCounts(calls, 'url').size).toBe(10);
    expect(violations(calls)).toBe(0);
    const status = await outage.status();
    expect(status.lastHour.byStatus).toMatchObject({ 503: during.length });
    expect(status.health).toBe('ok');
  });
});

describe('401 Unauthorized', () => {
  it('holds the whole queue after one refused call, probes the credentials, and resumes when they work', async () => {
    await denied.faults({ unauthorized: true });
    await denied.enqueue('evt_401', [...items('url', range('/denied/', 10)), ...items('pattern', ['/denied/p*'])]);
    await denied.driveUntil(async () => (await denied.calls()).filter((c) => c.method === 'GET').length >= 3);

    const held = await denied.status();
    expect(held).toMatchObject({
      health: 'unauthorized',
      pending: { url: 10, pattern: 1 },
      lastError: { kind: 'probe', status: 401 },
    });
    expect(held.nextProbeAt).toBeDefined();
    const purges = (await denied.calls()).filter((c) => c.method === 'POST');
    expect(purges).toHaveLength(1);
    expect(purges[0]!.status).toBe(401);

    await denied.clearFaults();
    await denied.drain();
    const calls = await denied.calls();
    expect(sentCounts(calls, 'url').size).toBe(10);
    expect(accepted(calls, 'pattern')).toHaveLength(1);
    expect((await denied.status()).health).toBe('ok');
  });

  it('resumes at once on POST /admin/distributions/{name}/resume, without waiting for the probe', async () => {
    await resumed.faults({ unauthorized: true });
    await resumed.enqueue('evt_resume', items('url', range('/resumed/', 3)));
    await resumed.driveUntil(async () => (await resumed.status()).health === 'unauthorized');
    await resumed.clearFaults();

    const response = await admin('/distributions/resumed/resume', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ health: 'ok' });
    await resumed.drain(3_000);
    const calls = await resumed.calls();
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(0);
    expect(sentCounts(calls, 'url').size).toBe(3);
  });

  it('answers 404 to a resume of a distribution the config does not name', async () => {
    expect((await admin('/distributions/nope/resume', { method: 'POST' })).status).toBe(404);
  });
});
