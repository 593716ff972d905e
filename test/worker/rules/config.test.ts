// The config's life: validation that names the field, versions, diff, rollback, propagation, the JSON Schema.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import COMMITTED_SCHEMA from '../../../config.schema.json';
import SERVED_SCHEMA from '../../../static/config.schema.json';
import { configJsonSchema } from '../../../src/rules/json-schema';
import { jsonChanges } from '../../../src/rules/diff';
import { parseConfig } from '../../../src/rules/schema';
import { CONFIG_POINTER_KEY, CONFIG_RECHECK_MS, configVersionKey, loadConfig, saveConfig } from '../../../src/rules/store';
import { admin, baseConfig, putConfig } from '../support/helpers';

const issuesOf = (rules: unknown[], extra: Record<string, unknown> = {}) => {
  const parsed = parseConfig(baseConfig({ rules, ...extra }));
  return parsed.ok ? [] : parsed.issues;
};
const rule = (purge: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'r', distribution: 'main', purge, ...extra });

describe('validation errors', () => {
  it('names the field inside a purge entry and what it expects', () => {
    expect(issuesOf([rule([{ path: '/a', kind: 'wildcard' }])])).toEqual([
      { path: 'rules[0].purge[0].kind', message: 'expected one of "url", "pattern"' },
    ]);
  });

  it('names the field inside a nested condition', () => {
    expect(
      issuesOf([
        rule(['/a'], {
          match: {
            where: [
              {
                any: [
                  { field: 'x', equals: 1 },
                  { field: 2, equals: 1 },
                ],
              },
            ],
          },
        }),
      ]),
    ).toEqual([{ path: 'rules[0].match.where[0].any[1].field', message: 'expected string, got number' }]);
  });

  it('says what a purge entry may be when it is neither a template nor an entry', () => {
    expect(issuesOf([rule([42])])).toEqual([{ path: 'rules[0].purge[0]', message: 'expected string or object' }]);
  });

  it('explains template mistakes: {localePrefix} without "+", {page} without pages, a prefetched pattern', () => {
    const issues = issuesOf(
      [
        rule([
          '{+localePrefix}/x',
          '/y/{localePrefix}',
          '/p/{page}',
          { path: '/q/{page}', pages: { from: 3, to: 2 } },
          { path: '/z*', kind: 'pattern', prefetch: true },
        ]),
      ],
      { locales: { en: '' } },
    );
    expect(issues).toEqual([
      {
        path: 'rules[0].purge[1]',
        message: 'write {+localePrefix}: the prefix holds "/", which {localePrefix} would encode as %2F',
      },
      { path: 'rules[0].purge[2]', message: '{page} needs "pages": {"from": 2, "to": 5}' },
      { path: 'rules[0].purge[3].pages.to', message: 'must be >= pages.from' },
      { path: 'rules[0].purge[4].prefetch', message: 'a pattern cannot be prefetched; list the URL separately' },
    ]);
  });

  it('rejects a locale prefix with a trailing slash and {+localePrefix} without locales', () => {
    expect(issuesOf([], { locales: { de: '/de/' } })).toEqual([
      { path: 'locales.de', message: 'a path prefix: "" or like "/de" (leading "/", no trailing "/")' },
    ]);
    expect(issuesOf([rule(['{+localePrefix}/x'])])).toEqual([
      { path: 'rules[0].purge[0]', message: '{+localePrefix} needs a "locales" map at the top of the config' },
    ]);
  });

  it('answers an invalid PUT 422 with the first problem in the message and every one in issues', async () => {
    const response = await admin('/config', { method: 'PUT', body: JSON.stringify(baseConfig({ rules: [rule(['nope'])] })) });
    expect(response.status).toBe(422);
    const body = await response.json<{ error: string; issues: unknown[] }>();
    expect(body.error).toContain('first at rules[0].purge[0]: a path template must start with "/" or with {+var}');
    expect(body.issues).toHaveLength(1);
  });
});

