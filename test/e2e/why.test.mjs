// @ts-check
// End to end: "why is this URL stale?" and `purge --wait --verify` from the CLI, under wrangler dev with the
// Gotipath stand-in's caching edge in front of the example origin, all on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startExampleOrigin } from '../../examples/origin/server.mjs';
import { runCli, startStack } from '../../scripts/stack.mjs';
/** @import { Stack } from '../../scripts/stack.mjs' */

const WINDOW_MS = 2_000;
const DISTRIBUTION = 'dist-e2e-why';
const SECRETS = {
  GOTIPATH_CLIENT_ID: 'why-client',
  GOTIPATH_LIBRARY_ID: 'why-library',
  GOTIPATH_API_KEY: 'why-key',
  ADMIN_TOKEN: 'why-admin-token-0123456789',
  STRAPI_TOKEN: 'why-strapi-token',
};

/** @type {Awaited<ReturnType<typeof startExampleOrigin>>} */
let origin;
/** @type {Stack} */
let stack;

before(async () => {
  origin = await startExampleOrigin({ pages: {} });
  stack = await startStack({
    name: 'why',
    secrets: SECRETS,
    windowMs: WINDOW_MS,
    portBase: 26_000,
    edge: { originUrl: origin.url, evictAfterMs: 200 },
    config: (/** @type {Stack['standin']} */ standin) => ({
      distributions: {
        site: {
          id: DISTRIBUTION,
          coalesceMs: 300,
          limits: { windowMs: WINDOW_MS + 100 },
          publicBaseUrl: standin.edgeUrl,
          // Checks 0.8 s and 2 s after the purge; still stale: purged again once, then stuck.
          verify: { originBaseUrl: origin.url, delaysMs: [800, 2_000], maxRepurges: 1, originRatePerSecond: 20 },
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

/** @param {string[]} args */
const cli = (args) => runCli(args, { url: stack.relay.url, token: SECRETS.ADMIN_TOKEN, cwd: stack.dir });

/** The page as visitors see it is in the edge's cache; then the origin gets a new version. @param {string} path */
async function changeAtOrigin(path) {
  origin.setPage(path, { title: `${path} v1`, updatedAt: '2026-11-20T09:00:00Z' });
  assert.equal((await fetch(`${stack.standin.edgeUrl}${path}`)).status, 200);
  origin.setPage(path, { title: `${path} v2`, updatedAt: new Date().toISOString() });
}

describe('purge-relay purge --wait --verify', () => {
  it('waits until the edge serves the new version, and says how long it took', async () => {
    await changeAtOrigin('/articles/verified');
    const { code, stdout, stderr } = await cli([
      'purge',
      '--distribution',
      'site',
      '/articles/verified',
      '--wait',
      '--verify',
      '--timeout',
      '30',
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^queued 1 path\(s\) on site as man_\w+, expected to be sent in \d+ s$/m);
    assert.match(stdout, /^ok {6}\/articles\/verified {2}purged$/m);
    assert.match(stdout, /^fresh {3}\/articles\/verified {2}fresh, live \d+ s after the purge was queued$/m);
  });

  it('reports a page the edge keeps serving old as stuck, and exits 1', async () => {
    stack.standin.setFaults({ keepPaths: ['/articles/kept'] }, DISTRIBUTION);
    try {
      await changeAtOrigin('/articles/kept');
      const { code, stdout, stderr } = await cli([
        'purge',
        '--distribution',
        'site',
        '/articles/kept',
        '--wait',
        '--verify',
        '--timeout',
        '40',
      ]);
      assert.equal(code, 1, stdout);
      assert.match(
        stdout,
        /^STUCK {3}\/articles\/kept {2}stuck: the edge still serves the old version after 1 re-purge\(s\) \(edge-differs, Age \d+ s\)$/m,
      );
      assert.match(
        stderr,
        /^purge-relay: 1 path\(s\) of man_\w+ not verified fresh \(see `purge-relay why \/articles\/kept`\)$/m,
      );
    } finally {
      stack.standin.setFaults({ keepPaths: null }, DISTRIBUTION);
    }
  });
});

describe('purge-relay why', () => {
  it('checks origin and edge now: a stuck page is stale at the edge, with both answers and the history', async () => {
    stack.standin.setFaults({ keepPaths: ['/articles/kept'] }, DISTRIBUTION);
    try {
      const { code, stdout } = await cli(['why', `${stack.standin.edgeUrl}/articles/kept`]);
      assert.equal(code, 1, stdout);
      assert.match(
        stdout,
        /^purged at \S+Z but the edge still serves the old version \(Age \d+ s\): purged again at \S+Z; given up as stuck at \S+Z$/m,
      );
      assert.match(stdout, /^checked {3}stale at \S+Z: edge-differs \(by etag\)$/m);
      assert.match(stdout, /^ {2}origin {2}200 {2}http:\/\/127\.0\.0\.1:\d+\/articles\/kept {2}ETag "[^"]+"/m);
      assert.match(
        stdout,
        /^ {2}edge {4}200 {2}http:\/\/127\.0\.0\.1:\d+\/articles\/kept {2}ETag "[^"]+" .*Age \d+ s {2}cache HIT/m,
      );
      assert.match(stdout, /^ {2}\S+Z {2}repurged/m);
      assert.match(stdout, /^ {2}\S+Z {2}stuck/m);
    } finally {
      stack.standin.setFaults({ keepPaths: null }, DISTRIBUTION);
    }
  });

  it('says fresh since the first fresh check, and exits 0', async () => {
    const { code, stdout } = await cli(['why', '/articles/verified']);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /^fresh since \S+Z$/m);
    assert.match(stdout, /^path {6}\/articles\/verified on site \(fresh\)$/m);
    assert.match(stdout, /^checked {3}fresh at \S+Z: edge-matches-origin \(by etag\)$/m);
  });

  it('says the receipt of a webhook when its paths are expected to go, and why then tells the rule', async () => {
    await changeAtOrigin('/articles/hooked');
    const response = await fetch(`${stack.relay.url}/webhooks/strapi`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.STRAPI_TOKEN}` },
      body: JSON.stringify({ event: 'entry.publish', model: 'article', entry: { id: 'h', documentId: 'h', slug: 'hooked' } }),
    });
    assert.equal(response.status, 202);
    const receipt = await response.json();
    assert.ok(
      Number.isInteger(receipt.etaSeconds) && receipt.etaSeconds >= 0 && receipt.etaSeconds <= 3,
      JSON.stringify(receipt),
    );
    const { stdout } = await cli(['why', '/articles/hooked', '--recorded']);
    assert.match(stdout, /^rules {5}article \(\/articles\/\{fields\.slug\}\)$/m);
    assert.match(stdout, new RegExp(`^ {2}\\S+Z {2}${receipt.eventId} {2}strapi, rule article$`, 'm'));
  });
});
