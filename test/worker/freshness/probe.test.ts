// checkPage: one GET at the origin and one through the edge, redirects not followed, only hosts from the config.
import { describe, expect, it } from 'vitest';
import { checkPage, MAX_BODY_BYTES, pageUrl, type CheckPageOptions } from '../../../src/purge/freshness/probe';

const ORIGIN = 'https://origin.example.com';
const EDGE = 'https://www.example.com';

interface Seen {
  url: string;
  init: RequestInit | undefined;
}

/** A fetch that answers from a table by URL and records what it was asked. */
function site(pages: Record<string, () => Response | Promise<Response>>) {
  const asked: Seen[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    asked.push({ url, init });
    const answer = pages[url];
    if (!answer) throw new Error(`connection refused: ${url}`);
    return answer();
  };
  return { asked, fetch: fetch as typeof globalThis.fetch };
}

const options = (over: Partial<CheckPageOptions>): CheckPageOptions => ({
  path: '/p',
  originBaseUrl: ORIGIN,
  edgeBaseUrl: EDGE,
  validator: 'auto',
  timeoutMs: 500,
  ...over,
});

describe('checkPage', () => {
  it("compares the ETags and keeps the edge's Age and cache status as evidence", async () => {
    const { fetch } = site({
      [`${ORIGIN}/p`]: () => new Response('new', { headers: { etag: '"v2"' } }),
      [`${EDGE}/p`]: () => new Response('old', { headers: { etag: '"v1"', age: '412', 'x-cache': 'HIT' } }),
    });
    const check = await checkPage(options({ fetch }));
    expect(check.verdict).toBe('stale');
    expect(check.evidence.edge).toMatchObject({ url: `${EDGE}/p`, status: 200, etag: '"v1"', age: 412, cacheStatus: 'HIT' });
    expect(check.evidence.origin).toMatchObject({ url: `${ORIGIN}/p`, status: 200, etag: '"v2"' });
  });

  it('sends the configured header to the origin only, and never follows a redirect', async () => {
    const { fetch, asked } = site({
      [`${ORIGIN}/p?x=1`]: () => new Response('same'),
      [`${EDGE}/p?x=1`]: () => new Response('same'),
    });
    const check = await checkPage(options({ path: '/p?x=1', fetch, originHeaders: { 'x-origin-key': 'shh' } }));
    expect(check.verdict).toBe('fresh');
    expect(check.evidence.validator).toBe('digest');
    expect(asked.map((a) => [a.url, a.init?.redirect, a.init?.headers])).toEqual([
      [`${ORIGIN}/p?x=1`, 'manual', { 'x-origin-key': 'shh' }],
      [`${EDGE}/p?x=1`, 'manual', undefined],
    ]);
    expect(JSON.stringify(check)).not.toContain('shh');
  });

  it('judges a redirect as it is, without fetching its Location', async () => {
    const { fetch, asked } = site({
      [`${ORIGIN}/p`]: () => new Response(null, { status: 301, headers: { location: 'https://elsewhere.example.net/p' } }),
      [`${EDGE}/p`]: () => new Response(null, { status: 301, headers: { location: 'https://elsewhere.example.net/p' } }),
    });
    expect((await checkPage(options({ fetch }))).evidence.reason).toBe('origin-redirects');
    expect(asked.every((a) => !a.url.includes('elsewhere'))).toBe(true);
  });

  it('finds the marker in a header or in the (HTML-escaped) body', async () => {
    const { fetch } = site({
      [`${ORIGIN}/p`]: () => new Response('<h1>Tom &amp; Jerry</h1>'),
      [`${EDGE}/p`]: () => new Response('old', { headers: { 'x-content-updated-at': 'Tom & Jerry' } }),
    });
    const check = await checkPage(options({ fetch, marker: 'Tom & Jerry' }));
    expect([check.verdict, check.evidence.origin?.marker, check.evidence.edge?.marker]).toEqual(['fresh', true, true]);
  });

  it('is unknown when the origin does not answer in time, and says so', async () => {
    const { fetch } = site({
      [`${ORIGIN}/p`]: () => new Promise(() => {}),
      [`${EDGE}/p`]: () => new Response('x'),
    });
    const slow: typeof globalThis.fetch = (input, init) =>
      new Promise((resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
        void fetch(input, init).then(resolve, reject);
      });
    const check = await checkPage(options({ fetch: slow, timeoutMs: 50 }));
    expect(check.verdict).toBe('unknown');
    expect(check.evidence.origin?.error).toBe('no answer within 50 ms');
  });

  it('reads at most MAX_BODY_BYTES of a body', async () => {
    const big = () => new Response(new Uint8Array(MAX_BODY_BYTES + 10_000).fill(65));
    const bigger = () => new Response(new Uint8Array(MAX_BODY_BYTES + 20_000).fill(65));
    const { fetch } = site({ [`${ORIGIN}/p`]: big, [`${EDGE}/p`]: bigger });
    // Both prefixes are equal: the part past the limit is not read.
    expect((await checkPage(options({ fetch }))).verdict).toBe('fresh');
  });
});

describe('pageUrl: only hosts from the config', () => {
  it('keeps a path under its base, with a base path', () => {
    expect(pageUrl('https://www.example.com/site/', '/a?b=1')).toBe('https://www.example.com/site/a?b=1');
  });

  it.each(['http://evil.example.net/', '@evil.example.net/x', ''])('refuses %j', (path) => {
    expect(pageUrl('https://www.example.com', path)).toBeUndefined();
  });

  it('reads "//host" as a path on the configured host', () => {
    expect(pageUrl('https://www.example.com', '//evil.example.net/x')).toBe('https://www.example.com//evil.example.net/x');
  });

  it('never fetches a path that would leave the host', async () => {
    const { fetch, asked } = site({});
    const check = await checkPage(options({ path: 'http://evil.example.net/x', fetch }));
    expect(asked).toEqual([]);
    expect(check.evidence.origin?.error).toBe('not under the configured host');
  });
});
