// The console's pure parts (sessions, diff, JSON line index, chart, headers, OpenAPI) and the pieces it
// added elsewhere: the scheduler's timeline, one log line per Gotipath call and per refused webhook.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import * as z from 'zod/mini';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PurgeBody } from '../../../src/admin/bodies';
import { schedulerFor } from '../../../src/purge/scheduler';
import { createGotipathClient } from '../../../src/purge/gotipath';
import { QueueStore } from '../../../src/purge/queue-store';
import type { PurgeScheduler } from '../../../src/purge/scheduler';
import { fillBuckets } from '../../../src/purge/call-log';
import { DEFAULT_GOTIPATH_API } from '../../../src/rules/schema';
import { ActivityChart } from '../../../src/ui/chart';
import { diffJsonLines, diffLines, hunks } from '../../../src/ui/diff';
import { describeSchema } from '../../../src/ui/docs-page';
import { indexLines, lineOf, syntaxErrorLine } from '../../../src/ui/json-lines';
import { openApiDocument } from '../../../src/ui/openapi';
import { parseHeaderLines } from '../../../src/ui/pages/playground';
import { csrfMatches, issueSession, readSession, SESSION_TTL_MS } from '../../../src/ui/session';
import SERVED_OPENAPI from '../../../static/openapi.json';
import { appRoutes } from '../support/intruders';
import { ADMIN, ORIGIN, baseConfig, postWebhook, putConfig, workerFetch } from '../support/helpers';

afterEach(() => vi.restoreAllMocks());

describe('sessions', () => {
  const TOKEN = 'an-admin-token-for-sessions';

  it('reads back a session it issued, with the same CSRF token, until it expires', async () => {
    const now = 1_700_000_000_000;
    const { session, cookie } = await issueSession(TOKEN, now);
    expect(await readSession(TOKEN, cookie, now + SESSION_TTL_MS - 1)).toEqual(session);
    expect(await readSession(TOKEN, cookie, now + SESSION_TTL_MS)).toBeUndefined();
  });

  it('refuses a changed cookie, a malformed one, and one made with another token', async () => {
    const { cookie } = await issueSession(TOKEN);
    // The MAC's second-to-last character: the last one's low bits are base64 padding a decoder may ignore.
    const at = cookie.length - 2;
    const flipped = cookie.slice(0, at) + (cookie[at] === 'A' ? 'B' : 'A') + cookie.slice(at + 1);
    for (const bad of [flipped, '', 'v1.x.y.z', `${cookie}x`]) expect(await readSession(TOKEN, bad)).toBeUndefined();
    expect(await readSession('another-admin-token-value', cookie)).toBeUndefined();
  });

  it("accepts only the session's own CSRF token", async () => {
    const a = await issueSession(TOKEN);
    const b = await issueSession(TOKEN);
    expect(await csrfMatches(TOKEN, a.session, a.session.csrf)).toBe(true);
    for (const given of [b.session.csrf, '', undefined, 'x'.repeat(43)])
      expect(await csrfMatches(TOKEN, a.session, given)).toBe(false);
  });
});

describe('line diff', () => {
  it('aligns unchanged lines and marks what was removed and added', () => {
    expect(diffLines(['a', 'b', 'c', 'd'], ['a', 'c', 'x', 'd']).map((l) => l.op + l.text)).toEqual([
      ' a',
      '-b',
      ' c',
      '+x',
      ' d',
    ]);
  });

  it('groups changes into hunks with three lines of context and their line numbers', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = before.map((l, i) => (i === 9 ? 'changed' : l));
    const [hunk, ...rest] = hunks(diffLines(before, after));
    expect(rest).toEqual([]);
    expect(hunk).toMatchObject({ oldStart: 7, newStart: 7 });
    expect(hunk?.lines.map((l) => l.op + l.text)).toEqual([
      ' line 7',
      ' line 8',
      ' line 9',
      '-line 10',
      '+changed',
      ' line 11',
      ' line 12',
      ' line 13',
    ]);
  });

  it('finds no hunks between equal documents however they were formatted', () => {
    expect(diffJsonLines({ a: [1, 2] }, JSON.parse('{"a":[1,2]}'))).toEqual([]);
  });
});

