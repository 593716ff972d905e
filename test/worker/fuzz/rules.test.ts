// Property-based hostile payload values against the rules (issue 14, F5 and F9): random templates filled with
// values built to widen a purge (slashes, dots, wildcards, their percent forms) or to exhaust the stack (lists
// nested up to 100,000 deep), through the matcher and through the Worker. FUZZ_RUNS sets the size; the file
// prints how many cases it ran.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldPaths } from '../../../src/purge/escalate';
import { compileConfig, matchEvent } from '../../../src/rules/matcher';
import { hasDotSegment, patternTemplateProblem, segmentCount } from '../../../src/rules/path-safety';
import { parseConfig } from '../../../src/rules/schema';
import { compileTemplate } from '../../../src/rules/template';
import type { ContentEvent } from '../../../src/providers/types';
import { admin, baseConfig, postWebhook, putConfig, secret } from '../support/helpers';
import { caseCounter } from './arbitraries';

const RUNS = Number(env.FUZZ_RUNS);
const TIMEOUT = 60_000 + RUNS * 1_000;
const count = caseCounter('fuzz-rules');

/** Strings made of the pieces that widen a path: slashes, dots, wildcards and their percent-encoded forms. */
const hostileText = fc
  .array(fc.constantFrom('/', '.', '..', '*', '%2e', '%2E', '%2A', '%2F', '?', '#', 'a', 'b', ' ', '', '%', '~'), {
    maxLength: 8,
  })
  .map((parts) => parts.join(''));
const hostileValue = fc.oneof(
  { arbitrary: hostileText, weight: 6 },
  { arbitrary: fc.array(hostileText, { maxLength: 4 }), weight: 2 },
  { arbitrary: fc.constantFrom(null, 0, 7, true, {}, [[]]), weight: 1 },
);

/** Templates from fixed text, one or two expressions over x and y, and a tail (a wildcard, more text). */
const template = fc
  .tuple(
    fc.constantFrom('', '/', '/a', '/a/', '/a/b/', '/*', '{+localePrefix}/'),
    fc.constantFrom('{x}', '{+x}', '{/x}', '{/x*}', '{+x}/{y}', '{x}{y}', '{+x}{+y}', '{.x}'),
    fc.constantFrom('', '*', '/*', '/', '?q={y}', '/c*'),
  )
  .map(([head, body, tail]) => `${head}${body}${tail}`);

const literalStars = (t: string) =>
  compileTemplate(t)
    .pieces.map((p) => ('literal' in p ? p.literal : ''))
    .join('')
    .split('*').length - 1;

function eventWith(fields: Record<string, unknown>, locales: string[] = []): ContentEvent {
  return {
    eventId: 'evt_fuzz',
    source: 'cms',
    provider: 'strapi',
    action: 'publish',
    topic: 'entry.publish',
    contentType: 'post',
    documentId: 'd1',
    locales,
    fields,
    receivedAt: 0,
  };
}

