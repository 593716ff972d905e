// GET /admin/paths: one path's story and its verdict from what the relay recorded, for each state it can be in;
// the receipt's etaSeconds; bad input answered with a clear 4xx.
import { runInDurableObject } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, type LedgerEntry } from '../../../src/purge/ledger';
import { admin, baseConfig, postWebhook, putConfig, secret, sign } from '../support/helpers';
import { scheduler, sleep, testDistribution } from '../support/scheduler-harness';

const SITE = 'https://www.example.com';
const DISTRIBUTIONS = {
  main: testDistribution('why-main', { publicBaseUrl: SITE }),
  slow: testDistribution('why-slow', { coalesceMs: 120_000 }),
  denied: testDistribution('why-denied'),
  rejecting: testDistribution('why-rejecting'),
  busy: testDistribution('why-busy', { limits: { windowMs: 60_000, url: { calls: 2, paths: 5 } } }),
};
const RULES = [
  ...baseConfig().rules,
  { id: 'docs', distribution: 'main', purge: ['/docs/{fields.slug}'] },
  { id: 'slow-post', distribution: 'slow', match: { sources: ['sanity'] }, purge: ['/slow/{fields.slug.current}'] },
];
const main = scheduler('main', DISTRIBUTIONS.main);
const denied = scheduler('denied', DISTRIBUTIONS.denied);
const rejecting = scheduler('rejecting', DISTRIBUTIONS.rejecting);

interface Story {
  distribution: string;
  path: string;
  verdict: { state: string; sentence: string; since?: string };
  events: { event: string; source?: string; rule?: string; queuedAt: number }[];
  history: { step: string; status?: number; event?: string }[];
  queued?: { estimate: { sendAt: number | null } };
  producers: { ruleId: string }[];
  nearest?: { ruleId: string; template: string }[];
  tags: unknown[];
}

const story = async (query: string) => {
  const response = await admin(`/paths?${query}`);
  return { status: response.status, body: await response.json<Story & { error?: string }>() };
};
const purge = async (distribution: string, paths: string[]) => {
  const response = await admin('/purge', { method: 'POST', body: JSON.stringify({ distribution, paths }) });
  expect(response.status).toBe(202);
  return response.json<{ eventId: string; etaSeconds: number | null; held?: string[] }>();
};

beforeAll(async () => {
  await putConfig(baseConfig({ distributions: DISTRIBUTIONS, rules: RULES }));
});

afterAll(async () => {
  await denied.clearFaults();
  await rejecting.clearFaults();
});