describe('JSON line index', () => {
  const text =
    '{\n  "rules": [\n    {\n      "id": "a.b",\n      "match": { "actions": ["publsh"] }\n    }\n  ],\n  "distributions": {\n    "my.dist": { "id": "x" }\n  }\n}';
  const lines = indexLines(text);

  it('finds the line of a field, a list element and a key containing dots', () => {
    expect(lineOf(lines, 'rules[0].id')).toBe(4);
    expect(lineOf(lines, 'rules[0].match.actions[0]')).toBe(5);
    expect(lineOf(lines, 'distributions.my.dist.id')).toBe(9);
  });

  it('points a missing field at the nearest enclosing one', () => {
    expect(lineOf(lines, 'rules[0].purge')).toBe(3);
    expect(lineOf(lines, 'schedules')).toBe(1);
  });

  it('reads the line of a JSON syntax error from its position', () => {
    const bad = '{\n  "a": 1,\n  oops\n}';
    let message = '';
    try {
      JSON.parse(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(syntaxErrorLine(bad, message)).toBe(3);
  });
});

describe('activity chart', () => {
  it('draws a bar per minute with purged paths, a line of calls, and says the totals in words', () => {
    const buckets = [
      { at: 0, calls: 2, failed: 0, paths: 150 },
      { at: 60_000, calls: 0, failed: 0, paths: 0 },
      { at: 120_000, calls: 1, failed: 1, paths: 0 },
    ];
    const svg = String(ActivityChart({ buckets, id: 't' }));
    expect(svg.match(/<rect /g)).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(1);
    expect(svg).toContain('<desc id="t-d">150 paths purged in 3 calls, 1 failed; at most 150 paths in a minute.</desc>');
    expect(svg).toContain('last 3 minutes');
  });
});

describe('playground headers', () => {
  it('reads "Name: value" lines, lower-casing names and skipping blanks and comments', () => {
    expect(parseHeaderLines('X-Contentful-Topic: A.B.publish\n\n# note\nx-empty:\nbad line\nurl: https://x/y:z')).toEqual({
      'x-contentful-topic': 'A.B.publish',
      'x-empty': '',
      url: 'https://x/y:z',
    });
  });
});

describe('OpenAPI document', () => {
  const doc = openApiDocument() as {
    openapi: string;
    paths: Record<string, unknown>;
    components: { schemas: Record<string, Record<string, unknown>> };
  };

  it('is OpenAPI 3.1 with every admin route and the request bodies generated from the zod schemas', () => {
    expect(doc.openapi).toBe('3.1.0');
    const generated = z.toJSONSchema(PurgeBody, { io: 'input' }) as { properties: Record<string, Record<string, unknown>> };
    expect(doc.components.schemas.PurgeRequest?.properties).toMatchObject({ paths: generated.properties.paths });
    expect(doc.components.schemas.Config).toMatchObject({
      type: 'object',
      required: ['distributions'],
      additionalProperties: false,
    });
  });

  it('is served exactly as generated from the zod schemas (run `npm run schema` after changing them)', async () => {
    expect(SERVED_OPENAPI).toEqual(doc);
    const response = await workerFetch(`${ORIGIN}/admin/openapi.json`, { headers: ADMIN });
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual(doc);
  });

  it('lists exactly the routes the app serves under /admin (the API, not the console) and /tags, read from the app', () => {
    // `:action{retry|drop}` is one route for the app and one path per action for OpenAPI.
    const asOpenApi = (pattern: string) =>
      pattern
        .replace(/:(\w+)\{([^}]*\|[^}]*)\}/g, (_, __, alternatives: string) => `(${alternatives})`)
        .replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');
    const expand = (pattern: string): string[] => {
      const m = /\(([^)]*)\)/.exec(pattern);
      return m ? m[1]!.split('|').flatMap((alt) => expand(pattern.replace(m[0], alt))) : [pattern];
    };
    const served = appRoutes()
      .filter(
        (r) => (r.pattern.startsWith('/admin/') && !/^\/admin\/(ui|docs)\b/.test(r.pattern)) || r.pattern.startsWith('/tags/'),
      )
      .flatMap((r) => expand(asOpenApi(r.pattern)).map((path) => `${r.method} ${path}`));
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(new Set(documented)).toEqual(new Set(served));
  });

  it('describes a schema in a few words for the docs page', () => {
    expect(describeSchema({ type: 'integer', minimum: 0, maximum: 600000, default: 2000 })).toBe(
      'integer, 0–600000, default 2000',
    );
    expect(describeSchema({ type: 'array', items: { type: 'string', pattern: '^\\/' }, minItems: 1 })).toBe(
      'list of string, matching ^\\/, ≥ 1 items',
    );
    expect(describeSchema({ type: 'integer', exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER })).toBe('integer, > 0');
    expect(describeSchema({ type: 'string', maxLength: 2048 })).toBe('string, ≤ 2048 characters');
    expect(describeSchema({ $ref: '#/components/schemas/Config' })).toBe('Config');
  });
});

