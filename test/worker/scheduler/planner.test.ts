// The pure planning functions: rate windows, batching, bisection groups, prefix folding, escalation, backoff.
import { describe, expect, it } from 'vitest';
import { foldPaths, planEscalation } from '../../../src/purge/escalate';
import { backoffDelay, parseRetryAfter, plan, windowState, type QueuedPath } from '../../../src/purge/planner';
import type { DistributionConfig } from '../../../src/rules/schema';

const LIMITS: DistributionConfig['limits'] = {
  windowMs: 60_000,
  url: { calls: 2, paths: 3 },
  pattern: { calls: 1, paths: 10 },
  all: { calls: 1, paths: 1 },
  prefetch: { calls: 1, paths: 100 },
};
const NOW = 1_000_000;
const url = (path: string, priority = 0, enqueuedAt = NOW): QueuedPath => ({ kind: 'url', path, priority, enqueuedAt });
const urls = (n: number, prefix = '/p/', enqueuedAt = NOW) =>
  Array.from({ length: n }, (_, i) => url(`${prefix}${i}`, 0, enqueuedAt));
const input = (queue: QueuedPath[], extra: Partial<Parameters<typeof plan>[0]> = {}) => ({
  queue,
  calls: [],
  limits: LIMITS,
  now: NOW,
  blockedUntil: {},
  ...extra,
});

describe('windowState', () => {
  it('counts the calls of one kind inside the window and says when the next slot opens', () => {
    const calls = [
      { kind: 'url' as const, at: NOW - 70_000 },
      { kind: 'url' as const, at: NOW - 50_000 },
      { kind: 'url' as const, at: NOW - 10_000 },
      { kind: 'pattern' as const, at: NOW - 1 },
    ];
    expect(windowState(calls, 'url', LIMITS, NOW)).toEqual({ available: 0, nextSlotAt: NOW - 50_000 + 60_000 + 1 });
    expect(windowState(calls.slice(0, 2), 'url', LIMITS, NOW)).toEqual({ available: 1, nextSlotAt: NOW });
    expect(windowState(calls, 'pattern', LIMITS, NOW).available).toBe(0);
  });

  it('counts a call stamped in the future (a timed-out call) until its window has passed', () => {
    const calls = [{ kind: 'pattern' as const, at: NOW + 5_000 }];
    expect(windowState(calls, 'pattern', LIMITS, NOW)).toEqual({ available: 0, nextSlotAt: NOW + 65_001 });
  });
});

describe('plan', () => {
  it('sends paths in priority order, each call filled to its cap, no more calls than the window allows', () => {
    const queue = [url('/c', 2), url('/a', 0), url('/b', 1), url('/d', 0, NOW + 1), url('/e', 3), url('/f', 3), url('/g', 4)];
    const result = plan(input(queue));
    expect(result.batches).toEqual([
      { kind: 'url', paths: ['/a', '/d', '/b'] },
      { kind: 'url', paths: ['/c', '/e', '/f'] },
    ]);
    expect(result.wakeAt).toBe(NOW + 60_001);
  });

  it('lets a better priority jump at most one window per level: an older listing goes before newer pages', () => {
    const window = LIMITS.windowMs;
    const oldListing = url('/list', 1, NOW - window - 20);
    const recentListing = url('/list-new', 1, NOW - window + 1);
    const pages = [url('/p1', 0, NOW - 10), url('/p2', 0, NOW - 5)];
    const result = plan(input([...pages, recentListing, oldListing], { now: NOW }));
    expect(result.batches[0]).toEqual({ kind: 'url', paths: ['/list', '/p1', '/p2'] });
    expect(result.batches[1]).toEqual({ kind: 'url', paths: ['/list-new'] });
  });

  it('sends a queued purge-all alone and holds everything else until it has gone', () => {
    const queue = [
      url('/a'),
      { kind: 'all' as const, path: '', priority: 0, enqueuedAt: NOW },
      { kind: 'pattern' as const, path: '/x*', priority: 0, enqueuedAt: NOW },
    ];
    expect(plan(input(queue)).batches).toEqual([{ kind: 'all', paths: [''] }]);
  });

  it('waits for a kind that is blocked (Retry-After, backoff) and wakes when it is free', () => {
    const result = plan(
      input([url('/a'), { kind: 'pattern', path: '/x*', priority: 0, enqueuedAt: NOW }], { blockedUntil: { url: NOW + 5_000 } }),
    );
    expect(result.batches).toEqual([{ kind: 'pattern', paths: ['/x*'] }]);
    expect(result.wakeAt).toBe(NOW + 5_000);
  });

  it('sends a prefetch only once released, and not before its time', () => {
    const prefetch = (path: string, notBefore: number | null): QueuedPath => ({
      kind: 'prefetch',
      path,
      priority: 0,
      enqueuedAt: NOW,
      notBefore,
    });
    const result = plan(input([prefetch('/held', null), prefetch('/later', NOW + 500), prefetch('/now', NOW)]));
    expect(result.batches).toEqual([{ kind: 'prefetch', paths: ['/now'] }]);
    expect(result.wakeAt).toBe(NOW + 500);
  });

  it('sends each group under suspicion alone, before the other paths', () => {
    const queue = urls(6);
    const result = plan(input(queue, { suspects: { url: [['/p/4'], ['/p/5', '/gone']] } }));
    expect(result.batches).toEqual([
      { kind: 'url', paths: ['/p/4'] },
      { kind: 'url', paths: ['/p/5'] },
    ]);
  });
});

