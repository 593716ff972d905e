// @ts-check
// Tests for the local Gotipath purge API stand-in: run with `node --test scripts/gotipath-standin/`.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startExampleOrigin } from '../../examples/origin/server.mjs';
import { startGotipathStandin, summarize } from './index.mjs';

const AUTH = {
  'X-Auth-ClientId': 'standin-client',
  'X-Auth-LibraryId': 'standin-library',
  'X-Auth-ApiKey': 'standin-key',
};

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POST JSON (or a raw string) to the stand-in and return status, headers and parsed body.
 * @param {string} url @param {unknown} body @param {Record<string, string | undefined>} [headers]
 */
async function post(url, body, headers = {}) {
  const all = { ...AUTH, 'Content-Type': 'application/json', ...headers };
  const clean = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
  const res = await fetch(url, {
    method: 'POST',
    headers: /** @type {Record<string, string>} */ (clean),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

/** @param {Awaited<ReturnType<typeof startGotipathStandin>>} s @param {string} [id] */
const purgeUrl = (s, id = 'd1') => `${s.url}/v1/distributions/${id}/purges`;

/**
 * Start a stand-in, run fn, always close it. Without the account's general limit unless `opts` names one
 * (`accountLimit: undefined` is the default limit).
 * @param {Parameters<typeof startGotipathStandin>[0]} opts
 * @param {(s: Awaited<ReturnType<typeof startGotipathStandin>>) => Promise<void>} fn
 */
async function withStandin(opts, fn) {
  const s = await startGotipathStandin({ log: false, accountLimit: null, ...opts });
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

describe('gotipath stand-in', () => {
  /** @type {Awaited<ReturnType<typeof startGotipathStandin>>} */
  let s;
  before(async () => {
    // Many calls in a row: the account's general limit has its own tests below.
    s = await startGotipathStandin({ log: false, accountLimit: null, limits: { url: { max: 1000 }, pattern: { max: 1000 } } });
  });
  after(() => s.close());
  beforeEach(() => {
    s.clear();
    s.resetFaults();
  });

  it('accepts a valid url purge with exactly {}', async () => {
    const r = await post(purgeUrl(s), { type: 'url', paths: ['/a', '/b?x=1'] });
    assert.equal(r.status, 200);
    assert.equal(r.text, '{}');
    assert.equal(s.calls.length, 1);
    const [{ kind, type, paths, distributionId, status } = {}] = s.calls;
    assert.deepEqual(
      { kind, type, paths, distributionId, status },
      { kind: 'url', type: 'url', paths: ['/a', '/b?x=1'], distributionId: 'd1', status: 200 },
    );
  });

  it('accepts pattern, all and prefetch calls', async () => {
    assert.equal((await post(purgeUrl(s), { type: 'pattern', paths: ['/img/*'] })).status, 200);
    assert.equal((await post(purgeUrl(s), { type: 'all', paths: [] })).status, 200);
    assert.equal((await post(purgeUrl(s, 'd2'), { type: 'all' })).status, 200);
    const r = await post(`${s.url}/v1/distributions/d1/prefetches`, { paths: ['/big.mp4'] });
    assert.equal(r.status, 200);
    assert.deepEqual(
      s.calls.map((c) => c.kind),
      ['pattern', 'all', 'all', 'prefetch'],
    );
  });

  it('401 names the missing or wrong header and never echoes the expected value', async () => {
    const missing = await post(purgeUrl(s), { type: 'all' }, { 'X-Auth-ApiKey': undefined });
    assert.equal(missing.status, 401);
    assert.match(missing.json.error, /^Unauthorized: .*missing.*X-Auth-ApiKey/);
    const wrong = await post(purgeUrl(s), { type: 'all' }, { 'X-Auth-LibraryId': 'nope' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.json.error, /X-Auth-LibraryId/);
    assert.doesNotMatch(wrong.json.error, /standin-library/);
    assert.equal(s.calls.at(-1)?.status, 401);
  });

  it('400 on invalid JSON or a non-object, 415 on wrong content type, 413 on > 1 MiB', async () => {
    const bad = await post(purgeUrl(s), '{"type": "url",');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error, 'Bad Request: body is not valid JSON');
    assert.equal((await post(purgeUrl(s), '[1]')).status, 400);
    assert.equal((await post(purgeUrl(s), '{}', { 'Content-Type': 'text/plain' })).status, 415);
    const big = await post(purgeUrl(s), { type: 'url', paths: ['/a'], pad: 'x'.repeat(1024 * 1024) });
    assert.equal(big.status, 413);
  });

  const cases = [
    [{ paths: ['/a'] }, /type is required/],
    [{ type: 'everything', paths: ['/a'] }, /type must be one of .*"everything"/],
    [{ type: 'url' }, /paths is required/],
    [{ type: 'url', paths: '/a' }, /paths must be an array/],
    [{ type: 'url', paths: [] }, /paths must not be empty/],
    [{ type: 'pattern', paths: [] }, /paths must not be empty/],
    [{ type: 'url', paths: ['/a', 7] }, /^paths\[1\] must be a string: 7$/],
    [{ type: 'url', paths: ['/a', '/b', '/c', 'foo'] }, /^paths\[3\] must start with "\/": "foo"$/],
    [{ type: 'url', paths: ['//cdn.example.com/a'] }, /^paths\[0\] must not contain a scheme or host/],
    [{ type: 'url', paths: ['http://example.com/a'] }, /^paths\[0\] must not contain a scheme or host/],
    [{ type: 'url', paths: ['/https://example.com/a'] }, /^paths\[0\] must not contain a scheme or host/],
    [{ type: 'url', paths: ['/a b'] }, /^paths\[0\] must not contain whitespace or control characters: "\/a b"$/],
    [{ type: 'url', paths: ['/ok', '/a\u0001'] }, /^paths\[1\] must not contain whitespace or control/],
    [{ type: 'url', paths: ['/' + 'a'.repeat(2048)] }, /^paths\[0\] must be at most 2048 characters \(has 2049\)/],
    [{ type: 'url', paths: ['/a', '/b', '/a'] }, /^paths\[2\] duplicates paths\[0\]: "\/a"$/],
    [{ type: 'url', paths: ['/img/*'] }, /^paths\[0\] may contain "\*" only in a pattern purge/],
    [{ type: 'all', paths: ['/a'] }, /paths must be empty for type "all"/],
    [{ type: 'pattern', paths: Array.from({ length: 11 }, (_, i) => `/p${i}/*`) }, /too many paths: 11 .* at most 10/],
    [{ type: 'url', paths: Array.from({ length: 101 }, (_, i) => `/p${i}`) }, /too many paths: 101 .* at most 100/],
  ];
  for (const [body, message] of cases) {
    it(`422 for ${JSON.stringify(body).slice(0, 70)}`, async () => {
      const r = await post(purgeUrl(s), body);
      assert.equal(r.status, 422);
      assert.match(r.json.error, /** @type {RegExp} */ (message));
    });
  }

  it('422 for prefetch with bad paths, and 100 url paths are fine', async () => {
    const pf = await post(`${s.url}/v1/distributions/d1/prefetches`, { paths: ['/a*'] });
    assert.equal(pf.status, 422);
    assert.match(pf.json.error, /^paths\[0\] may contain "\*"/);
    const ok = await post(purgeUrl(s), {
      type: 'url',
      paths: Array.from({ length: 100 }, (_, i) => `/p${i}`),
    });
    assert.equal(ok.status, 200);
  });

  it('GET distribution, 404 unknown route, 405 wrong method', async () => {
    const r = await fetch(`${s.url}/v1/distributions/abc`, { headers: AUTH });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { id: 'abc', status: 'active' });
    assert.equal((await fetch(`${s.url}/v1/nope`, { headers: AUTH })).status, 404);
    const wrong = await fetch(purgeUrl(s), { headers: AUTH });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
  });

  it('faults: errorRate, errorStatus, outage, unauthorized, rejectPaths, delayMs', async () => {
    s.setFaults({ errorRate: 1 });
    assert.equal((await post(purgeUrl(s), { type: 'url', paths: ['/a'] })).status, 503);
    assert.equal((await fetch(`${s.url}/v1/distributions/d1`, { headers: AUTH })).status, 503);
    s.setFaults({ errorStatus: 500 });
    assert.equal((await post(purgeUrl(s), { type: 'url', paths: ['/a'] })).status, 500);
    assert.equal((await post(purgeUrl(s), { type: 'url', paths: ['a'] })).status, 422, 'invalid calls are not faulted');
    s.resetFaults();
    s.setFaults({ outageUntil: Date.now() + 60_000 });
    assert.equal((await post(purgeUrl(s), { type: 'all' })).status, 503);
    s.setFaults({ outageUntil: null, unauthorized: true });
    assert.equal((await post(purgeUrl(s), { type: 'all' })).status, 401);
    s.setFaults({ unauthorized: null, rejectPaths: ['/bad'] });
    const rej = await post(purgeUrl(s), { type: 'url', paths: ['/ok', '/bad'] });
    assert.equal(rej.status, 422);
    assert.equal(rej.json.error, 'paths[1] is invalid: /bad');
    s.setFaults({ rejectPaths: null, delayMs: 200 });
    const t0 = Date.now();
    assert.equal((await post(purgeUrl(s), { type: 'url', paths: ['/slow'] })).status, 200);
    assert.ok(Date.now() - t0 >= 190, 'delayMs delays the answer');
    assert.throws(() => s.setFaults({ errorRat: 1 }), /unknown fault/);
  });

  it('faults: resetRate 1 makes fetch throw', async () => {
    s.setFaults({ resetRate: 1 });
    await assert.rejects(post(purgeUrl(s), { type: 'url', paths: ['/a'] }));
    assert.equal(s.calls.at(-1)?.status, 0);
  });

  it('control endpoints: faults, calls, reset over HTTP', async () => {
    const set = await fetch(`${s.url}/__standin/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ errorRate: 1 }),
    });
    assert.deepEqual(await set.json(), { faults: { errorRate: 1 } });
    assert.equal((await post(purgeUrl(s), { type: 'all' })).status, 503);
    const calls = await (await fetch(`${s.url}/__standin/calls`)).json();
    assert.equal(calls.length, 1);
    assert.equal(calls[0].status, 503);
    await fetch(`${s.url}/__standin/reset`, { method: 'POST' });
    assert.equal(s.calls.length, 0);
    assert.equal((await post(purgeUrl(s), { type: 'all' })).status, 200);
  });

  it('purgeTypes: a distribution whose back end names the URL type otherwise refuses "url" with 422', async () => {
    s.setFaults({ purgeTypes: { url: 'file' } }, 'd3');
    const refused = await post(purgeUrl(s, 'd3'), { type: 'url', paths: ['/a'] });
    assert.equal(refused.status, 422);
    assert.equal(refused.json.error, 'type must be one of "file", "pattern", "all": "url"');
    const accepted = await post(purgeUrl(s, 'd3'), { type: 'file', paths: ['/a'] });
    assert.equal(accepted.status, 200);
    assert.deepEqual([s.calls.at(-1)?.kind, s.calls.at(-1)?.type], ['url', 'file']);
    assert.equal((await post(purgeUrl(s, 'd1'), { type: 'url', paths: ['/a'] })).status, 200, 'others keep "url"');
    assert.throws(() => s.setFaults({ purgeTypes: { prefetch: 'x' } }), /invalid value for fault purgeTypes/);
  });

  it('quotaUntil: a valid purge or prefetch is refused 400 "exceeded the URL quota", as Gcore does', async () => {
    s.setFaults({ quotaUntil: Date.now() + 60_000 }, 'd4');
    const refused = await post(purgeUrl(s, 'd4'), { type: 'url', paths: ['/a'] });
    assert.deepEqual([refused.status, refused.json], [400, { error: 'exceeded the URL quota' }]);
    assert.equal((await post(`${s.url}/v1/distributions/d4/prefetches`, { paths: ['/a'] })).status, 400);
    assert.equal((await post(purgeUrl(s, 'd4'), { type: 'url', paths: ['a'] })).status, 422, 'a bad call is still a 422');
    assert.equal((await fetch(`${s.url}/v1/distributions/d4`, { headers: AUTH })).status, 200);
    s.setFaults({ quotaUntil: null }, 'd4');
    assert.equal((await post(purgeUrl(s, 'd4'), { type: 'url', paths: ['/a'] })).status, 200);
  });

  it('notFound: every call to the distribution is a 404, Get Distribution included', async () => {
    s.setFaults({ notFound: true }, 'gone');
    const get = await fetch(`${s.url}/v1/distributions/gone`, { headers: AUTH });
    assert.deepEqual([get.status, await get.json()], [404, { error: 'distribution not found' }]);
    assert.equal((await post(purgeUrl(s, 'gone'), { type: 'all' })).status, 404);
    const bad = await fetch(`${s.url}/v1/distributions/gone`, { headers: { ...AUTH, 'X-Auth-ApiKey': 'wrong' } });
    assert.equal(bad.status, 401, 'credentials are checked first');
  });

  it('faults scoped to one distribution leave the others alone', async () => {
    const set = await fetch(`${s.url}/__standin/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ distribution: 'd2', unauthorized: true }),
    });
    assert.deepEqual(await set.json(), { distribution: 'd2', faults: { unauthorized: true } });
    assert.equal((await post(purgeUrl(s, 'd2'), { type: 'all' })).status, 401);
    assert.equal((await post(purgeUrl(s, 'd1'), { type: 'all' })).status, 200);
    s.setFaults({ unauthorized: null }, 'd2');
    assert.equal((await post(purgeUrl(s, 'd2'), { type: 'all' })).status, 200);
  });
});

