// A webhook held by the rate window does not look lost: the scheduler logs how many paths wait and until when.
import { runDurableObjectAlarm } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { putConfig } from '../support/helpers';
import { items, range, scheduler, testDistribution } from '../support/scheduler-harness';

const DISTRIBUTIONS = {
  narrow: testDistribution('sched-held-back', {
    limits: { windowMs: 5_000, url: { calls: 1, paths: 2 } },
  }),
};
const narrow = scheduler('narrow', DISTRIBUTIONS.narrow);

beforeAll(async () => {
  await putConfig({ distributions: DISTRIBUTIONS });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('paths waiting for the rate window', () => {
  it('are logged once a pass with how many and until when, and nothing is lost', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    await narrow.enqueue('evt_held_back', items('url', range('/held/', 6)));
    // The first pass sends one call of 2; the pass that finds the window used up logs (the same alarm, or the next).
    const heldBack = () =>
      lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.message === 'purges held back by the rate window');
    for (let i = 0; i < 20 && heldBack().length === 0; i++) {
      if (!(await runDurableObjectAlarm(narrow.stub))) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const held = heldBack();
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ level: 'info', distributionId: 'sched-held-back', paths: 4 });
    const until = Date.parse(String(held[0]!.until));
    expect(until).toBeGreaterThan(Date.now() + 3_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 5_500);
    expect(await narrow.pending()).toBe(4);
  });
});