describe('foldPaths', () => {
  it('folds paths under their common prefixes, deepest first, into at most max patterns', () => {
    const paths = ['/news/2026/a', '/news/2026/b', '/news/2025/c', '/shop/x/1', '/shop/y/2', '/about'];
    expect(foldPaths(paths, 3, 1)).toEqual({
      groups: [
        { pattern: '/news*', paths: ['/news/2026/a', '/news/2026/b', '/news/2025/c'] },
        { pattern: '/shop*', paths: ['/shop/x/1', '/shop/y/2'] },
        { pattern: '/about*', paths: ['/about'] },
      ],
      rest: [],
    });
  });

  it('keeps patterns as specific as the limit allows', () => {
    const result = foldPaths(['/news/2026/a', '/news/2026/b', '/news/2025/c', '/news/2025/d'], 2, 1);
    expect(result.groups.map((g) => g.pattern)).toEqual(['/news/2025*', '/news/2026*']);
  });

  it('merges a path into a pattern that already covers it, and ignores query strings when cutting', () => {
    expect(foldPaths(['/blog', '/blog/a?page=2', '/blog/b'], 10, 1).groups).toEqual([
      { pattern: '/blog*', paths: ['/blog', '/blog/a?page=2', '/blog/b'] },
    ]);
  });

  it('never folds above foldDepth: what does not fit comes back as rest, largest groups kept', () => {
    const paths = ['/a/1', '/a/2', '/a/3', '/b/1', '/b/2', '/c/1', '/', '/d'];
    const result = foldPaths(paths, 2, 1);
    expect(result.groups.map((g) => g.pattern)).toEqual(['/a*', '/b*']);
    expect(result.rest.sort()).toEqual(['/', '/c/1', '/d']);
    expect(foldPaths(['/a/1/x', '/a/2/y'], 1, 2)).toEqual({
      groups: [{ pattern: '/a/1*', paths: ['/a/1/x'] }],
      rest: ['/a/2/y'],
    });
  });
});

describe('planEscalation', () => {
  const config = (escalation: DistributionConfig['escalation'], targetStalenessMs = 90_000) => ({
    limits: LIMITS,
    targetStalenessMs,
    escalation,
    foldDepth: 1,
  });
  const base = { patternsQueued: 0, calls: [], now: NOW };

  it('does nothing when the calls available now carry the backlog', () => {
    expect(planEscalation({ ...base, urls: urls(6, '/p/', NOW - 999_000), config: config('patterns', 1_000) })).toBeUndefined();
  });

  it('does nothing when the backlog clears within the target', () => {
    // 12 paths = 4 calls: 2 now, 2 a window later (60 s), within the 90 s target.
    expect(planEscalation({ ...base, urls: urls(12), config: config('patterns') })).toBeUndefined();
  });

  it('folds the paths the calls available now cannot carry into patterns, keeping the first ones exact', () => {
    const queue = [...urls(10, '/news/'), ...urls(10, '/shop/'), url('/top', -1)];
    const result = planEscalation({ ...base, urls: queue, config: config('patterns', 30_000) });
    expect(result?.action).toBe('pattern');
    expect(result?.paths).toBe(15);
    expect(result?.groups.map((g) => g.pattern)).toEqual(['/shop*', '/news*']);
    expect(result?.groups.flatMap((g) => g.paths)).not.toContain('/top');
    expect(result?.reason).toMatch(
      /^21 URL paths need 7 calls; the last would go in 180 s, 150 s past the 30 s target; 15 folded into 2 pattern\(s\)$/,
    );
  });

  it('purges all when the policy is "all", or when patterns cannot cover the rest under "patterns-then-all"', () => {
    expect(planEscalation({ ...base, urls: urls(20), config: config('all', 30_000) })?.action).toBe('all');
    const diverse = Array.from({ length: 30 }, (_, i) => url(`/p${i}`));
    const escalation = planEscalation({ ...base, urls: diverse, config: config('patterns-then-all', 30_000) });
    expect(escalation?.action).toBe('all');
    expect(escalation?.reason).toMatch(/14 of them fold into no pattern within 10$/);
    expect(planEscalation({ ...base, urls: diverse, config: config('off', 30_000) })).toBeUndefined();
  });
});

describe('backoff and Retry-After', () => {
  it('grows exponentially with jitter, never below half the base, never above the cap', () => {
    expect(backoffDelay(1, 0, 2_000, 300_000)).toBe(1_000);
    expect(backoffDelay(1, 1, 2_000, 300_000)).toBe(2_000);
    expect(backoffDelay(4, 1, 2_000, 300_000)).toBe(16_000);
    expect(backoffDelay(30, 1, 2_000, 300_000)).toBe(300_000);
    expect(backoffDelay(30, 0.5, 2_000, 300_000)).toBe(150_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7_000);
    expect(parseRetryAfter(new Date(NOW + 3_000).toUTCString(), NOW)).toBe(3_000);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
});
