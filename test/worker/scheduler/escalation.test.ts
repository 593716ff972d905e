// Escalation when the backlog cannot meet the target staleness: patterns under common prefixes, or a purge-all.
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, putConfig } from '../support/helpers';
import { accepted, items, maxInAnyWindow, range, scheduler, testDistribution, violations } from '../support/scheduler-harness';

// 31 URL paths at 5 per call and 2 calls per 1.1 s take 7 calls, the last ~3.3 s away: past a 1.5 s target.
const behind = (id: string, escalation: string) => testDistribution(id, { targetStalenessMs: 1_500, escalation });
const DISTRIBUTIONS = {
  folding: behind('sched-esc-patterns', 'patterns'),
  fallback: behind('sched-esc-all', 'patterns-then-all'),
  relaxed: testDistribution('sched-esc-off', { targetStalenessMs: 1_500 }),
};
const folding = scheduler('folding', DISTRIBUTIONS.folding);
const fallback = scheduler('fallback', DISTRIBUTIONS.fallback);
const relaxed = scheduler('relaxed', DISTRIBUTIONS.relaxed);

interface Journey {
  distributions: {
    paths: {
      path: string;
      rule: string;
      steps: { step: string; kind: string; path: string; detail?: string; status?: number }[];
    }[];
  }[];
}

beforeAll(async () => {
  await putConfig({ distributions: DISTRIBUTIONS });
});

describe('escalation to patterns', () => {
  it('keeps what the calls available now carry as URL purges and folds the rest under common prefixes', async () => {
    const news = range('/news/a', 15);
    const shop = range('/shop/p', 15);
    await folding.enqueue('evt_fold', [...items('url', ['/home'], 0), ...items('url', [...news, ...shop], 1)]);
    await folding.drain();

    const calls = await folding.calls();
    expect(violations(calls)).toBe(0);
    // Priority, then path order: /home, then /news/a0, a1, a10...a14, a2, a3 go as URL purges.
    expect(accepted(calls, 'url').flatMap((c) => c.paths)).toEqual(['/home', ...[...news].sort().slice(0, 9)]);
    expect(accepted(calls, 'pattern').map((c) => c.paths)).toEqual([['/news*', '/shop*']]);
    expect(maxInAnyWindow(calls, 'url')).toBeLessThanOrEqual(2);

    const status = await folding.status();
    expect(status.pending).toEqual({ all: 0, pattern: 0, url: 0, prefetch: 0 });
    expect(status.lastHour.escalations).toBe(1);
    expect(status.escalations[0]).toMatchObject({ action: 'pattern', paths: 21, patterns: ['/shop*', '/news*'] });
    expect(status.escalations[0]!.reason).toMatch(
      /^31 URL paths need 7 calls; the last would go in 3\.3 s, [\d.]+ s past the 1\.5 s target; 21 folded into 2 pattern\(s\)$/,
    );
  });

  it('shows the fold in the journey: queued, folded into the pattern, the pattern call, covered', async () => {
    const journey = await (await admin('/events/evt_fold')).json<Journey>();
    const shop = journey.distributions[0]!.paths.find((p) => p.path === '/shop/p3')!;
    expect(shop.steps.map((s) => [s.step, s.kind, s.path, s.detail ?? s.status])).toEqual([
      ['queued', 'url', '/shop/p3', undefined],
      ['folded', 'url', '/shop/p3', '/shop*'],
      ['call', 'pattern', '/shop*', 200],
      ['covered', 'url', '/shop/p3', '/shop*'],
    ]);
  });
});

describe('escalation to a purge-all', () => {
  it('purges all when the paths fold into no 10 patterns under "patterns-then-all", and sends nothing else', async () => {
    await fallback.enqueue('evt_all', items('url', range('/t', 31)));
    await fallback.drain();

    const calls = await fallback.calls();
    expect(calls.map((c) => [c.kind, c.status])).toEqual([['all', 200]]);
    const [escalation] = (await fallback.status()).escalations;
    expect(escalation).toMatchObject({ action: 'all', paths: 31, patterns: [] });
    expect(escalation!.reason).toMatch(/; 11 of them fold into no pattern within 10$/);
    const journey = await (await admin('/events/evt_all')).json<Journey>();
    expect(journey.distributions[0]!.paths[0]!.steps.map((s) => [s.step, s.detail])).toEqual([
      ['queued', undefined],
      ['covered', 'all'],
    ]);
  });
});

describe('escalation "off"', () => {
  it('drains the backlog at the rate limit, exact URL purges only', async () => {
    await relaxed.enqueue('evt_off', items('url', range('/slow/', 12)));
    await relaxed.drain();
    const calls = await relaxed.calls();
    expect(calls.map((c) => c.kind)).toEqual(['url', 'url', 'url']);
    expect((await relaxed.status()).escalations).toEqual([]);
  });
});
