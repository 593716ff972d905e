// Gotipath's general limit, 4 requests per second for the whole account: ten distributions flushing at once ask one
// limiter for their slots, and the stand-in (which counts every request of the account) never sees a fifth.
import { beforeAll, describe, expect, it } from 'vitest';
import { putConfig } from '../support/helpers';
import {
  items,
  range,
  scheduler,
  sentCounts,
  testDistribution,
  violations,
  type StandinCall,
} from '../support/scheduler-harness';

const NAMES = Array.from({ length: 10 }, (_, i) => `acct${i}`);
const DISTRIBUTIONS = Object.fromEntries(NAMES.map((name) => [name, testDistribution(`sched-account-${name}`)]));
const schedulers = NAMES.map((name) => scheduler(name, DISTRIBUTIONS[name]!));

/** The most calls whose answers the stand-in gave within any `windowMs`. */
function maxInAnySecond(calls: readonly StandinCall[], windowMs = 1_000): number {
  const times = calls.map((c) => c.at).sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[lo]! <= times[hi]! - windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

beforeAll(async () => {
  await putConfig({ distributions: DISTRIBUTIONS });
  // One account on the stand-in's side too: it refuses (and counts) any fifth request in a second.
  for (const s of schedulers) await s.faults({ account: 'sched-account-ten' });
});

describe("the account's general limit", () => {
  it('keeps ten distributions flushing at once to at most 4 calls in any second, all kinds together', async () => {
    const started = Date.now();
    await Promise.all(
      schedulers.map(async (s, i) => {
        await s.enqueue(`evt_account_${i}`, [
          ...items('url', range(`/account/${i}/`, 10)),
          ...items('pattern', [`/acct-${i}/*`]),
        ]);
        await s.drain(30_000);
      }),
    );
    const calls = (await Promise.all(schedulers.map((s) => s.calls()))).flat();
    const seconds = (Math.max(...calls.map((c) => c.at)) - started) / 1_000;
    const most = maxInAnySecond(calls);
    console.log(
      `ACCOUNT_LIMIT distributions=${NAMES.length} calls=${calls.length} maxInAnySecond=${most} seconds=${seconds.toFixed(1)} violations=${violations(calls)}`,
    );
    // Per distribution: two URL calls of 5 paths and one pattern call, 30 calls that all could go at once.
    expect(calls).toHaveLength(30);
    expect(most).toBeLessThanOrEqual(4);
    expect(violations(calls)).toBe(0);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    for (const [i, s] of schedulers.entries()) {
      const sent = sentCounts(await s.calls(), 'url');
      expect([...sent.keys()].sort()).toEqual(range(`/account/${i}/`, 10).sort());
    }
  });
});
