// @ts-check
// End to end, cache tags: the example site (examples/tagged-site) labels its pages with Cache-Tag and serves a
// sitemap index; a cron-started crawl learns them; one signed publish whose rule names only `post-{id}` purges
// exactly the pages that show the post. wrangler dev + the Gotipath stand-in, all on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SIGNERS } from '../../scripts/sdk-signers.mjs';
import { pages, pagesShowing, startTaggedSite } from '../../examples/tagged-site/site.mjs';
import { runCli, startStack } from '../../scripts/stack.mjs';
/** @import { Stack } from '../../scripts/stack.mjs' */

/**
 * What the tests read of the admin API's answers.
 * @typedef {{ state: string, sitemaps: number, pages: number, errors: number, skipped: number }} Crawl
 * @typedef {{ distribution: string, tags: { crawl: Crawl } }} DistributionStatus
 */

const WINDOW_MS = 2_000;
const CRON = '0 3 * * *';
const SECRETS = {
  GOTIPATH_CLIENT_ID: 'e2e-client',
  GOTIPATH_LIBRARY_ID: 'e2e-library',
  GOTIPATH_API_KEY: 'e2e-key',
  ADMIN_TOKEN: 'e2e-admin-token-0123456789',
  CONTENTFUL_SECRET: 't'.repeat(64),
  TAGS_TOKEN: 'e2e-tags-token-0123456789',
};
const ADMIN = { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}` };

/** @type {Awaited<ReturnType<typeof startTaggedSite>>} */
let site;
/** @type {Stack} */
let stack;

/** @param {string} publicBaseUrl */
const config = (publicBaseUrl) => ({
  distributions: {
    site: {
      id: 'dist-e2e-tags',
      coalesceMs: 500,
      limits: { windowMs: WINDOW_MS + 100 },
      publicBaseUrl,
      tags: { reportSecret: 'TAGS_TOKEN', crawl: { cron: CRON, requestsPerRun: 5, concurrency: 2, delayMs: 100 } },
    },
  },
  sources: { contentful: { provider: 'contentful', secrets: ['CONTENTFUL_SECRET'] } },
  // The rule names no page: only the post's tag.
  rules: [{ id: 'post', distribution: 'site', match: { contentTypes: ['blogPost'], actions: ['publish'] }, tags: ['post-{id}'] }],
});

before(async () => {
  site = await startTaggedSite();
  stack = await startStack({ name: 'tags', secrets: SECRETS, config: config(site.url), windowMs: WINDOW_MS, portBase: 24_000 });
});

after(async () => {
  await stack?.stop();
  await site?.close();
});

/**
 * Resolves with the first truthy value of `check()`; fails after `timeoutMs`.
 * @template T @param {() => T | Promise<T>} check @param {number} timeoutMs @param {string} what
 * @returns {Promise<NonNullable<T>>}
 */
async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** @returns {Promise<DistributionStatus>} the config's one distribution, "site" */
const status = async () => {
  /** @type {{ distributions: DistributionStatus[] }} */
  const body = await (await fetch(`${stack.relay.url}/admin/status`, { headers: ADMIN })).json();
  return /** @type {DistributionStatus} */ (body.distributions.find((d) => d.distribution === 'site'));
};

describe('cache tags on a tagged site', () => {
  it('crawls the sitemap index on its cron trigger, staying on the site', async () => {
    const fired = await fetch(`${stack.relay.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(CRON)}`);
    assert.equal(fired.status, 200);
    const crawl = await waitFor(
      async () => ((await status()).tags.crawl.state === 'done' ? (await status()).tags.crawl : undefined),
      20_000,
      'crawl',
    );
    assert.deepEqual(
      { sitemaps: crawl.sitemaps, pages: crawl.pages, errors: crawl.errors, skipped: crawl.skipped },
      { sitemaps: 3, pages: 12, errors: 0, skipped: 2 },
    );
    // Only the site was asked (the off-site entries were skipped), each of its URLs once.
    const listed = ['/sitemap.xml', '/sitemap-posts.xml', '/sitemap-pages.xml', ...pages().map((p) => p.path)];
    assert.deepEqual([...site.requests].sort(), listed.sort());
    /** @type {{ paths: { path: string }[] }} */
    const byTag = await (await fetch(`${stack.relay.url}/admin/tags?distribution=site&tag=post-2`, { headers: ADMIN })).json();
    assert.deepEqual(byTag.paths.map((p) => p.path).sort(), pagesShowing('2'));
  });

  it('shows the index from the CLI: the pages of a tag, and the crawl', async () => {
    const cli = (/** @type {string[]} */ args) => runCli(args, { url: stack.relay.url, token: SECRETS.ADMIN_TOKEN });
    const byTag = await cli(['tags', '--distribution', 'site', '--tag', 'post-2']);
    assert.equal(byTag.code, 0, byTag.stderr);
    const [head, ...rows] = byTag.stdout.trim().split('\n');
    assert.equal(head, `tag post-2 reaches ${pagesShowing('2').length} paths`);
    assert.deepEqual(rows.map((r) => r.trim().split(' ')[0]).sort(), pagesShowing('2'));
    const summary = await cli(['tags', '--distribution', 'site']);
    assert.match(summary.stdout, /^crawl {9}done, started .*: 12 pages \(\d+ tagged\), 3 sitemaps, 0 errors, 2 skipped$/m);
    const unknown = await cli(['tags', '--distribution', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown distribution "nope"/);
  });

  it('purges exactly the pages that show a published post, though no rule names them', async () => {
    const body = JSON.stringify({
      sys: { id: '2', type: 'Entry', contentType: { sys: { id: 'blogPost' } } },
      fields: { title: { 'en-US': 'Second' } },
    });
    const path = '/webhooks/contentful';
    const topic = { 'x-contentful-topic': 'ContentManagement.Entry.publish' };
    const signed = SIGNERS.contentful({ secret: SECRETS.CONTENTFUL_SECRET, body, path, headers: topic });
    const response = await fetch(`${stack.relay.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...topic, ...signed },
      body,
    });
    assert.equal(response.status, 202);
    const { eventId, paths: explicit, tags } = await response.json();
    assert.deepEqual({ explicit, tags }, { explicit: 0, tags: 1 });

    const calls = () => stack.standin.calls.filter((c) => c.distributionId === 'dist-e2e-tags' && c.status === 200);
    await waitFor(() => calls().length > 0 && calls().flatMap((c) => c.paths).length >= 4, WINDOW_MS + 5_000, 'purge');
    await new Promise((r) => setTimeout(r, 1_000)); // nothing more may follow
    const sent = calls();
    assert.deepEqual(new Set(sent.map((c) => c.kind)), new Set(['url']));
    const paths = sent.flatMap((c) => c.paths).sort();
    assert.deepEqual(paths, ['/blog?page=2', '/posts/1', '/posts/2', '/tags/howto']);
    assert.deepEqual(paths, pagesShowing('2'));

    // The journey says which tag each path came from.
    /** @type {{ distributions: [{ paths: { steps: { step: string, detail?: string }[] }[] }] }} */
    const journey = await (await fetch(`${stack.relay.url}/admin/events/${eventId}`, { headers: ADMIN })).json();
    const steps = journey.distributions[0].paths.map((p) => p.steps.find((s) => s.step === 'queued')?.detail);
    assert.deepEqual(new Set(steps), new Set(['tag post-2']));
  });

  it('takes tag reports from the origin with its own token', async () => {
    /** @param {string} token @param {unknown} payload */
    const report = (token, payload) =>
      fetch(`${stack.relay.url}/tags/site`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
    assert.equal((await report(SECRETS.ADMIN_TOKEN, { path: '/new', tags: ['post-2'] })).status, 401);
    const ok = await report(SECRETS.TAGS_TOKEN, { path: '/new', tags: 'post-2, home' });
    assert.deepEqual(await ok.json(), { distribution: 'site', paths: 1, tags: 2, ignored: 0 });
    /** @type {{ tags: { tag: string }[] }} */
    const byPath = await (await fetch(`${stack.relay.url}/admin/tags?distribution=site&path=%2Fnew`, { headers: ADMIN })).json();
    assert.deepEqual(
      byPath.tags.map((t) => t.tag),
      ['home', 'post-2'],
    );
  });
});
