// @ts-check
// End to end: freshness under wrangler dev, with the Gotipath stand-in's caching edge in front of the example origin
// (examples/origin/), all on 127.0.0.1. A publish changes a page at the origin, then sends a Strapi webhook; the relay
// purges it and verifies at the edge: fresh, stale then purged again, stuck, gone, each recorded with its evidence.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startExampleOrigin } from '../../examples/origin/server.mjs';
import { startStack } from '../../scripts/stack.mjs';
/** @import { Stack } from '../../scripts/stack.mjs' */

const WINDOW_MS = 2_000;
const DISTRIBUTION = 'dist-e2e-fresh';
const SECRETS = {
  GOTIPATH_CLIENT_ID: 'fresh-client',
  GOTIPATH_LIBRARY_ID: 'fresh-library',
  GOTIPATH_API_KEY: 'fresh-key',
  ADMIN_TOKEN: 'fresh-admin-token-0123456789',
  STRAPI_TOKEN: 'fresh-strapi-token',
};

/** @type {Awaited<ReturnType<typeof startExampleOrigin>>} */
let origin;
/** @type {Stack | undefined} */
let stack;

before(async () => {
  origin = await startExampleOrigin({ pages: {} });
  stack = await startStack({
    name: 'freshness',
    secrets: SECRETS,
    windowMs: WINDOW_MS,
    portBase: 24_000,
    // The edge evicts 300 ms after the 200, as Gotipath's back ends purge in the background.
    edge: { originUrl: origin.url, evictAfterMs: 300 },
    config: (/** @type {Stack['standin']} */ standin) => ({
      distributions: {
        site: {
          id: DISTRIBUTION,
          coalesceMs: 300,
          limits: { windowMs: WINDOW_MS + 100 },
          publicBaseUrl: standin.edgeUrl,
          // Checks 1 s and 2.5 s after the purge; a page still stale is purged again once, then it is stuck.
          verify: { originBaseUrl: origin.url, delaysMs: [1_000, 2_500], maxRepurges: 1, originRatePerSecond: 20 },
        },
      },
      sources: { strapi: { provider: 'strapi', secrets: ['STRAPI_TOKEN'] } },
      rules: [{ id: 'article', distribution: 'site', match: { sources: ['strapi'] }, purge: ['/articles/{fields.slug}'] }],
    }),
  });
});

after(async () => {
  await stack?.stop();
  await origin?.close();
});

/**
 * @typedef {{ step: string, detail?: string, evidence?: { reason: string, validator?: string,
 *   origin?: { status: number, etag?: string }, edge?: { status: number, etag?: string, age?: number, cacheStatus?: string } } }} Step
 */

/** The page's title as the edge serves it. @param {string} path */
async function edgeTitle(path) {
  const html = await fetch(`${stack?.standin.edgeUrl}${path}`).then((r) => r.text());
  return /<title>(.*?)<\/title>/.exec(html)?.[1];
}

/**
 * An editor's change: the page as visitors see it is in the edge's cache, then the origin gets the new version
 * (or loses the page) and Strapi sends its webhook. Resolves with the event id.
 * @param {string} slug @param {{ remove?: boolean }} [options]
 */
async function publish(slug, { remove = false } = {}) {
  const path = `/articles/${slug}`;
  origin.setPage(path, { title: `${slug} v1`, updatedAt: '2026-11-20T09:00:00Z' });
  assert.equal(await edgeTitle(path), `${slug} v1`);
  const updatedAt = new Date().toISOString();
  if (remove) origin.removePage(path);
  else origin.setPage(path, { title: `${slug} v2`, updatedAt });
  const event = remove ? 'entry.delete' : 'entry.publish';
  const response = await fetch(`${stack?.relay.url}/webhooks/strapi`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.STRAPI_TOKEN}` },
    body: JSON.stringify({ event, model: 'article', entry: { id: slug, documentId: slug, slug, updatedAt } }),
  });
  assert.equal(response.status, 202, await response.clone().text());
  return /** @type {{ eventId: string }} */ (await response.json()).eventId;
}

/** The event's steps for its one path (GET /admin/events/{id}). @param {string} eventId @returns {Promise<Step[]>} */
async function steps(eventId) {
  const response = await fetch(`${stack?.relay.url}/admin/events/${eventId}`, {
    headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}` },
  });
  if (response.status === 404) return [];
  /** @type {{ distributions: { paths: { steps: Step[] }[] }[] }} */
  const journey = await response.json();
  return journey.distributions[0]?.paths[0]?.steps ?? [];
}

/**
 * Waits until the event's steps satisfy `done`; fails with the steps seen after `timeoutMs`.
 * @param {string} eventId @param {(steps: Step[]) => boolean} done @param {number} [timeoutMs]
 */
