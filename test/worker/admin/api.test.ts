// The admin API: bearer token, config validation with exact field paths, preview without purging.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CONFIG_POINTER_KEY } from '../../../src/rules/store';
import { admin, baseConfig, ORIGIN, putConfig, workerFetch } from '../support/helpers';

describe('admin authentication', () => {
  it('answers 401 without a token, with a WWW-Authenticate challenge', async () => {
    const response = await workerFetch(`${ORIGIN}/admin/config`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    // The same answer on every route, naming no secret (issue 14, I1).
    expect(await response.json()).toEqual({ error: 'missing Authorization: Bearer <token> header' });
  });

  it('answers 401 to a wrong token', async () => {
    const response = await workerFetch(`${ORIGIN}/admin/config`, { headers: { authorization: 'Bearer wrong-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'token does not match' });
  });
});

describe('PUT /admin/config', () => {
  it('rejects an invalid document with every problem at its exact field, and stores nothing', async () => {
    const config = baseConfig({
      rules: [
        { id: 'r1', distribution: 'nowhere', match: { actions: ['publsh'] }, purge: ['blog/{slug}'] },
        { id: 'r2', distribution: 'main', purge: ['/ok'], purgue: ['/typo'] },
      ],
    });
    const response = await admin('/config', { method: 'PUT', body: JSON.stringify(config) });
    expect(response.status).toBe(422);
    const body = await response.json<{ error: string; issues: { path: string; message: string }[] }>();
    expect(body.error).toMatch(
      /^config is invalid \(\d+ problems, first at rules\[0\]\.match\.actions\[0\]: .*\); nothing was saved$/,
    );
    expect(body.issues).toEqual(
      expect.arrayContaining([
        {
          path: 'rules[0].match.actions[0]',
          message: 'expected one of "publish", "unpublish", "create", "update", "delete", "archive"',
        },
        {
          path: 'rules[0].purge[0]',
          message: 'a path template must start with "/" or with {+var} (a value that starts with "/")',
        },
        { path: 'rules[1]', message: 'unknown key "purgue" (did you mean "purge"?)' },
      ]),
    );
    expect(await env.CONFIG.get(CONFIG_POINTER_KEY)).toBeNull();
  });

  it('reports references to things that do not exist once the shape is right', async () => {
    const config = baseConfig({
      rules: [{ id: 'r1', distribution: 'nowhere', match: { sources: ['ghost'] }, purge: ['/{bad'] }],
    });
    const response = await admin('/config', { method: 'PUT', body: JSON.stringify(config) });
    expect(response.status).toBe(422);
    const { issues } = await response.json<{ issues: { path: string; message: string }[] }>();
    expect(issues).toEqual([
      { path: 'rules[0].distribution', message: 'unknown distribution "nowhere"' },
      { path: 'rules[0].match.sources[0]', message: 'unknown source "ghost"' },
      { path: 'rules[0].purge[0]', message: 'invalid URI template: unclosed "{" at 1' },
    ]);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await admin('/config', { method: 'PUT', body: '{oops' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'body is not valid JSON' });
  });

  it('stores a valid document as a new version, warns about missing secrets, and serves it back', async () => {
    const config = baseConfig({ sources: { extra: { provider: 'sanity', secrets: ['NOT_SET_ANYWHERE'] } }, rules: [] });
    const saved = await putConfig(config);
    const body = await saved.json<{ version: number; warnings: string[] }>();
    expect(body.warnings).toEqual(['source "extra": Worker secret NOT_SET_ANYWHERE is not set']);
    const read = await admin('/config');
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ version: body.version, config });
  });

  it("warns about a schedule whose cron is not among the Worker's cron triggers, and saves it", async () => {
    const schedules = [
      { id: 'nightly', cron: '0 3 * * *', distribution: 'main', purge: ['/'] },
      { id: 'every-7', cron: '*/7 * * * *', distribution: 'main', purge: ['/news'] },
    ];
    const body = JSON.stringify(baseConfig({ rules: [], schedules }));
    const response = await admin('/config?dryRun=1', { method: 'PUT', body });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      valid: true,
      warnings: [
        'schedule every-7: "*/7 * * * *" is not among the Worker\'s cron triggers (*/5 * * * *, 0 3 * * *), so it never runs: add it to [triggers] crons in wrangler.toml, then npm run deploy',
      ],
    });
  });
});

describe('names that are members of Object.prototype', () => {
  // Found by the long fuzz run: /admin/distributions/valueOf/crawl was a 500.
  it.each(['valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'are unknown distributions and sources, not a 500: %s',
    async (name) => {
      await putConfig(baseConfig());
      const routes: [string, RequestInit][] = [
        [`/distributions/${name}/crawl`, { method: 'POST' }],
        [`/distributions/${name}/resume`, { method: 'POST' }],
        [`/distributions/${name}/dead-letters`, {}],
        [`/tags?distribution=${name}`, {}],
        ['/preview', { method: 'POST', body: JSON.stringify({ source: name, body: {} }) }],
      ];
      for (const [path, init] of routes) {
        const response = await admin(path, init);
        expect([400, 404, 422], path).toContain(response.status);
        expect(typeof (await response.json<{ error?: unknown }>()).error).toBe('string');
      }
      const webhook = await workerFetch(`${ORIGIN}/webhooks/${name}`, { method: 'POST', body: '{}' });
      expect(webhook.status).toBe(404);
      const report = await workerFetch(`${ORIGIN}/tags/${name}`, { method: 'POST', body: '{}' });
      expect([401, 404]).toContain(report.status);
    },
  );
});

describe('POST /admin/preview', () => {
  it('shows the event, the matched rules and their paths without a signature and without queueing', async () => {
    await putConfig(baseConfig());
    const response = await admin('/preview', {
      method: 'POST',
      body: JSON.stringify({
        source: 'contentful',
        // An Entry body is a publish (an unpublish sends a DeletedEntry tombstone, without fields).
        headers: { 'x-contentful-topic': 'ContentManagement.Entry.publish' },
        body: {
          sys: { id: 'e1', type: 'Entry', contentType: { sys: { id: 'blogPost' } } },
          fields: { slug: { 'en-US': 'a b/c', 'de-DE': 'ä' } },
        },
      }),
    });
    expect(response.status).toBe(200);
    const preview = await response.json<{
      event: { action: string; locales: string[] };
      matches: { ruleId: string; paths: { path: string }[] }[];
    }>();
    expect(preview.event).toMatchObject({ action: 'publish', locales: ['en-US', 'de-DE'] });
    // RFC 6570 simple expansion percent-encodes everything outside the unreserved set.
    expect(preview.matches.map((m) => [m.ruleId, m.paths.map((p) => p.path)])).toEqual([
      ['blog-post', ['/blog/a%20b%2Fc', '/blog/%C3%A4', '/blog']],
    ]);
    const status = await admin('/status');
    const { distributions } = await status.json<{ distributions: { pending: Record<string, number> }[] }>();
    expect(Object.values(distributions[0]?.pending ?? {}).every((n) => n === 0)).toBe(true);
  });

  it('answers 404 for an unknown source and 400 for a body without one', async () => {
    expect((await admin('/preview', { method: 'POST', body: JSON.stringify({ source: 'x', body: {} }) })).status).toBe(404);
    const bad = await admin('/preview', { method: 'POST', body: JSON.stringify({ body: {} }) });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: string }>()).error).toBe('invalid request body: source: expected string (missing)');
  });
});