describe('GET /admin/paths', () => {
  it('says no rule produces a path and names the nearest rules', async () => {
    const { status, body } = await story('distribution=main&path=/blog/2024/old-post');
    expect(status).toBe(200);
    expect(body.verdict.state).toBe('no-rule');
    expect(body.verdict.sentence).toMatch(/^no rule produces this path \(nearest rules: blog-post \(\/blog\/\{fields\.slug\}\)/);
    expect(body.history).toEqual([]);
  });

  it('tells a queued path when it is expected to be sent, as the manual purge’s receipt did', async () => {
    const receipt = await purge('slow', ['/slow/one']);
    // Coalescing for 120 s: nothing goes before the alarm.
    expect(receipt.etaSeconds).toBeGreaterThanOrEqual(118);
    expect(receipt.etaSeconds).toBeLessThanOrEqual(121);
    const { body } = await story('distribution=slow&path=/slow/one');
    expect(body.verdict.state).toBe('queued');
    expect(body.verdict.sentence).toMatch(/^waiting in the queue, expected to be sent at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body.events).toEqual([expect.objectContaining({ event: receipt.eventId, source: 'manual purge', rule: 'manual' })]);
  });

  it('counts the calls a purge needs against the rate window in its receipt', async () => {
    // 11 paths at 5 a call: 3 calls, and the window allows 2 a minute, so the last goes a window later.
    const paths = Array.from({ length: 11 }, (_, i) => `/busy/${i}`);
    const receipt = await purge('busy', paths);
    expect(receipt.etaSeconds).toBeGreaterThanOrEqual(60);
    expect(receipt.etaSeconds).toBeLessThanOrEqual(61);
  });

  it('gives a webhook’s receipt an etaSeconds and names the source of its event', async () => {
    const body = JSON.stringify({ _id: 'post-eta', _type: 'post', slug: { current: 'eta' } });
    const headers = {
      'idempotency-key': crypto.randomUUID(),
      ...(await sign('sanity', { secret: secret('SANITY_SECRET'), body })),
    };
    const response = await postWebhook('sanity', body, headers);
    expect(response.status).toBe(202);
    const receipt = await response.json<{ eventId: string; etaSeconds: number }>();
    expect(receipt.etaSeconds).toBeGreaterThanOrEqual(118);
    const { body: found } = await story('distribution=slow&path=/slow/eta');
    expect(found.events).toEqual([expect.objectContaining({ event: receipt.eventId, source: 'sanity', rule: 'slow-post' })]);
    expect(found.producers.map((p) => p.ruleId)).toEqual(['slow-post']);
  });

  it('tells a purged path with no check yet, with its calls, from a full URL of the site', async () => {
    await main.enqueue('evt_why_purged', [{ kind: 'url', path: '/docs/intro', priority: 0, ruleId: 'docs' }]);
    await main.drain();
    const { body } = await story(`path=${encodeURIComponent(`${SITE}/docs/intro`)}`);
    expect(body.distribution).toBe('main');
    expect(body.path).toBe('/docs/intro');
    expect(body.verdict.state).toBe('unchecked');
    expect(body.verdict.sentence).toMatch(/^purged at .*Z; not checked at the edge since$/);
    expect(body.history.map((h) => [h.step, h.status ?? null])).toEqual([
      ['queued', null],
      ['call', 200],
    ]);
  });

  it('says the distribution is held, and since when, while the credentials are refused', async () => {
    await denied.faults({ unauthorized: true });
    const queued = await purge('denied', ['/held/page']);
    await denied.driveUntil(async () => (await denied.status()).health === 'unauthorized');
    const { body } = await story('distribution=denied&path=/held/page');
    expect(body.verdict.state).toBe('held');
    expect(body.verdict.sentence).toMatch(/^distribution held: unauthorized since \d{4}-.*Z \(40[13] /);
    // A purge queued while held gets no number: it waits for the hold to lift.
    expect(await purge('denied', ['/held/other'])).toMatchObject({ etaSeconds: null, held: ['denied: unauthorized'] });
    expect(queued.etaSeconds).toBeGreaterThanOrEqual(0);
  });

  it('says a path was dead-lettered, with Gotipath’s answer', async () => {
    await rejecting.faults({ rejectPaths: ['/bad/page'] });
    // A path is dead-lettered once a call without it is accepted (refusal.ts): send it with a good one.
    await purge('rejecting', ['/bad/page', '/good/page']);
    await rejecting.drain();
    const { body } = await story('distribution=rejecting&path=/bad/page');
    expect(body.verdict.state).toBe('dead-lettered');
    expect(body.verdict.sentence).toMatch(/^dead-lettered: Gotipath answered 422 \(.*\/bad\/page\) at .*Z$/);
  });
});

/** Records ledger rows as the verification does (B's checks), in the distribution's scheduler. */
const record = (entries: LedgerEntry[]) =>
  runInDurableObject(main.stub, (_instance, state) => {
    const ledger = new Ledger(state.storage.sql);
    for (const entry of entries) ledger.note(entry);
  });
const seen = (age: number, etag: string) => ({ url: `${SITE}/docs/x`, status: 200, etag, age, cacheStatus: 'HIT' });

describe('verdicts from recorded checks', () => {
  it('says fresh since the first fresh check, and the event journey shows when the path went live', async () => {
    await main.enqueue('evt_why_live', [{ kind: 'url', path: '/docs/live', priority: 0, ruleId: 'docs' }]);
    await main.drain();
    const at = Date.now() + 5;
    const evidence = { reason: 'edge-matches-origin' as const, validator: 'etag' as const, edge: seen(0, '"v2"') };
    await record([{ at, step: 'checked', kind: 'url', path: '/docs/live', detail: 'fresh', evidence }]);
    const { body } = await story('distribution=main&path=/docs/live');
    expect(body.verdict).toEqual({
      state: 'fresh',
      since: new Date(at).toISOString(),
      sentence: expect.stringMatching(/^fresh since /),
    });
    expect(body.history.at(-1)).toMatchObject({ step: 'checked', evidence });
    const journey = await (
      await admin('/events/evt_why_live')
    ).json<{
      distributions: { paths: { path: string; liveAt?: number; toLiveMs?: number }[] }[];
    }>();
    const path = journey.distributions[0]!.paths[0]!;
    expect(path.liveAt).toBe(at);
    expect(path.toLiveMs).toBeGreaterThanOrEqual(0);
  });

  it('says the edge still serves the old version, with its Age, and when it was purged again', async () => {
    await main.enqueue('evt_why_stale', [{ kind: 'url', path: '/docs/stale', priority: 0, ruleId: 'docs' }]);
    await main.drain();
    const evidence = { reason: 'edge-differs' as const, validator: 'etag' as const, edge: seen(412, '"v1"') };
    // In the order the verification writes them, each a moment after the one before.
    await sleep(2);
    await record([{ at: Date.now(), step: 'checked', kind: 'url', path: '/docs/stale', detail: 'stale', evidence }]);
    await sleep(2);
    await record([{ at: Date.now(), step: 'repurged', kind: 'url', path: '/docs/stale' }]);
    await sleep(2);
    await main.enqueue('evt_why_stale', [{ kind: 'url', path: '/docs/stale', priority: 0, ruleId: 'docs' }]);
    await main.drain();
    const { body } = await story('distribution=main&path=/docs/stale');
    expect(body.verdict.state).toBe('edge-stale');
    expect(body.verdict.sentence).toMatch(
      /^purged at \S+Z but the edge still serves the old version \(Age 412 s\): purged again at \S+Z$/,
    );
  });
});

describe('GET /admin/status', () => {
  it('says what waits and why', async () => {
    const status = await (
      await admin('/status')
    ).json<{ distributions: { distribution: string; waiting: { paths: number; why?: string } }[] }>();
    const slow = status.distributions.find((d) => d.distribution === 'slow')!;
    expect(slow.waiting.paths).toBeGreaterThan(0);
    expect(slow.waiting.why).toMatch(/^gathering paths \(coalescing\) or about to go: next send at \d{4}-/);
    const denied = status.distributions.find((d) => d.distribution === 'denied')!;
    expect(denied.waiting.why).toMatch(/^held: Gotipath refuses the relay’s credentials/);
  });
});

describe('GET /admin/paths refuses bad input', () => {
  it.each([
    ['distribution=main', 400, /give \?path=/],
    ['distribution=main&path=blog', 400, /must start with "\/"/],
    ['distribution=main&path=%2Fa%20b', 400, /no spaces/],
    ['distribution=main&path=https%3A%2F%2Fevil.example%2Fx', 400, /is not this distribution's site/],
    ['distribution=slow&path=https%3A%2F%2Fwww.example.com%2Fx', 400, /no publicBaseUrl/],
    ['path=%2Fx', 400, /name the distribution/],
    ['distribution=nowhere&path=%2Fx', 404, /unknown distribution "nowhere"/],
  ])('%s → %i', async (query, status, message) => {
    const { status: got, body } = await story(query);
    expect(got).toBe(status);
    expect(body.error).toMatch(message);
  });
});
