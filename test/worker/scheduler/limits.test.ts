// The scheduler within Gotipath's limits: bursts, priority order, full calls, 429s honoured, nothing lost.
import { runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { flush } from '../../../src/purge/flush';
import type { CallOutcome, GotipathClient } from '../../../src/purge/gotipath';
import { applyOutcome, initialState } from '../../../src/purge/outcome';
import { QueueStore } from '../../../src/purge/queue-store';
import {
  items,
  maxInAnyWindow,
  range,
  scheduler,
  sentCounts,
  sleep,
  testDistribution,
  violations,
} from '../support/scheduler-harness';

// Both events land within the coalescing window, so the first call already sees every path.
const burst = scheduler('burst', testDistribution('sched-limits-burst', { coalesceMs: 1_000 }));
const limited = scheduler('limited', testDistribution('sched-limits-429'));

afterEach(async () => {
  await burst.clearFaults();
  await limited.clearFaults();
});

describe('a burst of purges', () => {
  it('never exceeds a limit, sends every path once, highest priority first, each call filled to its cap', async () => {
    const low = range('/burst/low-', 10);
    const high = range('/burst/high-', 8);
    const patterns = range('/burst/p', 12).map((p) => `${p}/*`);
    await burst.enqueue('evt_burst_1', items('url', low, 2));
    await burst.enqueue('evt_burst_2', [...items('url', high, 0), ...items('pattern', patterns)]);
    await burst.drain();

    const calls = await burst.calls();
    expect(violations(calls)).toBe(0);
    expect(maxInAnyWindow(calls, 'url')).toBeLessThanOrEqual(2);
    expect(maxInAnyWindow(calls, 'pattern')).toBeLessThanOrEqual(1);
    const urls = calls.filter((c) => c.kind === 'url');
    expect(urls.map((c) => c.paths.length)).toEqual([5, 5, 5, 3]);
    expect(
      urls
        .slice(0, 2)
        .flatMap((c) => c.paths)
        .slice(0, 8),
    ).toEqual([...high].sort());
    expect([...sentCounts(calls, 'url')]).toEqual(expect.arrayContaining([...high, ...low].map((p) => [p, 1])));
    expect(sentCounts(calls, 'url').size).toBe(18);
    expect(calls.filter((c) => c.kind === 'pattern').map((c) => c.paths.length)).toEqual([10, 2]);
  });

  it('reports the calls and paths of the last hour and the tokens left', async () => {
    const status = await burst.status();
    expect(status.health).toBe('ok');
    expect(status.lastHour).toMatchObject({ calls: 6, paths: 30, byStatus: { 200: 6 } });
    expect(status.pending).toEqual({ all: 0, pattern: 0, url: 0, prefetch: 0 });
    expect(status.tokens.prefetch).toBe(1);
  });
});

describe('429 Too Many Requests', () => {
  it('waits out the window, re-plans and loses nothing', async () => {
    await limited.faults({ errorRate: 1, errorStatus: 429 });
    await limited.enqueue('evt_429', items('url', range('/limited/', 10)));
    await limited.driveUntil(async () => (await limited.calls()).length >= 2);
    await limited.clearFaults();
    await limited.drain();

    const calls = await limited.calls();
    const refused = calls.filter((c) => c.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    // Without Retry-After the kind waits one window (1.1 s) after each 429.
    for (let i = 1; i < calls.length; i++) {
      if (calls[i - 1]!.status === 429) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(1_050);
    }
    expect(sentCounts(calls, 'url').size).toBe(10);
    expect((await limited.status()).lastError).toMatchObject({ status: 429, kind: 'url' });
  });

  it("honours Gotipath's Retry-After", async () => {
    await runInDurableObject(limited.stub, (_instance, state) => {
      const store = new QueueStore(state.storage.sql);
      const schedulerState = initialState();
      const context = { store, state: schedulerState, config: limited.config, timeoutMs: 1_000, now: 50_000, random: 0.5 };
      applyOutcome(
        context,
        { kind: 'pattern', paths: ['/x*'] },
        { ok: false, status: 429, message: 'slow down', retryAfterMs: 7_000 },
        49_990,
      );
      expect(schedulerState.blockedUntil).toEqual({ pattern: 57_000 });
      expect(schedulerState.health).toBe('ok');
    });
  });

  it('still counts a call whose answer never came because the object died mid-call', async () => {
    const crashed = scheduler('crashed', testDistribution('sched-limits-crash'));
    await runInDurableObject(crashed.stub, async (_instance, state) => {
      const store = new QueueStore(state.storage.sql);
      const now = Date.now();
      store.enqueue(items('url', range('/crash/', 10)), 'evt_crash', now);
      const sent: string[][] = [];
      // The first pass hangs in its first call: the object is killed there, before the answer.
      const hanging: GotipathClient = {
        purge: (_id, _kind, paths) => (sent.push([...paths]), new Promise<CallOutcome>(() => {})),
        prefetch: () => new Promise<CallOutcome>(() => {}),
        getDistribution: () => new Promise<CallOutcome>(() => {}),
      };
      const options = { store, distributionId: crashed.config.id, config: crashed.config, timeoutMs: 1_000, now: () => now };
      void flush({ ...options, client: hanging, state: initialState() });
      await sleep(0);
      // After the restart, a fresh pass over the same storage: one token left, so one call, not two.
      const answered: GotipathClient = {
        ...hanging,
        purge: async (_id, _kind, paths) => (sent.push([...paths]), { ok: true, status: 200 }),
      };
      await flush({ ...options, client: answered, state: initialState() });
      expect(sent).toHaveLength(2);
      expect(store.callLog.since(now - crashed.config.limits.windowMs)).toEqual([
        { at: now, kind: 'url', status: 200, paths: 5 },
        { at: now + 2_000, kind: 'url', status: 0, paths: 5 },
      ]);
    });
  });
});
