// 400/422 answers: the batch is bisected, only the offending paths become dead letters; the admin API retries or drops them.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { admin, putConfig } from '../support/helpers';
import { items, range, scheduler, sentCounts, testDistribution, violations } from '../support/scheduler-harness';

const DISTRIBUTIONS = {
  rejecting: testDistribution('sched-dead-letters', { limits: { windowMs: 1_100, url: { calls: 2, paths: 4 } } }),
  patterns: testDistribution('sched-dead-patterns'),
};
const rejecting = scheduler('rejecting', DISTRIBUTIONS.rejecting);
const patterns = scheduler('patterns', DISTRIBUTIONS.patterns);

interface DeadLetterList {
  deadLetters: { kind: string; path: string; status: number; message: string; event: string; rule: string | null }[];
}

beforeAll(async () => {
  await putConfig({ distributions: DISTRIBUTIONS });
});

afterEach(async () => {
  await rejecting.clearFaults();
  await patterns.clearFaults();
});

describe('a batch Gotipath rejects', () => {
  it('is split in halves until each offending path stands alone; the rest is purged once', async () => {
    const paths = range('/dl/', 8);
    await rejecting.faults({ rejectPaths: ['/dl/1', '/dl/6'] });
    await rejecting.enqueue('evt_dead', items('url', paths));
    await rejecting.drain();

    const calls = await rejecting.calls();
    expect(violations(calls)).toBe(0);
    const sent = sentCounts(calls, 'url');
    expect([...sent.keys()].sort()).toEqual(paths.filter((p) => p !== '/dl/1' && p !== '/dl/6').sort());
    expect(new Set(sent.values())).toEqual(new Set([1]));
    // Per batch of 4 with one bad path: the batch, its two halves, the bad half's two halves = 5 calls.
    expect(calls.map((c) => [c.status, c.paths.length])).toEqual([
      [422, 4],
      [422, 2],
      [200, 1],
      [422, 1], // /dl/0-3: the batch, the bad half, then each of its halves alone
      [200, 2],
      [422, 4],
      [200, 2],
      [422, 2],
      [422, 1],
      [200, 1], // /dl/2-3 (the good half), then /dl/4-7 likewise
    ]);
    const listed = await (await admin('/distributions/rejecting/dead-letters')).json<DeadLetterList>();
    expect(listed.deadLetters.map((d) => [d.path, d.status, d.event])).toEqual([
      ['/dl/1', 422, 'evt_dead'],
      ['/dl/6', 422, 'evt_dead'],
    ]);
    expect(listed.deadLetters[0]!.message).toMatch(/^paths\[0\] is invalid: \/dl\/1$/);
    expect((await rejecting.status()).deadLetters).toBe(2);
  });

  it('can be retried and dropped through the admin API', async () => {
    const retry = await admin('/distributions/rejecting/dead-letters/retry', {
      method: 'POST',
      body: JSON.stringify({ paths: ['/dl/1'] }),
    });
    expect(await retry.json()).toEqual({ retried: 1 });
    await rejecting.drain();
    expect(sentCounts(await rejecting.calls(), 'url').get('/dl/1')).toBe(1);

    const drop = await admin('/distributions/rejecting/dead-letters/drop', {
      method: 'POST',
      body: JSON.stringify({ all: true }),
    });
    expect(await drop.json()).toEqual({ dropped: 1 });
    expect(await (await admin('/distributions/rejecting/dead-letters')).json()).toEqual({ deadLetters: [] });

    const journey = await (
      await admin('/events/evt_dead')
    ).json<{ distributions: { paths: { path: string; steps: { step: string }[] }[] }[] }>();
    const steps = (path: string) =>
      journey.distributions[0]!.paths.filter((p) => p.path === path).map((p) => p.steps.map((s) => s.step));
    expect(steps('/dl/1')).toEqual([
      ['queued', 'call', 'call', 'call', 'dead'],
      ['queued', 'retried', 'call'],
    ]);
    expect(steps('/dl/6')).toEqual([['queued', 'call', 'call', 'call', 'dead']]);
  });

  it('asks which dead letters: some paths, or all of them said explicitly', async () => {
    expect((await admin('/distributions/rejecting/dead-letters/drop', { method: 'POST', body: '{}' })).status).toBe(400);
    expect((await admin('/distributions/rejecting/dead-letters/purge', { method: 'POST', body: '{"all":true}' })).status).toBe(
      404,
    );
    expect((await admin('/distributions/missing/dead-letters')).status).toBe(404);
  });

  it('dead-letters a rejected pattern alone and sends the others', async () => {
    await patterns.faults({ rejectPaths: ['/bad*'] });
    await patterns.enqueue('evt_patterns', items('pattern', ['/good*', '/bad*']));
    await patterns.drain();
    const listed = await (await admin('/distributions/patterns/dead-letters')).json<DeadLetterList>();
    expect(listed.deadLetters.map((d) => [d.kind, d.path])).toEqual([['pattern', '/bad*']]);
    expect(sentCounts(await patterns.calls(), 'pattern').get('/good*')).toBe(1);
  });
});
