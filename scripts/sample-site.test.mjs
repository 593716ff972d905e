// @ts-check
// Tests for what send-sample does to the local example site: `node --test scripts/sample-site.test.mjs`. The
// example origin and the stand-in's caching edge are real servers on 127.0.0.1; the relay's admin API answers
// are given as the relay would send them for examples/config.json (the e2e cli test covers the relay itself).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startExampleOrigin } from '../examples/origin/server.mjs';
import { startGotipathStandin } from './gotipath-standin/index.mjs';
import { changeSampleSite, findSampleSite, watchHints } from './sample-site.mjs';

/** @type {Awaited<ReturnType<typeof startExampleOrigin>>} */
let origin;
/** @type {Awaited<ReturnType<typeof startGotipathStandin>>} */
let standin;
before(async () => {
  origin = await startExampleOrigin();
  standin = await startGotipathStandin({ log: false, edge: { originUrl: origin.url } });
});
after(async () => {
  await standin.close();
  await origin.close();
});

/**
 * The admin API's answers for a sample that purges two pages and prefetches one.
 * @param {Record<string, unknown>} distribution
 */
const adminApi = (distribution) => ({
  /** @template T @param {string} method @param {string} path @returns {Promise<T>} */
  call: async (method, path) => {
    if (method === 'POST' && path === '/admin/preview') {
      const items = [
        { kind: 'url', path: '/posts/hello-sanity' },
        { kind: 'prefetch', path: '/posts/hello-sanity' },
        { kind: 'url', path: '/posts' },
      ];
      return /** @type {T} */ ({ work: [{ distribution: 'main', items }] });
    }
    if (method === 'GET' && path === '/admin/config')
      return /** @type {T} */ ({ config: { distributions: { main: distribution } } });
    throw new Error(`unexpected ${method} ${path}`);
  },
});
const sample = { source: 'sanity', headers: {}, body: {} };

describe('the sample site', () => {
  it('finds the URL paths, the edge and the origin of the sample’s distribution', async () => {
    const site = await findSampleSite(
      adminApi({ publicBaseUrl: `${standin.edgeUrl}/`, verify: { originBaseUrl: origin.url } }),
      sample,
    );
    assert.deepEqual(site, { paths: ['/posts/hello-sanity', '/posts'], edgeUrl: standin.edgeUrl, originUrl: origin.url });
  });

  it('leaves a site that is not on this machine alone', async () => {
    assert.equal(await findSampleSite(adminApi({ publicBaseUrl: 'https://www.example.com' }), sample), null);
    assert.equal(await findSampleSite(adminApi({}), sample), null);
    const remoteOrigin = { publicBaseUrl: standin.edgeUrl, verify: { originBaseUrl: 'https://origin.example.com' } };
    assert.equal(await findSampleSite(adminApi(remoteOrigin), sample), null);
  });

  it('has the edge cache the old version, then changes each page at the origin', async () => {
    const site = { paths: ['/posts/hello-sanity', '/posts'], edgeUrl: standin.edgeUrl, originUrl: origin.url };
    const changed = await changeSampleSite(site, '2026-12-01T10:00:00.000Z');
    assert.deepEqual(
      changed.map((c) => c.path),
      site.paths,
    );
    assert.match(changed[0]?.title ?? '', /^Hello \(updated \d\d:\d\d:\d\d\)$/);
    assert.equal(origin.pages.get('/posts/hello-sanity')?.updatedAt, '2026-12-01T10:00:00.000Z');
    const atEdge = await fetch(`${standin.edgeUrl}/posts/hello-sanity`);
    assert.equal(atEdge.headers.get('x-cache'), 'HIT');
    assert.match(await atEdge.text(), /<title>Hello<\/title>/);
    // Sent again, the stamp is replaced, not appended.
    const again = await changeSampleSite(site, '2026-12-01T10:01:00.000Z');
    assert.match(again[0]?.title ?? '', /^Hello \(updated \d\d:\d\d:\d\d\)$/);
    assert.match(watchHints(site, changed).join('\n'), new RegExp(`curl -s ${standin.edgeUrl}/posts/hello-sanity`));
  });

  it('says so when the origin is not the example origin', async () => {
    const site = { paths: ['/posts'], edgeUrl: standin.edgeUrl, originUrl: standin.url };
    await assert.rejects(changeSampleSite(site, '2026-12-01T10:00:00.000Z'), /is .* the example origin/);
  });
});