describe('versions', () => {
  it('lists, shows, diffs and rolls back versions; a rollback is a new version equal to the old one', async () => {
    const v1 = await (await putConfig(baseConfig())).json<{ version: number }>();
    const changed = baseConfig();
    changed.rules[0]!.purge = ['/news/{fields.slug}', '/news'];
    changed.rules.splice(1, 1);
    const v2 = await (await putConfig(changed)).json<{ version: number }>();
    expect(v2.version).toBe(v1.version + 1);

    const list = await (
      await admin('/config/versions')
    ).json<{ current: number; versions: { version: number; rules: number }[] }>();
    expect(list.current).toBe(v2.version);
    expect(list.versions.slice(-2).map((v) => [v.version, v.rules])).toEqual([
      [v1.version, 5],
      [v2.version, 4],
    ]);

    const shown = await (await admin(`/config/versions/${v1.version}`)).json<{ config: unknown }>();
    expect(shown.config).toEqual(baseConfig());

    const diff = await (await admin(`/config/diff?from=${v1.version}&to=${v2.version}`)).json<{ changes: unknown[] }>();
    expect(diff.changes).toEqual([
      { path: 'rules[id=blog-post].purge[0]', op: 'changed', from: '/blog/{fields.slug}', to: '/news/{fields.slug}' },
      { path: 'rules[id=blog-post].purge[1]', op: 'changed', from: '/blog', to: '/news' },
      { path: 'rules[id=sanity-post]', op: 'removed', from: baseConfig().rules[1] },
    ]);

    const rolled = await admin('/config/rollback', { method: 'POST', body: JSON.stringify({ version: v1.version }) });
    expect(rolled.status).toBe(200);
    const v3 = await rolled.json<{ version: number; rolledBackFrom: number }>();
    expect(v3).toMatchObject({ version: v2.version + 1, rolledBackFrom: v1.version });
    expect((await (await admin('/config')).json<{ config: unknown }>()).config).toEqual(baseConfig());
    const back = await (await admin(`/config/diff?from=${v1.version}`)).json<{ to: number; changes: unknown[] }>();
    expect(back).toMatchObject({ to: v3.version, changes: [] });
  });

  it('answers 404 for a version that does not exist and 400 for one that is not a number', async () => {
    await putConfig(baseConfig());
    expect((await admin('/config/versions/9999')).status).toBe(404);
    expect((await admin('/config/versions/abc')).status).toBe(400);
    expect((await admin('/config/rollback', { method: 'POST', body: '{"version": 9999}' })).status).toBe(404);
  });

  it('diffs lists of objects by id and notices a reorder', () => {
    const a = {
      rules: [
        { id: 'x', n: 1 },
        { id: 'y', n: 2 },
      ],
    };
    const b = {
      rules: [
        { id: 'y', n: 2 },
        { id: 'x', n: 1 },
        { id: 'z', n: 3 },
      ],
      extra: true,
    };
    expect(jsonChanges(a, b)).toEqual([
      { path: 'rules[id=z]', op: 'added', to: { id: 'z', n: 3 } },
      { path: 'rules', op: 'reordered' },
      { path: 'extra', op: 'added', to: true },
    ]);
  });
});

describe('propagation', () => {
  it('an isolate notices a version saved elsewhere once CONFIG_RECHECK_MS has passed', async () => {
    const t0 = Date.now();
    const mine = await saveConfig(env.CONFIG, baseConfig(), t0);
    // Another isolate's PUT: a new version and pointer written behind this isolate's back.
    const next = mine.version + 1;
    await env.CONFIG.put(configVersionKey(next), JSON.stringify(baseConfig({ rules: [] })));
    await env.CONFIG.put(CONFIG_POINTER_KEY, JSON.stringify({ version: next, savedAt: new Date(t0).toISOString() }));
    expect((await loadConfig(env.CONFIG, t0 + CONFIG_RECHECK_MS - 1))?.version).toBe(mine.version);
    const seen = await loadConfig(env.CONFIG, t0 + CONFIG_RECHECK_MS);
    expect([seen?.version, seen?.rules.length]).toEqual([next, 0]);
  });
});

describe('JSON Schema', () => {
  it('is committed exactly as generated from the zod schema (run `npm run schema` after changing it)', () => {
    expect(COMMITTED_SCHEMA).toEqual(configJsonSchema());
    expect(SERVED_SCHEMA).toEqual(configJsonSchema());
  });

  it('is served by the admin API', async () => {
    const response = await admin('/config/schema');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/schema+json');
    expect(await response.json()).toEqual(configJsonSchema());
  });
});