describe('scheduler timeline', () => {
  it('fills minutes without calls with zeros', () => {
    const filled = fillBuckets([{ at: 120_000, calls: 1, failed: 0, paths: 3 }], 60_000, 180_000, 60_000);
    expect(filled.map((b) => [b.at, b.paths])).toEqual([
      [60_000, 0],
      [120_000, 3],
      [180_000, 0],
    ]);
  });

  it('buckets the call log by minute: successful purge paths, all calls, failures', async () => {
    const stub = schedulerFor(env, 'dist-timeline');
    await runInDurableObject(stub, async (instance: PurgeScheduler, state) => {
      const store = new QueueStore(state.storage.sql);
      const now = Date.now();
      store.callLog.record('url', 200, 100, now - 61_000);
      store.callLog.record('url', 200, 40, now - 1_000);
      store.callLog.record('prefetch', 200, 40, now - 1_000);
      store.callLog.record('url', 429, 100, now - 500);
      const { bucketMs, buckets } = await instance.timeline();
      expect(bucketMs).toBe(60_000);
      expect(buckets.length).toBeGreaterThanOrEqual(60);
      expect(buckets.reduce((n, b) => n + b.paths, 0)).toBe(140);
      const last = buckets.at(-1)!;
      expect(last.calls + (buckets.at(-2)?.calls ?? 0)).toBeGreaterThanOrEqual(3);
      expect(buckets.reduce((n, b) => n + b.failed, 0)).toBe(1);
    });
  });
});

describe('structured logs', () => {
  const lines = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);

  it('logs one line per Gotipath call with its outcome and never the credentials', async () => {
    const info = vi.spyOn(console, 'log').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let answer = 200;
    const client = createGotipathClient({
      baseUrl: 'http://127.0.0.1:9',
      clientId: 'client-id-secret',
      libraryId: 'library-id-secret',
      apiKey: 'api-key-secret',
      api: DEFAULT_GOTIPATH_API,
      fetch: async () => new Response(answer === 200 ? '{}' : '{"error":"bad path"}', { status: answer }),
    });
    await client.purge('dist-1', 'url', ['/a', '/b']);
    answer = 422;
    await client.purge('dist-1', 'url', ['/c']);
    expect(lines(info)).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'gotipath call',
        method: 'POST',
        path: '/v1/distributions/dist-1/purges',
        type: 'url',
        paths: 2,
        status: 200,
      }),
    ]);
    expect(lines(warn)).toEqual([
      expect.objectContaining({ level: 'warn', message: 'gotipath call', status: 422, paths: 1, error: 'bad path' }),
    ]);
    const all = JSON.stringify([...info.mock.calls, ...warn.mock.calls]);
    for (const secret of ['client-id-secret', 'library-id-secret', 'api-key-secret']) expect(all).not.toContain(secret);
  });

  it('logs one line for a refused webhook, without the token it carried', async () => {
    await putConfig(baseConfig());
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const response = await postWebhook('strapi', '{}', { authorization: 'Bearer a-wrong-token-value' });
    expect(response.status).toBe(401);
    expect(lines(warn)).toEqual([
      expect.objectContaining({ message: 'webhook rejected', source: 'strapi', status: 401, error: 'token does not match' }),
    ]);
    expect(JSON.stringify(warn.mock.calls)).not.toContain('a-wrong-token-value');
  });
});
