// @ts-check
// Tests for the freshness benchmark's pure helpers: `node --test scripts/bench/freshness-measure.test.mjs`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveTimes, stalePages, verifiedBound } from './freshness-measure.mjs';

/** @param {number} at @param {string} path @param {'evicted' | 'lost' | 'kept' | 'absent'} outcome */
const eviction = (at, path, outcome = 'evicted') => ({
  at,
  distributionId: 'd',
  type: /** @type {const} */ ('url'),
  path,
  outcome,
});

describe('liveTimes', () => {
  it('counts from the acknowledgement to the first eviction after the event was sent', () => {
    const events = [{ i: 0, sentAt: 100, ackAt: 110 }];
    const evictions = [eviction(50, '/a'), eviction(400, '/a', 'lost'), eviction(900, '/a'), eviction(1_000, '/a')];
    assert.deepEqual(
      liveTimes(events, evictions, () => ['/a']),
      [790],
    );
  });

  it('is Infinity for a page never evicted after its event (lost or kept)', () => {
    const events = [{ i: 0, sentAt: 100, ackAt: 110 }];
    assert.deepEqual(
      liveTimes(events, [eviction(500, '/a', 'kept')], () => ['/a', '/b']),
      [Infinity, Infinity],
    );
  });
});

describe('stalePages', () => {
  it('counts cached pages whose ETag is not the origin’s, ignoring paths the origin does not serve', () => {
    const origin = new Map([
      ['/a', { etag: '"1"' }],
      ['/b', { etag: '"2"' }],
    ]);
    const entries = [
      { path: '/a', etag: '"1"' },
      { path: '/b', etag: '"old"' },
      { path: '/c', etag: '"x"' },
    ];
    assert.equal(stalePages(entries, origin), 1);
  });
});

describe('verifiedBound', () => {
  it('waits for the later of eviction and first check, then paces checks at the origin’s rate', () => {
    const sends = [
      { ackAt: 0, sentAt: 1_000 },
      { ackAt: 0, sentAt: 1_000 },
      { ackAt: 500, sentAt: 1_000 },
    ];
    // Due at 2,500 each; 10 checks a second: 2,500, 2,600, 2,700.
    assert.deepEqual(verifiedBound(sends, { evictMs: 1_000, firstCheckMs: 1_500, ratePerSecond: 10 }), [2_500, 2_600, 2_200]);
  });
});