async function waitForSteps(eventId, done, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await steps(eventId);
    if (done(seen)) return seen;
    if (Date.now() > deadline) throw new Error(`not settled within ${timeoutMs} ms: ${JSON.stringify(seen, null, 1)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** @param {Step[]} list @param {string} verdict */
const checked = (list, verdict) => list.filter((s) => s.step === 'checked' && s.detail === verdict);
/** Accepted URL purges of a path at the stand-in. @param {string} path */
const purgesOf = (path) =>
  stack?.standin.calls.filter((c) => c.distributionId === DISTRIBUTION && c.status === 200 && c.paths.includes(path)) ?? [];

/** The relay's freshness counts for the distribution (GET /admin/status). */
async function freshness() {
  const response = await fetch(`${stack?.relay.url}/admin/status`, {
    headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}` },
  });
  /** @type {{ distributions: { distributionId: string, freshness?: Record<string, number> }[] }} */
  const status = await response.json();
  return status.distributions.find((d) => d.distributionId === DISTRIBUTION)?.freshness;
}

describe('verification at the caching edge', () => {
  it('a publish ends fresh, with the evidence recorded', async () => {
    const eventId = await publish('fresh');
    const seen = await waitForSteps(eventId, (s) => checked(s, 'fresh').length > 0);
    const [check] = checked(seen, 'fresh');
    assert.ok(
      seen.some((s) => s.step === 'call'),
      'purged before it was checked',
    );
    assert.equal(check?.evidence?.validator, 'etag');
    assert.equal(check?.evidence?.origin?.status, 200);
    assert.equal(check?.evidence?.edge?.status, 200);
    assert.equal(check?.evidence?.edge?.etag, origin.pages.get('/articles/fresh')?.etag);
    assert.equal(check?.evidence?.origin?.etag, check?.evidence?.edge?.etag);
    assert.equal(await edgeTitle('/articles/fresh'), 'fresh v2');
    assert.equal(purgesOf('/articles/fresh').length, 1, 'a fresh page is not purged again');
  });

  it('a purge acknowledged but not evicted is detected as stale, purged again, and ends fresh', async () => {
    // The edge answers 200 {} and keeps the page for the first round only.
    stack?.standin.setFaults({ keepPaths: ['/articles/kept'] }, DISTRIBUTION);
    const eventId = await publish('kept');
    const first = await waitForSteps(eventId, (s) => checked(s, 'stale').length > 0);
    const [stale] = checked(first, 'stale');
    assert.equal(stale?.evidence?.edge?.cacheStatus, 'HIT');
    assert.notEqual(stale?.evidence?.edge?.etag, stale?.evidence?.origin?.etag);
    assert.equal(await edgeTitle('/articles/kept'), 'kept v1', 'the edge still serves the old version');
    stack?.standin.setFaults({ keepPaths: null }, DISTRIBUTION);
    const seen = await waitForSteps(eventId, (s) => checked(s, 'fresh').length > 0);
    assert.ok(
      seen.some((s) => s.step === 'repurged'),
      JSON.stringify(seen),
    );
    assert.equal(purgesOf('/articles/kept').length, 2, 'purged once, then again');
    assert.equal(await edgeTitle('/articles/kept'), 'kept v2');
  });

  it('a page that stays stale after the re-purge ends stuck', async () => {
    stack?.standin.setFaults({ lostEvictions: 1 }, DISTRIBUTION);
    try {
      const eventId = await publish('stuck');
      const seen = await waitForSteps(eventId, (s) => s.some((step) => step.step === 'stuck'), 30_000);
      assert.equal(checked(seen, 'fresh').length, 0);
      assert.ok(checked(seen, 'stale').length >= 2, 'stale before and after the re-purge');
      assert.equal(purgesOf('/articles/stuck').length, 2, 'maxRepurges 1: one purge and one more');
      assert.ok(((await freshness())?.stuck ?? 0) >= 1, 'the status counts it');
    } finally {
      stack?.standin.setFaults({ lostEvictions: null }, DISTRIBUTION);
    }
  });

  it('a removal ends gone', async () => {
    const eventId = await publish('removed', { remove: true });
    const seen = await waitForSteps(eventId, (s) => checked(s, 'gone').length > 0);
    const [gone] = checked(seen, 'gone');
    assert.equal(gone?.evidence?.origin?.status, 404);
    assert.equal(gone?.evidence?.edge?.status, 404);
    const status = await freshness();
    assert.ok((status?.fresh ?? 0) >= 2 && (status?.gone ?? 0) >= 1, JSON.stringify(status));
  });
});
