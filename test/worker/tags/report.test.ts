// POST /tags/{distribution} (its own token, 401/400/413/422), GET /admin/tags, the crawl route, tags in the preview.
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_REPORT_BYTES, MAX_REPORTS } from '../../../src/tags/report';
import { ORIGIN, admin, baseConfig, putConfig, secret, workerFetch } from '../support/helpers';

const TOKEN = { authorization: `Bearer ${secret('TAGS_TOKEN')}` };
const config = baseConfig({
  distributions: {
    main: { id: 'dist-tags-report', coalesceMs: 0, tags: { reportSecret: 'TAGS_TOKEN', expandLimit: 2 } },
    quiet: { id: 'dist-tags-quiet', coalesceMs: 0 },
  },
  rules: [{ id: 'post-tags', distribution: 'main', match: { contentTypes: ['blogPost'] }, tags: ['post-{id}'] }],
});

function report(body: unknown, headers: Record<string, string> = TOKEN, distribution = 'main') {
  return workerFetch(
    new Request(`${ORIGIN}/tags/${distribution}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

const error = async (response: Response) => ((await response.json()) as { error: string }).error;

beforeAll(async () => {
  await putConfig(config);
});

describe('POST /tags/{distribution}', () => {
  it('records one page’s tags, as a list or as a header value, and a batch', async () => {
    const one = await report({ path: '/posts/7', tags: ['post-7', 'blog'] });
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual({ distribution: 'main', paths: 1, tags: 2, ignored: 0 });
    const batch = await report({
      reports: [
        { path: '/blog', tags: 'blog, post-7 post-8' },
        { path: '/blog?page=2', tags: ['post-8'] },
      ],
    });
    expect(await batch.json()).toEqual({ distribution: 'main', paths: 2, tags: 4, ignored: 0 });
  });

  it('refuses a missing or wrong token with 401, compared in constant time, naming no secret (value or name)', async () => {
    const missing = await report({ path: '/a', tags: [] }, {});
    expect(missing.status).toBe(401);
    expect(await error(missing)).toBe('missing Authorization: Bearer <token> header');
    const wrong = await report({ path: '/a', tags: [] }, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(await error(wrong)).toBe('token does not match');
    // The admin token is not the report token.
    expect((await report({ path: '/a', tags: [] }, { authorization: `Bearer ${secret('ADMIN_TOKEN')}` })).status).toBe(401);
  });

  it('answers 404 for an unknown distribution and for one with reporting off, with one message that names no setting', async () => {
    expect(await error(await report({ path: '/a', tags: [] }, TOKEN, 'nope'))).toBe('no tag reporting for distribution "nope"');
    const off = await report({ path: '/a', tags: [] }, TOKEN, 'quiet');
    expect(off.status).toBe(404);
    expect(await error(off)).toBe('no tag reporting for distribution "quiet"');
  });

  it('answers 400 for a body that is not JSON or not a report', async () => {
    const notJson = await report('{');
    expect([notJson.status, await error(notJson)]).toEqual([400, 'body is not valid JSON']);
    const shape = await report({ path: '/a' });
    expect(shape.status).toBe(400);
    expect(await error(shape)).toContain('expected {"path": "/a", "tags": ["t1", "t2"]}');
  });

  it('answers 422 for values out of bounds, and 413 past the size limit', async () => {
    const cases: [unknown, string][] = [
      [{ path: 'posts/1', tags: ['a'] }, 'path must start with "/" and be at most 2048 characters'],
      [{ path: '/a', tags: ['has space'] }, 'tags: "has space" is not a tag (1-1024 characters, no spaces or commas)'],
      [{ reports: [] }, `reports: 1 to ${MAX_REPORTS} pages per call`],
      [
        {
          reports: [
            { path: '/a', tags: ['ok'] },
            { path: 'x', tags: [] },
          ],
        },
        'reports[1].path must start with "/" and be at most 2048 characters',
      ],
    ];
    for (const [body, message] of cases) {
      const response = await report(body);
      expect([response.status, await error(response)]).toEqual([422, message]);
    }
    const huge = await report({ path: '/a', tags: ['x'.repeat(MAX_REPORT_BYTES)] });
    expect([huge.status, await error(huge)]).toEqual([413, `body is larger than the ${MAX_REPORT_BYTES}-byte limit`]);
  });
});

describe('GET /admin/tags', () => {
  it('lists the paths a tag reaches and the tags a path carries, with when each was last seen', async () => {
    const byTag = await (
      await admin('/tags?distribution=main&tag=post-8')
    ).json<{ paths: { path: string; lastSeen: string }[]; count: number }>();
    expect(byTag.count).toBe(2);
    expect(byTag.paths.map((p) => p.path)).toEqual(['/blog', '/blog?page=2']);
    expect(Date.parse(byTag.paths[0]!.lastSeen)).toBeGreaterThan(Date.now() - 60_000);
    const byPath = await (
      await admin(`/tags?distribution=main&path=${encodeURIComponent('/blog')}`)
    ).json<{ tags: { tag: string }[] }>();
    expect(byPath.tags.map((t) => t.tag)).toEqual(['blog', 'post-7', 'post-8']);
    const summary = await (await admin('/tags?distribution=main')).json<{ entries: number; crawl: { state: string } }>();
    expect(summary).toMatchObject({ entries: 6, tags: 3, paths: 3, crawl: { state: 'idle' } });
  });

  it('needs a known distribution, and a crawl config to start a crawl', async () => {
    expect((await admin('/tags')).status).toBe(400);
    expect((await admin('/tags?distribution=nope')).status).toBe(404);
    const crawl = await admin('/distributions/main/crawl', { method: 'POST' });
    expect([crawl.status, await error(crawl)]).toEqual([409, 'distribution "main" has no tags.crawl config']);
  });
});

describe('POST /admin/preview', () => {
  it('shows each matched rule’s tags and what they reach now, folded past the expandLimit', async () => {
    await report({ reports: ['/x/1', '/x/2', '/x/3'].map((path) => ({ path, tags: ['post-9'] })) });
    const body = { sys: { id: '9', type: 'Entry', contentType: { sys: { id: 'blogPost' } } }, fields: {} };
    const response = await admin('/preview', {
      method: 'POST',
      body: JSON.stringify({ source: 'contentful', headers: { 'x-contentful-topic': 'ContentManagement.Entry.publish' }, body }),
    });
    const preview = await response.json<{ matches: { ruleId: string; tags: string[]; tagPaths: unknown[] }[] }>();
    const match = preview.matches.find((m) => m.ruleId === 'post-tags');
    expect(match?.tags).toEqual(['post-9']);
    expect(match?.tagPaths).toEqual([
      {
        tag: 'post-9',
        count: 3,
        paths: [],
        patterns: ['/x*'],
        escalation: 'tag "post-9" reaches 3 paths, more than the expandLimit of 2; 3 folded into 1 pattern(s)',
      },
    ]);
  });
});
