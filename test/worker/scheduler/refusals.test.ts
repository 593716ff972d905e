// Refusals that are not about one path: a wrong `type` holds the distribution (nothing is dead-lettered) until the
// config is fixed; a path refused alone waits for evidence; a quota 400 backs off like a 429.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { admin, putConfig } from '../support/helpers';
import { items, range, scheduler, sentCounts, testDistribution, violations } from '../support/scheduler-harness';

const DISTRIBUTIONS = {
  typed: testDistribution('sched-refuse-type'),
  probed: testDistribution('sched-refuse-probe', { limits: { windowMs: 1_100, pattern: { calls: 4, paths: 10 } } }),
  lone: testDistribution('sched-refuse-lone'),
  quota: testDistribution('sched-refuse-quota'),
};
const typed = scheduler('typed', DISTRIBUTIONS.typed);
const probed = scheduler('probed', DISTRIBUTIONS.probed);
const lone = scheduler('lone', DISTRIBUTIONS.lone);
const quota = scheduler('quota', DISTRIBUTIONS.quota);

interface DeadLetterList {
  deadLetters: { kind: string; path: string; status: number; message: string }[];
}
const deadLetters = async (name: string) =>
  (await (await admin(`/distributions/${name}/dead-letters`)).json<DeadLetterList>()).deadLetters;

beforeAll(async () => {
  await putConfig({ distributions: DISTRIBUTIONS });
});

afterEach(async () => {
  for (const s of [typed, probed, lone, quota]) await s.clearFaults();
});

describe('a wrong type for every call', () => {
  it('holds the distribution with Gotipath’s message, dead-letters nothing, and purges everything once the config is fixed and resumed', async () => {
    // This distribution's back end calls a URL purge "file": the relay's default "url" is refused on every call.
    await typed.faults({ purgeTypes: { url: 'file' } });
    const paths = range('/typed/', 8);
    await typed.enqueue('evt_typed', items('url', paths));
    await typed.driveUntil(async () => (await typed.status()).health === 'refused');

    const held = await typed.status();
    const message = 'type must be one of "file", "pattern", "all": "url"';
    expect(held).toMatchObject({ health: 'refused', hold: { kind: 'url', status: 422, message }, pending: { url: 8 } });
    expect(held.deadLetters).toBe(0);
    // The batch, its first half, a quarter, then two single paths refused alike: then no more until the probe.
    expect((await typed.calls()).map((c) => [c.status, c.paths.length])).toEqual([
      [422, 5],
      [422, 3],
      [422, 2],
      [422, 1],
      [422, 1],
    ]);

    // The periodic probe resends one path; still refused, the hold stays and nothing is dead-lettered.
    await typed.driveUntil(async () => (await typed.calls()).length >= 7);
    expect((await typed.calls()).slice(5).map((c) => [c.status, c.paths.length])).toEqual([
      [422, 1],
      [422, 1],
    ]);
    expect(await deadLetters('typed')).toEqual([]);

    await putConfig({ gotipath: { purgeTypes: { url: 'file' } }, distributions: DISTRIBUTIONS });
    const resumed = await admin('/distributions/typed/resume', { method: 'POST' });
    expect((await resumed.json<{ health: string }>()).health).toBe('ok');
    await typed.drain();

    const calls = await typed.calls();
    expect([...sentCounts(calls, 'url').keys()].sort()).toEqual([...paths].sort());
    expect(new Set(sentCounts(calls, 'url').values())).toEqual(new Set([1]));
    expect(await deadLetters('typed')).toEqual([]);
    expect(await typed.status()).toMatchObject({ health: 'ok', unconfirmed: 0, deadLetters: 0 });
    await putConfig({ distributions: DISTRIBUTIONS });
  });

  it('lifts the hold by itself when the periodic probe is accepted again', async () => {
    await probed.faults({ purgeTypes: { pattern: 'wildcard' } });
    await probed.enqueue('evt_probed', items('pattern', ['/a/*', '/b/*', '/c/*']));
    await probed.driveUntil(async () => (await probed.status()).health === 'refused');
    expect((await probed.status()).hold).toMatchObject({ kind: 'pattern', status: 422 });

    // Gotipath's side changes back: the next probe (every retry.authProbeMs) is accepted and the rest follows.
    await probed.clearFaults();
    await probed.drain();
    const calls = await probed.calls();
    expect([...sentCounts(calls, 'pattern').keys()].sort()).toEqual(['/a/*', '/b/*', '/c/*']);
    expect(await deadLetters('probed')).toEqual([]);
    expect((await probed.status()).health).toBe('ok');
  });
});

describe('a path refused alone', () => {
  it('waits, queued, until a call without it is accepted: only then is it a dead letter', async () => {
    await lone.faults({ rejectPaths: ['/lone/bad'] });
    await lone.enqueue('evt_lone', items('url', ['/lone/bad']));
    await lone.driveUntil(async () => (await lone.status()).unconfirmed === 1);
    expect(await lone.status()).toMatchObject({ health: 'ok', pending: { url: 1 }, deadLetters: 0 });

    await lone.enqueue('evt_lone_2', items('url', ['/lone/good']));
    await lone.drain();
    const calls = await lone.calls();
    expect(sentCounts(calls, 'url')).toEqual(new Map([['/lone/good', 1]]));
    expect((await deadLetters('lone')).map((d) => [d.path, d.status, d.message])).toEqual([
      ['/lone/bad', 422, 'paths[0] is invalid: /lone/bad'],
    ]);
    expect((await lone.status()).unconfirmed).toBe(0);
  });
});

describe('a 400 saying a quota was exceeded', () => {
  it('backs off like a 429: the batch stays whole, waits a window, nothing is dead-lettered', async () => {
    await quota.faults({ quotaUntil: Date.now() + 1_500 });
    const paths = range('/quota/', 4);
    await quota.enqueue('evt_quota', items('url', paths));
    await quota.driveUntil(async () => (await quota.calls()).length >= 1);
    const after = await quota.status();
    expect(after).toMatchObject({ health: 'ok', lastError: { status: 400, message: 'exceeded the URL quota' } });
    expect(Object.keys(after.blockedUntil)).toEqual(['url']);
    await quota.drain();

    const calls = await quota.calls();
    const refused = calls.filter((c) => c.status === 400);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    // Never split: every refused call carried the whole batch, and each wait was a whole window (1.1 s).
    for (const c of refused) expect(c.paths).toHaveLength(4);
    calls.slice(1).forEach((c, i) => expect(c.at - calls[i]!.at).toBeGreaterThanOrEqual(1_050));
    expect(violations(calls)).toBe(0);
    expect([...sentCounts(calls, 'url').keys()].sort()).toEqual([...paths].sort());
    expect(await deadLetters('quota')).toEqual([]);
  });
});
