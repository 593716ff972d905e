// @ts-check
// End to end: origin first, then the CDN, under wrangler dev. The example origin behind the stand-in's caching edge,
// and a Next.js-style app in front of the origin (examples/nextjs-app/) that checks its secret; all on 127.0.0.1.
// The order is origin step → gate → CDN purge → verification; a failing step holds the purge; a gate timeout purges
// anyway and once more when the origin changes; bad origin config is refused at its field.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startNextjsApp } from '../../examples/nextjs-app/server.mjs';
import { startExampleOrigin } from '../../examples/origin/server.mjs';
import { startStack } from '../../scripts/stack.mjs';
/** @import { Stack } from '../../scripts/stack.mjs' */

const WINDOW_MS = 2_000;
const SECRETS = {
  GOTIPATH_CLIENT_ID: 'origin-client',
  GOTIPATH_LIBRARY_ID: 'origin-library',
  GOTIPATH_API_KEY: 'origin-key',
  ADMIN_TOKEN: 'origin-admin-token-0123456789',
  STRAPI_TOKEN: 'origin-strapi-token',
  REVALIDATE_SECRET: 'origin-revalidate-secret-0123',
};
const ADMIN = { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}` };

/** @type {Awaited<ReturnType<typeof startExampleOrigin>>} */
let origin;
/** @type {Awaited<ReturnType<typeof startNextjsApp>>} */
let app;
/** @type {Stack | undefined} */
let stack;

/** @param {Stack['standin']} standin */
const config = (standin) => {
  const base = {
    coalesceMs: 300,
    limits: { windowMs: WINDOW_MS + 100 },
    publicBaseUrl: standin.edgeUrl,
    verify: { originBaseUrl: origin.url, marker: '{fields.updatedAt}', delaysMs: [800, 2_000], originRatePerSecond: 20 },
  };
  return {
    distributions: {
      // A Next.js app: revalidate, then wait for the regenerated page.
      next: {
        ...base,
        id: 'dist-e2e-origin-next',
        origin: {
          steps: [{ type: 'nextjs', url: `${app.url}/api/revalidate`, secret: 'REVALIDATE_SECRET' }],
          retry: { baseMs: 300, maxMs: 600 },
          gate: { enabled: true, maxWaitMs: 15_000, pollMs: 300, pollMaxMs: 1_000 },
        },
      },
      // A static build that takes longer than the gate waits.
      build: {
        ...base,
        id: 'dist-e2e-origin-build',
        verify: { ...base.verify, enabled: false },
        origin: { gate: { enabled: true, maxWaitMs: 1_500, lateWaitMs: 20_000, pollMs: 300, pollMaxMs: 600 } },
      },
    },
    sources: { strapi: { provider: 'strapi', secrets: ['STRAPI_TOKEN'] } },
    rules: [
      { id: 'article', distribution: 'next', match: { contentTypes: ['article'] }, purge: ['/articles/{fields.slug}'] },
      { id: 'doc', distribution: 'build', match: { contentTypes: ['doc'] }, purge: ['/docs/{fields.slug}'] },
    ],
  };
};

before(async () => {
  origin = await startExampleOrigin({ pages: {} });
  app = await startNextjsApp({ originUrl: origin.url, secret: SECRETS.REVALIDATE_SECRET });
  stack = await startStack({
    name: 'origin',
    secrets: SECRETS,
    windowMs: WINDOW_MS,
    portBase: 26_000,
    edge: { originUrl: origin.url, evictAfterMs: 300 },
    config,
  });
});

after(async () => {
  await stack?.stop();
  await app?.close();
  await origin?.close();
});

/** @param {string} path */
async function edgeTitle(path) {
  return /<title>(.*?)<\/title>/.exec(await fetch(`${stack?.standin.edgeUrl}${path}`).then((r) => r.text()))?.[1];
}

/**
 * Stages v2 of a page at the app (applied `delayMs` after revalidation, or after now with `on: "time"`), with v1
 * cached at the edge, then sends Strapi's webhook. Resolves with the event id.
 * @param {string} model @param {string} path @param {string} slug @param {number} delayMs @param {'revalidate' | 'time'} on
 */
async function publish(model, path, slug, delayMs, on) {
  origin.setPage(path, { title: `${slug} v1`, updatedAt: '2026-11-20T09:00:00.000Z' });
  assert.equal(await edgeTitle(path), `${slug} v1`);
  const updatedAt = new Date().toISOString();
  const q = new URLSearchParams({ path, delayMs: String(delayMs), on });
  const staged = await fetch(`${app.url}/__stage?${q}`, {
    method: 'PUT',
    body: JSON.stringify({ title: `${slug} v2`, updatedAt }),
  });
  assert.equal(staged.status, 200);
  const response = await fetch(`${stack?.relay.url}/webhooks/strapi`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.STRAPI_TOKEN}` },
    body: JSON.stringify({ event: 'entry.publish', model, entry: { id: slug, documentId: slug, slug, updatedAt } }),
  });
  assert.equal(response.status, 202, await response.clone().text());
  return /** @type {{ eventId: string }} */ (await response.json()).eventId;
}

/** @typedef {{ step: string, at: number, status?: number, detail?: string }} Step */

/** The steps of an event's one path, as names (`call 200`, `checked fresh`). @param {string} eventId */
async function steps(eventId) {
  const response = await fetch(`${stack?.relay.url}/admin/events/${eventId}`, { headers: ADMIN });
  if (response.status === 404) return { names: [], list: [] };
  /** @type {{ distributions: { paths: { steps: Step[] }[] }[] }} */
  const journey = await response.json();
  const list = journey.distributions[0]?.paths[0]?.steps ?? [];
  const names = list.map((s) => (s.step === 'call' ? `call ${s.status}` : s.step === 'checked' ? `checked ${s.detail}` : s.step));
  return { names, list };
}