describe('gotipath stand-in: separate instances', () => {
  it('sliding window: 429 with Retry-After, then accepted after the window', async () => {
    await withStandin({ windowMs: 500 }, async (s) => {
      const call = () => post(purgeUrl(s), { type: 'url', paths: ['/a'] });
      assert.equal((await call()).status, 200);
      assert.equal((await call()).status, 200);
      const limited = await call();
      assert.equal(limited.status, 429);
      assert.match(limited.json.error, /^Too Many Requests: /);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal(s.violations, 1);
      assert.equal((await post(purgeUrl(s, 'other'), { type: 'url', paths: ['/a'] })).status, 200, 'per distribution');
      await sleep(550);
      assert.equal((await call()).status, 200);
      assert.deepEqual(summarize(s.calls, 500).maxCallsInAnyWindow.url, 2);
    });
  });

  it('sliding (not fixed) window: only calls in the last windowMs count', async () => {
    await withStandin({ windowMs: 500 }, async (s) => {
      const call = () => post(purgeUrl(s), { type: 'url', paths: ['/a'] });
      const t0 = Date.now();
      assert.equal((await call()).status, 200);
      await sleep(250);
      assert.equal((await call()).status, 200);
      await sleep(Math.max(0, t0 + 520 - Date.now()));
      assert.equal((await call()).status, 200, 'first call left the window');
      assert.equal((await call()).status, 429, 'second and third are still in it');
      assert.equal(s.summary().maxCallsInAnyWindow.url, 2);
    });
  });

  it('errorRate 503s do not count toward the window', async () => {
    await withStandin({ faults: { errorRate: 1 } }, async (s) => {
      for (let i = 0; i < 3; i++) assert.equal((await post(purgeUrl(s), { type: 'all' })).status, 503);
      s.resetFaults();
      assert.equal((await post(purgeUrl(s), { type: 'all' })).status, 200);
      assert.equal((await post(purgeUrl(s), { type: 'all' })).status, 429);
    });
  });

  it('unknown distribution 404 when distributions are set', async () => {
    await withStandin({ distributions: ['known'] }, async (s) => {
      const r = await post(purgeUrl(s, 'unknown'), { type: 'all' });
      assert.equal(r.status, 404);
      assert.equal(r.text, '{"error":"distribution not found"}');
      assert.equal((await post(purgeUrl(s, 'known'), { type: 'all' })).status, 200);
      assert.equal((await fetch(`${s.url}/v1/distributions/unknown`, { headers: AUTH })).status, 404);
    });
  });

  it('custom credentials, merged limits and a seeded PRNG', async () => {
    const credentials = { clientId: 'c', libraryId: 'l', apiKey: 'k' };
    const headers = { 'X-Auth-ClientId': 'c', 'X-Auth-LibraryId': 'l', 'X-Auth-ApiKey': 'k' };
    /** @param {number} seed */
    const run = async (seed) => {
      /** @type {number[]} */
      const statuses = [];
      await withStandin({ seed, credentials, limits: { url: { max: 100 } }, faults: { errorRate: 0.5 } }, async (s) => {
        for (let i = 0; i < 12; i++) statuses.push((await post(purgeUrl(s), { type: 'url', paths: [`/${i}`] }, headers)).status);
        const over = await post(purgeUrl(s), { type: 'url', paths: Array.from({ length: 101 }, (_, i) => `/${i}`) }, headers);
        assert.equal(over.status, 422, 'paths limit kept from defaults');
      });
      return statuses;
    };
    const a = await run(7);
    assert.deepEqual(await run(7), a);
    assert.ok(a.includes(200) && a.includes(503));
  });

  it("the account's general limit: 4 requests per second across distributions and kinds, refused ones counted", async () => {
    await withStandin({ accountLimit: undefined }, async (s) => {
      const t0 = Date.now();
      const statuses = [
        (await post(purgeUrl(s, 'a'), { type: 'url', paths: ['/1'] })).status,
        (await post(purgeUrl(s, 'b'), { type: 'url', paths: ['/1'] })).status,
        (await fetch(`${s.url}/v1/distributions/c`, { headers: AUTH })).status,
        (await post(purgeUrl(s, 'd'), { type: 'url', paths: ['bad'] })).status,
      ];
      const fifth = await post(`${s.url}/v1/distributions/e/prefetches`, { paths: ['/1'] });
      assert.ok(Date.now() - t0 < 1_000, 'the five went out within the second');
      assert.deepEqual(statuses, [200, 200, 200, 422]);
      assert.equal(fifth.status, 429);
      assert.match(fifth.json.error, /^Too Many Requests: at most 4 requests per 1000 ms for this account/);
      assert.equal(fifth.headers.get('retry-after'), '1');
      assert.deepEqual([s.violations, s.accountViolations], [1, 1]);
      await sleep(Math.max(0, t0 + 1_050 - Date.now()));
      assert.equal((await post(purgeUrl(s, 'a'), { type: 'url', paths: ['/2'] })).status, 200);
    });
  });

  it('with accountScope "named", only distributions given the same account share its limit', async () => {
    await withStandin({ accountScope: 'named', accountLimit: { max: 2, windowMs: 1_000 } }, async (s) => {
      s.setFaults({ account: 'shop' }, 'x');
      s.setFaults({ account: 'shop' }, 'y');
      for (let i = 0; i < 4; i++) assert.equal((await post(purgeUrl(s, 'free'), { type: 'all' })).status === 429, i >= 1);
      assert.equal(s.accountViolations, 0, 'the unnamed distribution met only its own window');
      assert.equal((await fetch(`${s.url}/v1/distributions/x`, { headers: AUTH })).status, 200);
      assert.equal((await fetch(`${s.url}/v1/distributions/y`, { headers: AUTH })).status, 200);
      assert.equal((await fetch(`${s.url}/v1/distributions/y`, { headers: AUTH })).status, 429);
      assert.equal(s.accountViolations, 1);
    });
  });

  it('refuses a non-loopback host', async () => {
    await assert.rejects(startGotipathStandin({ host: '0.0.0.0', log: false }), /loopback/);
  });

  it('logs one line per call with every path', async () => {
    /** @type {string[]} */
    const lines = [];
    await withStandin({ log: (line) => lines.push(line) }, async (s) => {
      await post(purgeUrl(s, 'd9'), { type: 'url', paths: ['/1', '/2', '/3', '/4', '/5', '/6', '/7'] });
    });
    assert.deepEqual(lines, ['[gotipath] 200 POST /v1/distributions/d9/purges url 7 paths: /1 /2 /3 /4 /5 /6 /7']);
  });
});