describe('templates filled with hostile values (F5)', () => {
  it('never widen a purge: no * from a value, no dot segment, every pattern keeps foldDepth segments of fixed text', () => {
    fc.assert(
      fc.property(
        template,
        fc.constantFrom('url', 'pattern'),
        fc.integer({ min: 1, max: 3 }),
        hostileValue,
        hostileValue,
        (path, kind, foldDepth, x, y) => {
          count();
          const document = {
            distributions: { main: { id: 'd', foldDepth } },
            locales: { en: '', de: '/de' },
            rules: [{ id: 'r', distribution: 'main', purge: [{ path, kind }] }],
          };
          // As stored: a version saved before the save-time checks must be just as safe at run time.
          const parsed = parseConfig(document, { stored: true });
          fc.pre(parsed.ok);
          if (!parsed.ok) return;
          const result = matchEvent(compileConfig(parsed.config), eventWith({ x, y }, ['en', 'de']), { explain: true });
          const produced = result.matches.flatMap((m) => m.paths);
          const unsafe = kind === 'pattern' && patternTemplateProblem(compileTemplate(path), foldDepth) !== undefined;
          if (unsafe) expect(produced).toEqual([]);
          for (const p of produced) {
            expect(p.path.startsWith('/'), p.path).toBe(true);
            expect(hasDotSegment(p.path), p.path).toBe(false);
            // Every wildcard is the template's own: a value's * is %2A.
            expect(p.path.split('*').length - 1, p.path).toBe(literalStars(path));
            if (p.kind === 'pattern' && compileTemplate(path).variables.some((v) => v === 'x' || v === 'y'))
              expect(segmentCount(p.path.split(/[*?#]/, 1)[0]!), p.path).toBeGreaterThanOrEqual(foldDepth);
          }
          expect(() => JSON.stringify(result)).not.toThrow();
        },
      ),
      { numRuns: RUNS * 10 },
    );
  });

  it('escalation folds no path holding a *, and never above minDepth', () => {
    const path = fc
      .array(fc.constantFrom('a', 'b', '*', 'c*', '%2A', ''), { minLength: 0, maxLength: 4 })
      .chain((segments) => fc.constantFrom('', '?q=*').map((query) => `/${segments.join('/')}${query}`));
    fc.assert(
      fc.property(
        fc.array(path, { maxLength: 30 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 3 }),
        (paths, max, minDepth) => {
          count();
          const { groups, rest } = foldPaths(paths, max, minDepth);
          expect(groups.length).toBeLessThanOrEqual(max);
          for (const g of groups) {
            const prefix = g.pattern.slice(0, -1);
            expect(prefix, g.pattern).not.toContain('*');
            expect(segmentCount(prefix)).toBeGreaterThanOrEqual(minDepth);
          }
          expect([...groups.flatMap((g) => g.paths), ...rest].sort()).toEqual([...paths].sort());
        },
      ),
      { numRuns: RUNS * 10 },
    );
  });
});

/** `value` with a list (or object) nested `depth` deep put in at a random place, built without recursion. */
const deepInside = fc
  .tuple(fc.integer({ min: 1, max: 100_000 }), fc.boolean(), fc.constantFrom('tags', 'deep', 'slug', 'cats'))
  .map(([depth, lists, at]) => {
    let value: unknown = lists ? ['leaf'] : { slug: 'leaf' };
    // Lists only, or lists and objects in turn (`categories.slug` reads through both).
    for (let i = 0; i < depth; i++) value = lists || i % 2 ? [value] : { slug: value };
    return { [at]: value } as Record<string, unknown>;
  });

const DEEP_RULES = [
  { id: 'cond', distribution: 'main', match: { where: [{ field: 'fields.deep.slug', exists: true }] }, purge: ['/a'] },
  {
    id: 'any',
    distribution: 'main',
    match: {
      where: [
        {
          any: [
            { field: 'fields.tags', in: ['x'] },
            { field: 'fields.cats.slug', prefix: 'l' },
          ],
        },
      ],
    },
    purge: ['/b'],
  },
  {
    id: 'tpl',
    distribution: 'main',
    purge: [
      '/t/{fields.tags}',
      '/s/{fields.slug}',
      '/c/{fields.cats.slug}',
      '/e{/fields.deep*}',
      { path: '/p/{fields.deep.slug}*', kind: 'pattern' },
    ],
  },
];

describe('lists and objects nested up to 100,000 deep (F9)', () => {
  it('are matched, explained and serialized, never a throw', () => {
    const parsed = parseConfig({ distributions: { main: { id: 'd' } }, rules: DEEP_RULES });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const compiled = compileConfig(parsed.config);
    fc.assert(
      fc.property(deepInside, (fields) => {
        count();
        const result = matchEvent(compiled, eventWith(fields), { explain: true });
        expect(() => JSON.stringify(result)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });
});

describe('through the Worker', () => {
  beforeAll(async () => {
    await putConfig(
      baseConfig({
        distributions: { main: { id: 'dist-fuzz-rules', coalesceMs: 600_000 } },
        rules: [
          ...DEEP_RULES,
          { id: 'pat', distribution: 'main', purge: [{ path: '/m/{+fields.url}*', kind: 'pattern' }, '{+fields.url}'] },
        ],
      }),
    );
  });

  it(
    'a verified payload with hostile or deep values is queued (202, never a 5xx), and no queued pattern is wider than /m/',
    async () => {
      const fields = fc.oneof(deepInside, fc.record({ url: hostileValue, slug: hostileValue, tags: hostileValue }));
      await fc.assert(
        fc.asyncProperty(fields, async (entry) => {
          count();
          const body = `{"event":"entry.publish","model":"article","entry":${serialize({ id: 1, ...entry })}}`;
          const response = await postWebhook('strapi', body, { authorization: `Bearer ${secret('STRAPI_TOKEN')}` });
          expect(response.status).toBe(202);
          const { eventId } = await response.json<{ eventId: string }>();
          const journey = await admin(`/events/${eventId}`);
          if (journey.status === 404) return; // nothing queued
          const { distributions } = await journey.json<{ distributions: { paths: { kind: string; path: string }[] }[] }>();
          for (const p of distributions.flatMap((d) => d.paths).filter((p) => p.kind === 'pattern'))
            expect([p.path, hasDotSegment(p.path)]).toEqual([expect.stringMatching(/^\/(m\/[^*]+|p\/[^*]*)\*$/), false]);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

/** JSON text of a value that may nest deeper than JSON.stringify can go: arrays and objects written iteratively. */
function serialize(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string' && v.startsWith('\u0000')) out.push(v.slice(1));
    else if (Array.isArray(v)) {
      out.push('[');
      stack.push('\u0000]');
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i], ...(i > 0 ? ['\u0000,'] : []));
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      out.push('{');
      stack.push('\u0000}');
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i]![1], `\u0000${JSON.stringify(entries[i]![0])}:`, ...(i > 0 ? ['\u0000,'] : []));
      }
    } else out.push(JSON.stringify(v ?? null));
  }
  return out.join('');
}