/** @param {string} eventId @param {(names: string[]) => boolean} done */
async function waitFor(eventId, done, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await steps(eventId);
    if (done(seen.names)) return seen;
    if (Date.now() > deadline) throw new Error(`not settled within ${timeoutMs} ms: ${JSON.stringify(seen.list, null, 1)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Accepted URL purges of a path. @param {string} path */
const purgesOf = (path) =>
  stack?.standin.calls.filter((c) => c.status === 200 && c.kind === 'url' && c.paths.includes(path)) ?? [];
/** @param {string} path */
const appCalls = (path) =>
  app.calls.filter((c) => c.path === path || /** @type {{ paths?: string[] }} */ (c.body ?? {}).paths?.includes(path));

describe('origin first, then the CDN, under wrangler dev', () => {
  it('revalidates the app, waits for the new page at the origin, purges once, and verifies it fresh', async () => {
    const path = '/articles/launch';
    const eventId = await publish('article', path, 'launch', 2_000, 'revalidate');
    const { names, list } = await waitFor(eventId, (s) => s.at(-1) === 'checked fresh');
    assert.deepEqual(names, ['queued', 'origin', 'gated', 'released', 'call 200', 'checked fresh']);
    const [revalidate, applied] = appCalls(path);
    assert.equal(revalidate?.status, 200);
    assert.deepEqual(revalidate?.body, { paths: [path], tags: [], event: eventId });
    assert.equal(applied?.method, 'APPLIED');
    const purges = purgesOf(path);
    assert.equal(purges.length, 1, 'one CDN purge, none wasted');
    assert.ok(
      (revalidate?.at ?? 0) <= (applied?.at ?? 0) && (applied?.at ?? 0) <= (purges[0]?.at ?? 0),
      'origin step → change → purge',
    );
    assert.ok((list.find((s) => s.step === 'released')?.at ?? 0) >= (applied?.at ?? Infinity), 'released after the change');
    assert.equal(await edgeTitle(path), 'launch v2');
  });

  it('holds the CDN purge while the revalidation fails, then purges once it succeeds', async () => {
    await fetch(`${app.url}/__fail?times=2`, { method: 'POST' });
    const path = '/articles/retry';
    const eventId = await publish('article', path, 'retry', 0, 'revalidate');
    const { names } = await waitFor(eventId, (s) => s.at(-1) === 'checked fresh');
    assert.deepEqual(names, ['queued', 'origin', 'origin', 'origin', 'gated', 'released', 'call 200', 'checked fresh']);
    const tries = appCalls(path).filter((c) => c.method === 'POST');
    assert.deepEqual(
      tries.map((c) => c.status),
      [500, 500, 200],
    );
    assert.ok((purgesOf(path)[0]?.at ?? 0) > (tries[2]?.at ?? Infinity), 'no CDN purge before the step succeeded');
  });

  it('purges anyway when the gate times out, and once more when the build is finally live', async () => {
    const path = '/docs/guide';
    const eventId = await publish('doc', path, 'guide', 4_000, 'time');
    const { names, list } = await waitFor(eventId, (s) => s.filter((n) => n === 'call 200').length === 2);
    assert.deepEqual(names, ['queued', 'gated', 'released', 'call 200', 'repurged', 'call 200']);
    assert.match(list[2]?.detail ?? '', /^the origin still serves the old version after \d+ s \(status 200\): purged anyway$/);
    const [applied] = appCalls(path);
    const [first, second] = purgesOf(path);
    assert.ok((first?.at ?? 0) < (applied?.at ?? 0) && (second?.at ?? 0) >= (applied?.at ?? Infinity));
    // The edge may have cached v1 again after the first purge: the second one is what makes it fresh.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await edgeTitle(path), 'guide v2');
  });

  it('refuses bad origin settings with the exact field', async () => {
    /** @param {Record<string, unknown>} step @returns {Promise<{ path: string, message: string }[]>} */
    const issues = async (step) => {
      const bad = structuredClone(config(/** @type {Stack['standin']} */ (stack?.standin)));
      // A deliberately bad step: any shape may be sent (the boundary under test).
      bad.distributions.next.origin.steps = [/** @type {any} */ (step)];
      const response = await fetch(`${stack?.relay.url}/admin/config`, {
        method: 'PUT',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify(bad),
      });
      assert.equal(response.status, 422);
      return /** @type {{ issues: { path: string, message: string }[] }} */ (await response.json()).issues;
    };
    const step = { type: 'nextjs', url: `${app.url}/api/revalidate`, secret: 'REVALIDATE_SECRET' };
    assert.deepEqual(await issues({ ...step, url: 'http://www.example.com/api/revalidate' }), [
      {
        path: 'distributions.next.origin.steps[0].url',
        message: 'must be https (plain http only to 127.0.0.1 or localhost, for local development)',
      },
    ]);
    const [secret] = await issues({ ...step, secret: 'ADMIN_TOKEN' });
    assert.equal(secret?.path, 'distributions.next.origin.steps[0].secret');
    assert.match(secret?.message ?? '', /^ADMIN_TOKEN is one of the relay's own settings/);
    assert.deepEqual(
      (await issues({ ...step, type: 'wordpress' })).map((i) => i.path),
      ['distributions.next.origin.steps[0].type'],
    );
  });
});
