// Verification at the edge, end to end in the scheduler: the example origin, the stand-in's caching edge, real alarms.
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { PathJourney } from '../../../src/purge/ledger';
import type { EnqueueItem } from '../../../src/purge/queue-store';
import { accepted, scheduler, testDistribution } from '../support/scheduler-harness';

/** Short waits between checks: the edge evicts at once, so a check 100 ms after the purge sees the new page. */
const verify = (over: Record<string, unknown> = {}) => ({
  originBaseUrl: env.ORIGIN_URL,
  delaysMs: [100, 150, 200],
  maxRepurges: 2,
  originRatePerSecond: 50,
  timeoutMs: 2_000,
  ...over,
});
const verified = (id: string, over: Record<string, unknown> = {}, base: Record<string, unknown> = {}) =>
  scheduler(id, testDistribution(id, { publicBaseUrl: env.EDGE_URL, verify: verify(over), ...base }));

async function setPage(path: string, title: string, updatedAt?: string) {
  const response = await fetch(`${env.ORIGIN_URL}/__origin/pages?path=${encodeURIComponent(path)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, ...(updatedAt && { updatedAt }) }),
  });
  expect(response.status).toBe(200);
}
const removePage = (path: string) =>
  fetch(`${env.ORIGIN_URL}/__origin/pages?path=${encodeURIComponent(path)}`, { method: 'DELETE' });
/** What the edge serves now (a GET through it also fills its cache). */
const edgeTitle = async (path: string) => {
  const text = await (await fetch(`${env.EDGE_URL}${path}`)).text();
  return /<title>([^<]*)<\/title>/.exec(text)?.[1];
};
const url = (paths: string[], marker?: string): EnqueueItem[] =>
  paths.map((path) => ({ kind: 'url', path, priority: 0, ...(marker && { marker }) }));

type Handle = ReturnType<typeof verified>;
const steps = (journey: PathJourney) =>
  journey.steps.map((s) =>
    s.step === 'call' ? `call ${s.status}` : s.detail && s.step === 'checked' ? `checked ${s.detail}` : s.step,
  );
const journeyOf = async (h: Handle, event: string, path: string) => (await h.stub.journey(event)).find((j) => j.path === path)!;
/** Drives the alarms until the path's journey holds a final verification step. */
async function settle(h: Handle, event: string, path: string, timeoutMs = 15_000): Promise<string[]> {
  await h.driveUntil(async () => {
    const last = steps(await journeyOf(h, event, path)).at(-1);
    return last === 'checked fresh' || last === 'checked gone' || last === 'stuck';
  }, timeoutMs);
  return steps(await journeyOf(h, event, path));
}

describe('a URL purge verified at the edge', () => {
  const h = verified('fresh-publish');

  it('ends fresh, with the origin and the edge answers as evidence', async () => {
    await setPage('/fresh/post', 'Old title');
    expect(await edgeTitle('/fresh/post')).toBe('Old title');
    await setPage('/fresh/post', 'New title');
    expect(await edgeTitle('/fresh/post')).toBe('Old title');

    await h.enqueue('evt_publish', url(['/fresh/post']));
    expect(await settle(h, 'evt_publish', '/fresh/post')).toEqual(['queued', 'call 200', 'checked fresh']);
    const check = (await journeyOf(h, 'evt_publish', '/fresh/post')).steps.at(-1)!;
    expect(check.evidence).toMatchObject({
      reason: 'edge-matches-origin',
      validator: 'etag',
      origin: { url: `${env.ORIGIN_URL}/fresh/post`, status: 200 },
      edge: { url: `${env.EDGE_URL}/fresh/post`, status: 200, cacheStatus: 'MISS' },
    });
    expect(check.evidence!.edge!.etag).toBe(check.evidence!.origin!.etag);
    expect(await edgeTitle('/fresh/post')).toBe('New title');

    const { freshness } = await h.status();
    expect(freshness).toMatchObject({ fresh: 1, stale: 0, stuck: 0, repurges: 0, pending: 0 });
    expect(freshness!.liveP50Ms).toBeGreaterThan(0);
  });

  it("judges by the event's marker when it carries one", async () => {
    await setPage('/fresh/marked', 'Marked', '2026-12-01T00:00:00.000Z');
    await edgeTitle('/fresh/marked');
    await setPage('/fresh/marked', 'Marked', '2026-12-08T09:30:00.000Z');
    await h.enqueue('evt_marker', url(['/fresh/marked'], '2026-12-08T09:30:00.000Z'));
    expect(await settle(h, 'evt_marker', '/fresh/marked')).toEqual(['queued', 'call 200', 'checked fresh']);
    const check = (await journeyOf(h, 'evt_marker', '/fresh/marked')).steps.at(-1)!;
    expect(check.evidence).toMatchObject({ validator: 'marker', origin: { marker: true }, edge: { marker: true } });
  });

  it('ends gone when the page was removed', async () => {
    await setPage('/fresh/removed', 'Soon gone');
    await edgeTitle('/fresh/removed');
    await removePage('/fresh/removed');
    await h.enqueue('evt_removed', url(['/fresh/removed']));
    expect(await settle(h, 'evt_removed', '/fresh/removed')).toEqual(['queued', 'call 200', 'checked gone']);
    expect((await h.status()).freshness!.gone).toBe(1);
  });

  it('answers checkNow with the verdict and the evidence, writing nothing', async () => {
    const before = (await h.status()).freshness;
    const check = await h.stub.checkNow(h.config, '/fresh/post');
    expect(check).toMatchObject({ verdict: 'fresh', evidence: { reason: 'edge-matches-origin', edge: { cacheStatus: 'HIT' } } });
    expect((await h.status()).freshness).toEqual(before);
  });
});

describe('a purge acknowledged but not evicted', () => {
  const h = verified('fresh-lossy');

  it('is found stale, purged again, and ends fresh once the edge evicts', async () => {
    await setPage('/lossy/page', 'v1');
    await edgeTitle('/lossy/page');
    await setPage('/lossy/page', 'v2');
    await h.faults({ keepPaths: ['/lossy/page'] });
    await h.enqueue('evt_lossy', url(['/lossy/page']));
    await h.driveUntil(async () => steps(await journeyOf(h, 'evt_lossy', '/lossy/page')).includes('repurged'));
    await h.faults({ keepPaths: null });

    expect(await settle(h, 'evt_lossy', '/lossy/page')).toEqual([
      'queued',
      'call 200',
      'checked stale',
      'checked stale',
      'checked stale',
      'repurged',
      'call 200',
      'checked fresh',
    ]);
    const stale = (await journeyOf(h, 'evt_lossy', '/lossy/page')).steps.find((s) => s.detail === 'stale')!;
    expect(stale.evidence).toMatchObject({ reason: 'edge-differs', edge: { cacheStatus: 'HIT' } });
    expect(stale.evidence!.edge!.age).toBeGreaterThanOrEqual(0);
    expect(await edgeTitle('/lossy/page')).toBe('v2');
    // The re-purge went out as a URL purge within the limits, like any other.
    const sent = accepted(await h.calls(), 'url').filter((c) => c.paths.includes('/lossy/page'));
    expect(sent).toHaveLength(2);
    expect((await h.status()).freshness).toMatchObject({ fresh: 1, repurges: 1, stuck: 0, pending: 0 });
  });

  it('ends stuck when it stays stale after every re-purge, and the status counts it', async () => {
    await setPage('/lossy/stuck', 'v1');
    await edgeTitle('/lossy/stuck');
    await setPage('/lossy/stuck', 'v2');
    await h.faults({ keepPaths: ['/lossy/stuck'] });
    await h.enqueue('evt_stuck', url(['/lossy/stuck']));
    const journey = await settle(h, 'evt_stuck', '/lossy/stuck', 20_000);
    await h.faults({ keepPaths: null });

    const round = ['call 200', 'checked stale', 'checked stale', 'checked stale'];
    expect(journey).toEqual(['queued', ...round, 'repurged', ...round, 'repurged', ...round, 'stuck']);
    expect(await edgeTitle('/lossy/stuck')).toBe('v1');
    expect((await h.status()).freshness).toMatchObject({ stuck: 1, repurges: 3, pending: 0 });
  });
});

describe('a pattern purge', () => {
  const h = verified('fresh-pattern', { sample: 2 });

  it('is verified on a sample of the pages it covered', async () => {
    const pages = ['/pat/1', '/pat/2', '/pat/3'];
    for (const p of pages) await setPage(p, 'first');
    // A first round of URL purges: the ledger then knows these pages were purged lately.
    await h.enqueue('evt_pages', url(pages));
    for (const p of pages) await settle(h, 'evt_pages', p);
    for (const p of pages) expect(await edgeTitle(p)).toBe('first');
    for (const p of pages) await setPage(p, 'second');

    await h.enqueue('evt_pattern', [{ kind: 'pattern', path: '/pat/*', priority: 0 }]);
    await h.driveUntil(async () => {
      const checks = await checkedSince(h, pages);
      return checks.length === 2 && checks.every((c) => c === 'fresh');
    });
    await h.driveUntil(async () => (await h.status()).freshness!.pending === 0);
    // Two of the three pages, each once, all fresh: the sample, not every page.
    expect(await checkedSince(h, pages)).toEqual(['fresh', 'fresh']);
    // The event's journey shows them under the pattern.
    const [pattern] = await h.stub.journey('evt_pattern');
    expect(pattern!.steps.map((s) => `${s.step} ${s.status ?? ''}`.trim())).toEqual(['queued', 'call 200']);
    expect(pattern!.sampled!.map((s) => [s.step, s.detail])).toEqual([
      ['checked', 'fresh'],
      ['checked', 'fresh'],
    ]);
    expect(pattern!.sampled!.every((s) => pages.includes(s.path))).toBe(true);
  });

  it('verifies a purge-all on a sample of the pages purged lately', async () => {
    const pages = ['/pat/1', '/pat/2', '/pat/3'];
    for (const p of pages) await setPage(p, 'third');
    await h.enqueue('evt_all', [{ kind: 'all', path: '', priority: 0 }]);
    await h.driveUntil(async () => {
      const [all] = await h.stub.journey('evt_all');
      return (all?.sampled ?? []).filter((s) => s.detail === 'fresh').length === 2;
    });
    const [all] = await h.stub.journey('evt_all');
    expect(all!.sampled!.map((s) => s.detail)).toEqual(['fresh', 'fresh']);
    for (const s of all!.sampled!) expect(await edgeTitle(s.path)).toBe('third');
  });
});

/** Verdicts of the checks the pattern purge's event has (the ledger's `checked` rows of `evt_pattern`), by path. */
async function checkedSince(h: Handle, pages: string[]): Promise<string[]> {
  return runInDurableObject(h.stub, (_instance, state) =>
    state.storage.sql
      .exec<{ path: string; detail: string }>(
        `SELECT path, detail FROM ledger WHERE step = 'checked' AND event = 'evt_pattern' ORDER BY path`,
      )
      .toArray()
      .filter((r) => pages.includes(r.path))
      .map((r) => r.detail),
  );
}

describe('bounds', () => {
  it('never follows a redirect, so the other host is never asked', async () => {
    const h = verified('fresh-redirect', { originBaseUrl: env.REDIRECT_SITE_URL }, { publicBaseUrl: env.REDIRECT_SITE_URL });
    const check = await h.stub.checkNow(h.config, '/moved/page');
    expect(check).toMatchObject({ verdict: 'unknown', evidence: { reason: 'origin-redirects' } });
    expect(check.evidence.origin!.status).toBe(301);
    const asked = await (await fetch(`${env.OTHER_HOST_URL}/__requests`)).json<string[]>();
    expect(asked).not.toContain('/moved/page');
  });

  it('never fetches a host the config does not name', async () => {
    const h = verified('fresh-hosts');
    const other = new URL(env.OTHER_HOST_URL);
    const check = await h.stub.checkNow(h.config, `${other.href}sneaky`);
    expect(check.verdict).toBe('unknown');
    expect(check.evidence.origin!.error).toBe('not under the configured host');
    const asked = await (await fetch(`${env.OTHER_HOST_URL}/__requests`)).json<string[]>();
    expect(asked).not.toContain('/sneaky');
  });

  it('judges unknown while the origin is down, and loses nothing', async () => {
    const h = verified('fresh-origin-down', { originBaseUrl: 'http://127.0.0.1:9', delaysMs: [50, 50] });
    await h.enqueue('evt_down', url(['/fresh/post']));
    await h.driveUntil(
      async () => steps(await journeyOf(h, 'evt_down', '/fresh/post')).filter((s) => s === 'checked unknown').length === 2,
    );
    await h.driveUntil(async () => (await h.status()).freshness!.pending === 0);
    const journey = await journeyOf(h, 'evt_down', '/fresh/post');
    expect(steps(journey)).toEqual(['queued', 'call 200', 'checked unknown', 'checked unknown']);
    expect(journey.steps.at(-1)!.evidence).toMatchObject({ reason: 'origin-error', origin: { status: 0 } });
    expect(journey.steps.at(-1)!.evidence!.origin!.error).toBeTruthy();
    // Nothing was purged again on no evidence, nothing was dead-lettered, and the purge itself went out once.
    expect((await h.status()).freshness).toMatchObject({ unknown: 1, repurges: 0, stuck: 0 });
    expect(await h.stub.deadLetters()).toEqual([]);
    expect(accepted(await h.calls(), 'url').flatMap((c) => c.paths)).toEqual(['/fresh/post']);
  });

  it('judges unknown, saying why, when the origin header names a secret that is not set', async () => {
    const h = verified('fresh-no-secret', { originHeader: { name: 'x-origin-key', secret: 'VERIFY_TEST_UNSET' } });
    const check = await h.stub.checkNow(h.config, '/fresh/post');
    expect(check).toMatchObject({ verdict: 'unknown', evidence: { reason: 'origin-error' } });
    expect(check.evidence.origin!.error).toBe(
      'distribution "fresh-no-secret" verify.originHeader names secret VERIFY_TEST_UNSET, which is not set',
    );
    // No request went to the origin: the evidence has no answer from it.
    expect(check.evidence.origin!.status).toBe(0);
  });

  it('checks nothing where verification is off', async () => {
    const h = scheduler('fresh-off', testDistribution('fresh-off', { publicBaseUrl: env.EDGE_URL }));
    await h.enqueue('evt_off', url(['/fresh/post']));
    await h.drain();
    expect(steps(await journeyOf(h, 'evt_off', '/fresh/post'))).toEqual(['queued', 'call 200']);
    expect((await h.status()).freshness).toMatchObject({ pending: 0, fresh: 0 });
  });
});
