// Origin first, then the CDN, in the scheduler: a Next.js-style app and the example origin behind the caching edge.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { explain } from '../../../src/admin/explain-path';
import type { PathJourney } from '../../../src/purge/ledger';
import type { PathReport } from '../../../src/purge/path-report';
import type { EnqueueItem } from '../../../src/purge/queue-store';
import { accepted, scheduler, testDistribution } from '../support/scheduler-harness';

/** One call the Next.js-style app logged (examples/nextjs-app/server.mjs; `APPLIED`: a staged page reached the origin). */
interface RevalidatorCall {
  at: number;
  method: string;
  path: string;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const REVALIDATE = { type: 'nextjs', url: `${env.REVALIDATOR_URL}/api/revalidate`, secret: 'REVALIDATE_SECRET' };
const gate = (over: Record<string, unknown> = {}) => ({ enabled: true, maxWaitMs: 10_000, pollMs: 100, pollMaxMs: 300, ...over });
const distribution = (id: string, origin: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  scheduler(
    id,
    testDistribution(id, {
      verify: { originBaseUrl: env.ORIGIN_URL, delaysMs: [100, 200, 300], originRatePerSecond: 50, timeoutMs: 2_000 },
      origin: { retry: { baseMs: 100, maxMs: 400 }, ...origin },
      ...over,
    }),
  );
type Handle = ReturnType<typeof distribution>;

async function setPage(path: string, title: string, updatedAt: string) {
  const response = await fetch(`${env.ORIGIN_URL}/__origin/pages?path=${encodeURIComponent(path)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, updatedAt }),
  });
  expect(response.status).toBe(200);
}
/** Stages a change at the Next.js-style app: applied `delayMs` after a revalidation (or after now, `on: time`). */
async function stage(path: string, title: string, updatedAt: string, delayMs: number, on: 'revalidate' | 'time' = 'revalidate') {
  const q = new URLSearchParams({ path, delayMs: String(delayMs), on });
  const response = await fetch(`${env.REVALIDATOR_URL}/__stage?${q}`, {
    method: 'PUT',
    body: JSON.stringify({ title, updatedAt }),
  });
  expect(response.status).toBe(200);
}
const failRevalidation = (times: number) => fetch(`${env.REVALIDATOR_URL}/__fail?times=${times}`, { method: 'POST' });
const appCalls = async (path: string) =>
  (await (await fetch(`${env.REVALIDATOR_URL}/__calls`)).json<RevalidatorCall[]>()).filter(
    (c) => c.path === path || (c.body as { paths?: string[] } | undefined)?.paths?.includes(path),
  );
const edgeTitle = async (path: string) =>
  /<title>([^<]*)<\/title>/.exec(await (await fetch(`${env.EDGE_URL}${path}`)).text())?.[1];
const url = (path: string, marker?: string): EnqueueItem[] => [{ kind: 'url', path, priority: 0, ...(marker && { marker }) }];

const names = (j: PathJourney) =>
  j.steps.map((s) => (s.step === 'call' ? `call ${s.status}` : s.step === 'checked' ? `checked ${s.detail}` : s.step));
const journeyOf = async (h: Handle, event: string, path: string) => (await h.stub.journey(event)).find((j) => j.path === path)!;
async function until(h: Handle, event: string, path: string, done: (steps: string[]) => boolean, timeoutMs = 15_000) {
  await h.driveUntil(async () => done(names(await journeyOf(h, event, path))), timeoutMs);
  return journeyOf(h, event, path);
}

describe('origin step, then the gate, then the CDN purge, then verification', () => {
  const h = distribution('origin-order', { steps: [REVALIDATE], gate: gate() }, { publicBaseUrl: env.EDGE_URL });

  it('purges only once the origin serves the new page, and the edge then serves it', async () => {
    const path = '/origin/order';
    await setPage(path, 'Old title', '2026-12-01T10:00:00.000Z');
    expect(await edgeTitle(path)).toBe('Old title');
    // The CMS has the new post; the app shows it 1.5 s after it is revalidated (ISR regenerating the page).
    await stage(path, 'New title', '2026-12-08T04:30:00.000Z', 1_500);

    await h.enqueue('evt_order', url(path, '2026-12-08T04:30:00.000Z'));
    const journey = await until(h, 'evt_order', path, (s) => s.at(-1) === 'checked fresh');
    expect(names(journey)).toEqual(['queued', 'origin', 'gated', 'released', 'call 200', 'checked fresh']);
    const at = (step: string) => journey.steps.find((s) => s.step === step)!;
    expect(at('origin').detail).toBe('origin step 1 (nextjs): done (1 request(s))');
    expect(at('released').detail).toBe("the origin serves the event's marker");

    const [revalidate, applied] = await appCalls(path);
    expect(revalidate).toMatchObject({ method: 'POST', status: 200, body: { paths: [path], tags: [], event: 'evt_order' } });
    expect(applied!.method).toBe('APPLIED');
    const purges = accepted(await h.calls(), 'url');
    expect(purges).toHaveLength(1);
    // The order of what happened: revalidated, the origin changed, then the one CDN purge.
    expect(revalidate!.at).toBeLessThanOrEqual(applied!.at);
    expect(applied!.at).toBeLessThanOrEqual(purges[0]!.at);
    expect(at('released').at).toBeGreaterThanOrEqual(applied!.at);
    expect(await edgeTitle(path)).toBe('New title');
    expect((await h.status()).origin).toEqual({ jobs: 0, dead: 0, gated: 0, late: 0 });
  });
});

describe('a failing origin step', () => {
  it('holds the CDN purge while it is retried, then purges once it succeeds', async () => {
    const h = distribution('origin-retry', { steps: [REVALIDATE] });
    const path = '/origin/retry';
    await failRevalidation(2);
    await h.enqueue('evt_retry', url(path));
    const journey = await until(h, 'evt_retry', path, (s) => s.includes('call 200'));
    expect(names(journey)).toEqual(['queued', 'origin', 'origin', 'origin', 'released', 'call 200']);
    expect(journey.steps[1]!.detail).toMatch(
      /^origin step 1 \(nextjs\) failed: POST .*\/api\/revalidate answered 500; retry in 0\.1 s$/,
    );
    expect(journey.steps[1]!.status).toBe(500);
    const tries = (await appCalls(path)).filter((c) => c.method === 'POST');
    expect(tries.map((c) => c.status)).toEqual([500, 500, 200]);
    expect(accepted(await h.calls(), 'url')[0]!.at).toBeGreaterThan(tries[2]!.at);
  });

  it('is held as a dead letter past maxHoldMs (onFailure "hold"), and runs again when an admin retries it', async () => {
    const h = distribution('origin-dead', { steps: [REVALIDATE], maxHoldMs: 1_000 });
    const path = '/origin/dead';
    await failRevalidation(1_000);
    await h.enqueue('evt_dead', url(path));
    await until(h, 'evt_dead', path, (s) => s.at(-1) === 'dead', 10_000);
    expect(await h.calls()).toEqual([]);
    const [letter] = await h.stub.deadLetters();
    expect(letter).toMatchObject({ kind: 'url', path, status: 500, event: 'evt_dead' });
    expect(letter!.message).toMatch(/^held by origin step 1: POST .* answered 500$/);
    // "Why is this URL stale?" says where it waits.
    // The RPC stub's type loses the report's shape (as in src/admin/paths.ts).
    const report = (await h.stub.pathReport(h.config, path)) as unknown as PathReport;
    expect(report.originWait).toMatchObject({ state: 'dead', step: 1 });
    const why = explain({ path, report, producers: [], nearest: [], now: Date.now() });
    expect(why.state).toBe('origin-wait');
    expect(why.sentence).toMatch(
      /^held before the CDN purge: origin step 1 kept failing \(last failure: POST .* answered 500\); retry or drop it with the dead letters$/,
    );

    await failRevalidation(0);
    expect(await h.stub.resolveDeadLetters('retry', [path])).toBe(1);
    await h.driveUntil(async () => accepted(await h.calls(), 'url').length === 1);
    expect(await h.stub.deadLetters()).toEqual([]);
  });

  it('purges the CDN anyway past maxHoldMs under onFailure "purge"', async () => {
    const h = distribution('origin-purge-anyway', { steps: [REVALIDATE], maxHoldMs: 1_000, onFailure: 'purge' });
    const path = '/origin/anyway';
    await failRevalidation(1_000);
    await h.enqueue('evt_anyway', url(path));
    const journey = await until(h, 'evt_anyway', path, (s) => s.includes('call 200'), 10_000);
    await failRevalidation(0);
    const released = journey.steps.find((s) => s.step === 'released')!;
    expect(released.detail).toBe('origin step 1 (nextjs) failed past origin.maxHoldMs: purged anyway (origin.onFailure "purge")');
    expect(released.at - journey.steps[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('counts a secret the app refuses as a failure, and never sends the CDN purge', async () => {
    const wrong = { ...REVALIDATE, secret: 'SANITY_SECRET' };
    const h = distribution('origin-wrong-secret', { steps: [wrong] });
    await h.enqueue('evt_secret', url('/origin/secret'));
    const journey = await until(h, 'evt_secret', '/origin/secret', (s) => s.filter((x) => x === 'origin').length >= 2);
    expect(journey.steps[1]!.status).toBe(401);
    expect((await h.status()).origin.jobs).toBe(1);
    expect(await h.calls()).toEqual([]);
  });
});

describe('the gate times out', () => {
  it('purges anyway, then once more when the origin finally changes', async () => {
    const h = distribution('origin-late', { gate: gate({ maxWaitMs: 1_000, lateWaitMs: 10_000 }) });
    const path = '/origin/late';
    await setPage(path, 'Before the build', '2026-12-01T10:00:00.000Z');
    // A static build that takes 2.5 s, whatever the relay does.
    await stage(path, 'After the build', '2026-12-08T04:40:00.000Z', 2_500, 'time');
    await h.enqueue('evt_late', url(path, '2026-12-08T04:40:00.000Z'));
    const journey = await until(h, 'evt_late', path, (s) => s.filter((x) => x === 'call 200').length === 2);
    expect(names(journey)).toEqual(['queued', 'gated', 'released', 'call 200', 'repurged', 'call 200']);
    expect(journey.steps[2]!.detail).toMatch(/^the origin still serves the old version after 1 s \(status 200\): purged anyway$/);
    expect(((await h.stub.pathReport(h.config, path)) as unknown as PathReport).originWait).toBeUndefined();
    expect(journey.steps[4]!.detail).toBe('the origin changed after the gate timed out: purged again');
    const [applied] = await appCalls(path);
    const purges = accepted(await h.calls(), 'url');
    expect(purges[0]!.at).toBeLessThan(applied!.at);
    expect(purges[1]!.at).toBeGreaterThanOrEqual(applied!.at);
  });

  it('purges once more at the end of lateWaitMs when the origin never changes', async () => {
    const h = distribution('origin-never', { gate: gate({ maxWaitMs: 1_000, lateWaitMs: 1_000 }) });
    const path = '/origin/never';
    await setPage(path, 'Never rebuilt', '2026-12-01T10:00:00.000Z');
    await h.enqueue('evt_never', url(path, '2026-12-08T05:00:00.000Z'));
    const journey = await until(h, 'evt_never', path, (s) => s.filter((x) => x === 'call 200').length === 2);
    expect(journey.steps.find((s) => s.step === 'repurged')!.detail).toBe(
      'the origin never changed within origin.gate.lateWaitMs: purged once more',
    );
    expect((await h.status()).origin.late).toBe(0);
  });

  it('compares with the version last seen when the event carries no marker, and releases a removal at once', async () => {
    const h = distribution('origin-validator', { gate: gate() });
    const path = '/origin/validator';
    await setPage(path, 'First', '2026-12-01T10:00:00.000Z');
    await h.enqueue('evt_first', url(path));
    const first = await until(h, 'evt_first', path, (s) => s.includes('call 200'));
    expect(first.steps.find((s) => s.step === 'released')!.detail).toBe(
      'no earlier version or marker to compare: released at once',
    );

    await stage(path, 'Second', '2026-12-08T05:00:00.000Z', 800, 'time');
    await h.enqueue('evt_second', url(path));
    const second = await until(h, 'evt_second', path, (s) => s.includes('call 200'));
    expect(second.steps.find((s) => s.step === 'released')!.detail).toBe('the origin serves a new version');
    const [applied] = await appCalls(path);
    expect(accepted(await h.calls(), 'url')[1]!.at).toBeGreaterThanOrEqual(applied!.at);

    await fetch(`${env.ORIGIN_URL}/__origin/pages?path=${encodeURIComponent(path)}`, { method: 'DELETE' });
    await h.enqueue('evt_removed', url(path, 'a marker a removed page never serves'));
    const removed = await until(h, 'evt_removed', path, (s) => s.includes('call 200'));
    expect(removed.steps.find((s) => s.step === 'released')!.detail).toBe('the origin answers that the page is gone or moved');
  });
});

describe('steps run in the configured order', () => {
  // Node's HTTP parser refuses a BAN (not a method it knows): the BAN request is checked in plan.test.ts.
  it('a PURGE at the caching proxy, then the build hook with its body template, before the CDN purge', async () => {
    const steps = [
      { type: 'purge', baseUrl: env.REVALIDATOR_URL },
      { type: 'http', url: `${env.REVALIDATOR_URL}/hooks/build`, body: '{"trigger":"relay","paths":{paths},"event":{event}}' },
    ];
    const h = distribution('origin-steps', { steps });
    const path = '/origin/steps';
    await h.enqueue('evt_steps', url(path));
    const journey = await until(h, 'evt_steps', path, (s) => s.includes('call 200'));
    expect(names(journey)).toEqual(['queued', 'origin', 'origin', 'released', 'call 200']);
    const calls = await appCalls(path);
    expect(calls.map((c) => c.method)).toEqual(['PURGE', 'POST']);
    expect(calls[1]!.body).toEqual({ trigger: 'relay', paths: [path], event: 'evt_steps' });
    expect(accepted(await h.calls(), 'url')[0]!.at).toBeGreaterThan(calls[1]!.at);
  });
});