describe('summarize', () => {
  it('counts accepted, rejected, url paths, duplicates and max calls per window', () => {
    /** @param {number} at @param {string} kind @param {string[]} paths @param {number} [status] */
    const c = (at, kind, paths, status = 200) => ({
      at,
      method: 'POST',
      path: '/v1/distributions/d/purges',
      distributionId: 'd',
      kind,
      type: kind,
      paths,
      status,
    });
    const calls = [
      c(0, 'url', ['/a', '/b']),
      c(10, 'url', ['/b', '/c']),
      c(20, 'url', ['/x'], 429),
      c(30, 'url', ['/y'], 422),
      c(70_000, 'url', ['/a']),
      c(70_001, 'all', []),
      c(70_002, 'pattern', ['/img/*'], 503),
    ];
    const sum = summarize(calls);
    assert.equal(sum.accepted, 4);
    assert.deepEqual(sum.rejected, { 429: 1, 422: 1, 503: 1 });
    assert.deepEqual([...sum.paths].sort(), ['/a', '/b', '/c']);
    assert.equal(sum.duplicates, 2);
    assert.deepEqual(sum.maxCallsInAnyWindow, { url: 2, pattern: 0, all: 1, prefetch: 0 });
  });
});

describe('caching edge', () => {
  /** @type {Awaited<ReturnType<typeof startExampleOrigin>>} */
  let origin;
  /** @type {Awaited<ReturnType<typeof startGotipathStandin>>} */
  let s;
  before(async () => {
    origin = await startExampleOrigin();
    s = await startGotipathStandin({
      log: false,
      accountLimit: null,
      limits: { url: { max: 1000 }, pattern: { max: 1000 }, all: { max: 1000 }, prefetch: { max: 1000 } },
      edge: { originUrl: origin.url },
    });
  });
  after(async () => {
    await s.close();
    await origin.close();
  });
  beforeEach(() => {
    s.clear();
    s.resetFaults();
    s.clearCache();
    origin.setPage('/a', { title: 'A one', updatedAt: '2026-11-20T09:00:00Z' });
    origin.setPage('/a?x=1', { title: 'A with x' });
    origin.setPage('/img/1.png', { title: 'Image one' });
    origin.setPage('/img/2.png', { title: 'Image two' });
  });

  /** GET through the edge: status, X-Cache, Age, ETag and the <title>. @param {string} path */
  const get = async (path) => {
    const r = await fetch(`${s.edgeUrl}${path}`);
    const text = await r.text();
    return {
      status: r.status,
      cache: r.headers.get('x-cache'),
      age: r.headers.get('age'),
      etag: r.headers.get('etag'),
      lastModified: r.headers.get('last-modified'),
      title: /<title>(.*?)<\/title>/.exec(text)?.[1],
    };
  };
  /** @param {unknown} body */
  const purge = (body) => post(purgeUrl(s), body);

  it('a miss fetches from the origin, a hit is served from cache with Age and X-Cache; the query is part of the key', async () => {
    const miss = await get('/a');
    assert.deepEqual([miss.status, miss.cache, miss.age, miss.title], [200, 'MISS', '0', 'A one']);
    assert.equal(miss.etag, origin.pages.get('/a')?.etag);
    assert.equal(miss.lastModified, 'Fri, 20 Nov 2026 09:00:00 GMT');
    const hit = await get('/a');
    assert.deepEqual([hit.cache, hit.title, hit.etag], ['HIT', 'A one', miss.etag]);
    assert.equal((await get('/a?x=1')).title, 'A with x');
    assert.deepEqual(origin.requests.slice(-2), ['/a', '/a?x=1']);
    assert.deepEqual(
      s.cache().entries.map((e) => [e.path, e.hits]),
      [
        ['/a', 1],
        ['/a?x=1', 0],
      ],
    );
    assert.deepEqual(s.cache().stats, { requests: 3, hits: 1, misses: 2, originFetches: 2, prefetches: 0 });
  });

  it('Age counts the seconds since the edge stored the page', async () => {
    await get('/a');
    await sleep(1100);
    assert.ok(Number((await get('/a')).age) >= 1);
  });

  it('serves the old page until a URL purge evicts it, then the new one', async () => {
    await get('/a');
    origin.setPage('/a', { title: 'A two' });
    assert.equal((await get('/a')).title, 'A one');
    assert.equal((await purge({ type: 'url', paths: ['/a', '/never-cached'] })).text, '{}');
    const after = await get('/a');
    assert.deepEqual([after.cache, after.title], ['MISS', 'A two']);
    assert.deepEqual(
      s.cache().evictions.map((e) => [e.path, e.outcome]),
      [
        ['/a', 'evicted'],
        ['/never-cached', 'absent'],
      ],
    );
  });

  it('a pattern purge evicts the keys it matches, purge-all every key', async () => {
    for (const p of ['/a', '/a?x=1', '/img/1.png', '/img/2.png']) await get(p);
    await purge({ type: 'pattern', paths: ['/img/*'] });
    assert.deepEqual(
      s.cache().entries.map((e) => e.path),
      ['/a', '/a?x=1'],
    );
    await purge({ type: 'pattern', paths: ['/a*'] });
    assert.equal(s.cache().entries.length, 0);
    await get('/a');
    await purge({ type: 'all' });
    assert.equal(s.cache().entries.length, 0);
  });

  it('a prefetch fills the cache, so the first request is a hit', async () => {
    assert.equal((await post(`${s.url}/v1/distributions/d1/prefetches`, { paths: ['/a'] })).status, 200);
    for (let i = 0; i < 50 && s.cache().entries.length === 0; i++) await sleep(10);
    assert.deepEqual([(await get('/a')).cache, s.cache().stats.prefetches], ['HIT', 1]);
  });

  it('evictDelayMs: the purge is answered at once and evicts later; pending purges are listed', async () => {
    await get('/a');
    origin.setPage('/a', { title: 'A two' });
    s.setFaults({ evictDelayMs: 300 });
    const t0 = Date.now();
    assert.equal((await purge({ type: 'url', paths: ['/a'] })).status, 200);
    const [pending] = s.cache().pending;
    assert.deepEqual([pending?.type, pending?.paths], ['url', ['/a']]);
    assert.ok((pending?.dueAt ?? 0) >= t0 + 300);
    assert.equal((await get('/a')).title, 'A one', 'still cached before the eviction');
    await sleep(350);
    assert.deepEqual([(await get('/a')).title, s.cache().pending.length], ['A two', 0]);
  });

  it('lostEvictions 1: the purge is acknowledged 200 and nothing is evicted', async () => {
    await get('/a');
    s.setFaults({ lostEvictions: 1 });
    assert.equal((await purge({ type: 'url', paths: ['/a'] })).text, '{}');
    assert.equal((await get('/a')).cache, 'HIT');
    assert.deepEqual(
      s.cache().evictions.map((e) => e.outcome),
      ['lost'],
    );
  });

  it('lostEvictions 0.5 loses about half of the paths, the same ones for the same seed', async () => {
    const run = async () => {
      const origin2 = await startExampleOrigin({ pages: {} });
      const paths = Array.from({ length: 40 }, (_, i) => `/p${i}`);
      for (const p of paths) origin2.setPage(p, { title: p });
      const edge = { originUrl: origin2.url };
      const t = await startGotipathStandin({ log: false, accountLimit: null, seed: 7, edge, faults: { lostEvictions: 0.5 } });
      try {
        for (const p of paths) await fetch(`${t.edgeUrl}${p}`).then((r) => r.text());
        await post(purgeUrl(t), { type: 'url', paths });
        return t.cache().entries.map((e) => e.path);
      } finally {
        await t.close();
        await origin2.close();
      }
    };
    const kept = await run();
    assert.ok(kept.length > 8 && kept.length < 32, `about half lost, got ${kept.length} of 40`);
    assert.deepEqual(await run(), kept);
  });

  it('keepPaths: a purge never evicts those paths (with or without their query), per distribution', async () => {
    await get('/a');
    await get('/a?x=1');
    await get('/img/1.png');
    s.setFaults({ keepPaths: ['/a'] }, 'd1');
    await purge({ type: 'all' });
    assert.deepEqual(
      s.cache().entries.map((e) => e.path),
      ['/a', '/a?x=1'],
    );
    await post(purgeUrl(s, 'd2'), { type: 'url', paths: ['/a'] });
    assert.deepEqual(
      s.cache().entries.map((e) => e.path),
      ['/a?x=1'],
    );
  });

  it('does not store what the origin forbids or failed: a 404 is passed on and asked again', async () => {
    assert.equal((await get('/missing')).status, 404);
    assert.deepEqual([(await get('/missing')).cache, s.cache().entries.length], ['MISS', 0]);
    origin.removePage('/a');
    assert.equal((await get('/a')).status, 404);
  });

  it('the control routes show and empty the cache; bad fault values get a 400', async () => {
    await get('/a');
    const shown = await fetch(`${s.url}/__standin/cache`).then((r) => r.json());
    assert.deepEqual(
      shown.entries.map((/** @type {{ path: string }} */ e) => e.path),
      ['/a'],
    );
    assert.equal(shown.entries[0].etag, origin.pages.get('/a')?.etag);
    assert.equal((await fetch(`${s.url}/__standin/cache`, { method: 'DELETE' })).status, 200);
    assert.equal(s.cache().entries.length, 0);
    for (const bad of [{ lostEvictions: 2 }, { keepPaths: ['a'] }, { evictDelayMs: -1 }]) {
      const r = await post(`${s.url}/__standin/faults`, bad);
      assert.equal(r.status, 400);
      assert.match(r.json.error, /invalid value for fault/);
    }
  });

  it('answers 405 to other methods and 502 when the origin is down', async () => {
    const r = await fetch(`${s.edgeUrl}/a`, { method: 'POST' });
    assert.deepEqual([r.status, r.headers.get('allow')], [405, 'GET, HEAD']);
    const head = await fetch(`${s.edgeUrl}/a`, { method: 'HEAD' });
    assert.deepEqual([head.status, head.headers.get('x-cache')], [200, 'MISS']);
    const down = await startGotipathStandin({ log: false, edge: { originUrl: 'http://127.0.0.1:9' } });
    try {
      const bad = await fetch(`${down.edgeUrl}/a`);
      assert.equal(bad.status, 502);
      assert.match(await bad.text(), /origin could not be reached/);
    } finally {
      await down.close();
    }
  });

  it('does not store an answer whose fetch began before a purge already in effect', async () => {
    // An origin that takes 300 ms: the purge is accepted and in effect while the edge waits for it.
    const slow = http.createServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=60', etag: '"old"' }).end('old'), 300);
    });
    await new Promise((resolve) => slow.listen(0, '127.0.0.1', () => resolve(undefined)));
    const originUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (slow.address()).port}`;
    const t = await startGotipathStandin({ log: false, accountLimit: null, edge: { originUrl } });
    try {
      const first = fetch(`${t.edgeUrl}/x`);
      await sleep(100);
      assert.equal((await post(purgeUrl(t), { type: 'url', paths: ['/x'] })).status, 200);
      assert.equal((await first).headers.get('x-cache'), 'MISS');
      assert.equal(t.cache().entries.length, 0, 'not stored: the purge may have been meant for it');
      await fetch(`${t.edgeUrl}/x`).then((r) => r.text());
      assert.deepEqual(
        t.cache().entries.map((e) => e.path),
        ['/x'],
        'a fetch begun after the purge is stored',
      );
    } finally {
      await t.close();
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(() => resolve(undefined)));
    }
  });

  it('refuses an origin that is not on the loopback interface', async () => {
    await assert.rejects(startGotipathStandin({ log: false, edge: { originUrl: 'http://example.com' } }), /loopback/);
    await assert.rejects(startGotipathStandin({ log: false, edge: { originUrl: 'nope' } }), /must be a URL/);
  });
});

describe('example origin', () => {
  it('serves seeded pages with validators, changes and removes them over its control routes', async () => {
    const origin = await startExampleOrigin();
    try {
      const first = await fetch(`${origin.url}/blog/hello-from-the-relay`);
      const html = await first.text();
      assert.match(html, /<title>Hello from the relay<\/title>[\s\S]*<h1>Hello from the relay<\/h1>/);
      assert.equal(first.headers.get('cache-control'), 'public, max-age=3600');
      const etag = first.headers.get('etag') ?? '';
      assert.match(etag, /^"[\w-]+"$/);
      const put = (/** @type {unknown} */ body) =>
        fetch(`${origin.url}/__origin/pages?path=/blog/hello-from-the-relay`, { method: 'PUT', body: JSON.stringify(body) });
      assert.equal((await put({ title: 'New title', updatedAt: '2026-12-01T10:00:00Z' })).status, 200);
      const second = await fetch(`${origin.url}/blog/hello-from-the-relay`);
      assert.match(await second.text(), /<meta name="updated-at" content="2026-12-01T10:00:00.000Z">/);
      assert.notEqual(second.headers.get('etag'), etag);
      assert.equal(second.headers.get('x-content-updated-at'), '2026-12-01T10:00:00.000Z');
      assert.equal(second.headers.get('last-modified'), 'Tue, 01 Dec 2026 10:00:00 GMT');
      const notModified = await fetch(`${origin.url}/blog/hello-from-the-relay`, {
        headers: { 'if-none-match': second.headers.get('etag') ?? '' },
      });
      assert.equal(notModified.status, 304);
      assert.equal((await put({ title: '' })).status, 400);
      assert.equal((await put({ title: 'x', updatedAt: 'yesterday' })).status, 400);
      assert.equal((await fetch(`${origin.url}/__origin/pages?path=nope`, { method: 'PUT', body: '{}' })).status, 400);
      const del = await fetch(`${origin.url}/__origin/pages?path=/blog/hello-from-the-relay`, { method: 'DELETE' });
      assert.deepEqual(await del.json(), { path: '/blog/hello-from-the-relay', removed: true });
      assert.equal((await fetch(`${origin.url}/blog/hello-from-the-relay`)).status, 404);
    } finally {
      await origin.close();
    }
  });

  it('applies a change given a delay only once the delay has passed (a build, a lagging API)', async () => {
    const origin = await startExampleOrigin({ pages: { '/slow': { title: 'Before' } } });
    const title = async () => /<title>(.*?)<\/title>/.exec(await (await fetch(`${origin.url}/slow`)).text())?.[1];
    try {
      const later = (/** @type {string} */ delay) =>
        fetch(`${origin.url}/__origin/pages?path=/slow&delayMs=${delay}`, {
          method: 'PUT',
          body: JSON.stringify({ title: 'After' }),
        });
      assert.equal((await later('nope')).status, 400);
      assert.equal((await later('600001')).status, 400);
      const answer = await later('300');
      assert.equal(answer.status, 202);
      assert.equal(/** @type {{ path: string }} */ (await answer.json()).path, '/slow');
      assert.equal(await title(), 'Before');
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(await title(), 'After');
    } finally {
      await origin.close();
    }
  });
});
