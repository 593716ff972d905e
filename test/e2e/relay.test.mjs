// @ts-check
// End to end: wrangler dev (workerd, local KV and Durable Objects) + the Gotipath stand-in on 127.0.0.1,
// webhooks signed by the platforms' official SDKs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { summarize } from '../../scripts/gotipath-standin/index.mjs';
import { SIGNERS } from '../../scripts/sdk-signers.mjs';
import { startStack } from '../../scripts/stack.mjs';
/** @import { Call, GotipathStandin } from '../../scripts/gotipath-standin/index.mjs' */
/** @import { LocalRelay, Stack } from '../../scripts/stack.mjs' */

const WINDOW_MS = 2_000;
const SECRETS = {
  GOTIPATH_CLIENT_ID: 'e2e-client',
  GOTIPATH_LIBRARY_ID: 'e2e-library',
  GOTIPATH_API_KEY: 'e2e-key/with+base64=',
  ADMIN_TOKEN: 'e2e-admin-token-0123456789',
  CONTENTFUL_SECRET: 'e'.repeat(64),
  STRAPI_TOKEN: 'e2e-strapi-token',
};
const CONFIG = {
  distributions: {
    blog: { id: 'dist-e2e-blog', coalesceMs: 500, limits: { windowMs: WINDOW_MS + 100 } },
    burst: { id: 'dist-e2e-burst', coalesceMs: 500, limits: { windowMs: WINDOW_MS + 100 } },
  },
  sources: {
    contentful: { provider: 'contentful', secrets: ['CONTENTFUL_SECRET'] },
    strapi: { provider: 'strapi', secrets: ['STRAPI_TOKEN'] },
  },
  rules: [
    {
      id: 'post',
      distribution: 'blog',
      match: { sources: ['contentful'], contentTypes: ['blogPost'], actions: ['publish'] },
      purge: ['/blog/{fields.slug}', '/blog'],
    },
    { id: 'page', distribution: 'burst', match: { sources: ['strapi'] }, purge: ['/pages/{fields.slug}'] },
  ],
};

/** @type {Stack | undefined} */
let stack;
/** @type {GotipathStandin} */
let standin;
/** @type {LocalRelay} */
let relay;

before(async () => {
  stack = await startStack({ name: 'e2e', secrets: SECRETS, config: CONFIG, windowMs: WINDOW_MS, portBase: 18_000 });
  ({ standin, relay } = stack);
});

after(async () => {
  await stack?.stop();
});

/** Resolves once `check()` is truthy; fails after `timeoutMs`. @param {() => boolean} check @param {number} timeoutMs */
async function waitFor(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not settled within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** @param {string} distributionId */
const callsTo = (distributionId) => standin.calls.filter((c) => c.distributionId === distributionId);

describe('a signed Contentful publish', () => {
  it('is acknowledged 202 and the stand-in receives exactly the expected purge within the window', async () => {
    const body = JSON.stringify({
      sys: { id: 'post-1', type: 'Entry', contentType: { sys: { id: 'blogPost' } } },
      fields: { slug: { 'en-US': 'hello world' } },
    });
    const path = '/webhooks/contentful';
    const topic = { 'x-contentful-topic': 'ContentManagement.Entry.publish' };
    const signed = SIGNERS.contentful({ secret: SECRETS.CONTENTFUL_SECRET, body, path, headers: topic });
    const sentAt = Date.now();
    const response = await fetch(`${relay.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...topic, ...signed },
      body,
    });
    assert.equal(response.status, 202);
    const receipt = await response.json();
    assert.match(receipt.eventId, /^evt_/);
    assert.equal(receipt.paths, 2);

    await waitFor(() => callsTo('dist-e2e-blog').length > 0, WINDOW_MS + 3_000);
    // Not empty: waitFor saw a call (and the next line checks there is exactly one).
    const calls = /** @type {[Call, ...Call[]]} */ (callsTo('dist-e2e-blog'));
    assert.equal(calls.length, 1);
    assert.deepEqual(
      { status: calls[0].status, type: calls[0].type, paths: calls[0].paths },
      { status: 200, type: 'url', paths: ['/blog/hello%20world', '/blog'] },
    );
    assert.ok(calls[0].at - sentAt < WINDOW_MS, `purged ${calls[0].at - sentAt} ms after the webhook`);
  });

  it('is refused 401 when the body was changed after signing, and nothing is purged', async () => {
    const body = JSON.stringify({
      sys: { id: 'post-2', type: 'Entry', contentType: { sys: { id: 'blogPost' } } },
      fields: { slug: { 'en-US': 'x' } },
    });
    const signed = SIGNERS.contentful({ secret: SECRETS.CONTENTFUL_SECRET, body, path: '/webhooks/contentful' });
    const response = await fetch(`${relay.url}/webhooks/contentful`, {
      method: 'POST',
      headers: signed,
      body: body.replace('"x"', '"y"'),
    });
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: 'signature does not match' });
  });
});

describe('a burst of 250 publishes touching 250 distinct pages', () => {
  it('purges every path exactly once, in calls of at most 100, with no call above the limits', async () => {
    const slugs = Array.from({ length: 250 }, (_, i) => `page-${i}-${randomUUID().slice(0, 8)}`);
    const statuses = await Promise.all(
      slugs.map(async (slug) => {
        const body = JSON.stringify({ event: 'entry.publish', model: 'page', entry: { id: slug, slug } });
        const response = await fetch(`${relay.url}/webhooks/strapi`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.STRAPI_TOKEN}` },
          body,
        });
        return response.status;
      }),
    );
    assert.deepEqual([...new Set(statuses)], [202]);

    await waitFor(
      () => callsTo('dist-e2e-burst').reduce((n, c) => n + (c.status === 200 ? c.paths.length : 0), 0) >= 250,
      4 * WINDOW_MS + 5_000,
    );
    const calls = callsTo('dist-e2e-burst');
    const summary = summarize(calls, WINDOW_MS);
    assert.equal(standin.violations, 0, 'no call was refused with 429');
    assert.deepEqual(summary.rejected, {});
    assert.ok(calls.every((c) => c.paths.length <= 100));
    assert.ok(summary.maxCallsInAnyWindow.url <= 2, `at most 2 URL purges per window, saw ${summary.maxCallsInAnyWindow.url}`);
    assert.equal(calls.length, 3);
    const purged = calls.flatMap((c) => c.paths);
    assert.equal(purged.length, 250);
    assert.deepEqual(new Set(purged), new Set(slugs.map((s) => `/pages/${s}`)));
  });
});
