// The pure parts behind refusals and the account's general limit: what an answer means, how parked paths are
// planned, and when the account's window lets the next call start.
import { describe, expect, it } from 'vitest';
import { nextStart, type Slot } from '../../../src/purge/account-window';
import { plan, type QueuedPath } from '../../../src/purge/planner';
import { classify } from '../../../src/purge/refusal';
import type { DistributionConfig } from '../../../src/rules/schema';

const LIMITS: DistributionConfig['limits'] = {
  windowMs: 60_000,
  url: { calls: 2, paths: 3 },
  pattern: { calls: 1, paths: 10 },
  all: { calls: 1, paths: 1 },
  prefetch: { calls: 1, paths: 100 },
};
const NOW = 1_000_000;
const queued = (kind: QueuedPath['kind'], path: string): QueuedPath => ({ kind, path, priority: 0, enqueuedAt: NOW });
const input = (queue: QueuedPath[], parked: Parameters<typeof plan>[0]['parked']) => ({
  queue,
  calls: [],
  limits: LIMITS,
  now: NOW,
  blockedUntil: {},
  parked,
});

describe('classify', () => {
  const no = (status: number, message = 'Bad Request') => ({ ok: false as const, status, message });
  it('reads a 400 about a quota as a rate limit, as a 429 (Gcore: "exceeded the URL quota")', () => {
    expect(classify(no(400, 'exceeded the URL quota'))).toBe('rate');
    expect(classify(no(400, 'Quota exceeded for purges'))).toBe('rate');
    expect(classify(no(429))).toBe('rate');
  });

  it('reads other 400s, 413 and 422 as refusals, 401/403 as credentials, the rest as failures', () => {
    expect([no(400, 'type is invalid'), no(413), no(422)].map(classify)).toEqual(['refused', 'refused', 'refused']);
    expect([no(401), no(403)].map(classify)).toEqual(['auth', 'auth']);
    expect([no(404), no(500), no(0, 'network error')].map(classify)).toEqual(['failure', 'failure', 'failure']);
    expect(classify({ ok: true, status: 200 })).toBe('ok');
  });
});

describe('plan with parked paths', () => {
  it('leaves a parked path out of its kind’s calls while other paths of the kind are queued', () => {
    const queue = ['/bad', '/a', '/b'].map((p) => queued('url', p));
    const result = plan(input(queue, { url: { paths: ['/bad'], retryAt: NOW + 5_000 } }));
    expect(result.batches).toEqual([{ kind: 'url', paths: ['/a', '/b'] }]);
  });

  it('tries parked paths alone, each its own call, once their retry is due and nothing else of the kind is queued', () => {
    const queue = ['/x', '/y', '/z'].map((p) => queued('url', p));
    const later = plan(input(queue, { url: { paths: ['/x', '/y', '/z'], retryAt: NOW + 5_000 } }));
    expect(later).toEqual({ batches: [], wakeAt: NOW + 5_000 });
    const due = plan(input(queue, { url: { paths: ['/x', '/y', '/z'], retryAt: NOW } }));
    expect(due.batches).toEqual([
      { kind: 'url', paths: ['/x'] },
      { kind: 'url', paths: ['/y'] },
    ]);
  });

  it('does not let a parked purge-all hold every other call', () => {
    const queue = [queued('all', ''), queued('url', '/a')];
    const result = plan(input(queue, { all: { paths: [''], retryAt: NOW + 5_000 } }));
    expect(result).toEqual({ batches: [{ kind: 'url', paths: ['/a'] }], wakeAt: NOW + 5_000 });
  });
});

describe('nextStart (the account’s general limit)', () => {
  const LIMIT = { calls: 4, windowMs: 1_000 };
  const ended = (id: number, endedAt: number): Slot => ({ id, grantedAt: endedAt - 10, endedAt, holdUntil: endedAt + 30_000 });
  const inFlight = (id: number, grantedAt: number): Slot => ({ id, grantedAt, endedAt: null, holdUntil: grantedAt + 30_000 });

  it('lets a call start at once while fewer than the limit count', () => {
    expect(nextStart([ended(1, NOW - 10), inFlight(2, NOW)], LIMIT, NOW)).toBe(NOW);
    expect(
      nextStart([ended(1, NOW - 1_000), ended(2, NOW - 1_000), ended(3, NOW - 1_000), ended(4, NOW - 1_000)], LIMIT, NOW),
    ).toBe(NOW);
  });

  it('counts a call one window from its answer, so the next starts when enough answers are a window old', () => {
    const slots = [ended(1, NOW - 900), ended(2, NOW - 500), ended(3, NOW - 100), inFlight(4, NOW - 50)];
    expect(nextStart(slots, LIMIT, NOW)).toBe(NOW - 900 + 1_000);
  });

  it('waits for a release when only calls in flight could free a slot', () => {
    const slots = [inFlight(1, NOW - 10), inFlight(2, NOW - 10), inFlight(3, NOW - 10), inFlight(4, NOW - 10)];
    expect(nextStart(slots, LIMIT, NOW)).toBeUndefined();
  });

  it('takes a call never released (its scheduler died) as ended when its hold runs out', () => {
    const stale = { id: 1, grantedAt: NOW - 40_000, endedAt: null, holdUntil: NOW - 1_500 };
    const slots = [stale, inFlight(2, NOW), inFlight(3, NOW), inFlight(4, NOW)];
    expect(nextStart(slots, LIMIT, NOW)).toBe(NOW);
  });
});
