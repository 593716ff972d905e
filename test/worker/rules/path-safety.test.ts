// Payload values never choose how much a purge covers (issue 14, F5): `*` from a value is a literal, dot
// segments are refused, a pattern filled from the payload keeps foldDepth segments of fixed text and refuses a
// value that leaves only "/", and escalation never folds a path holding `*`.
import { describe, expect, it } from 'vitest';
import { foldPaths } from '../../../src/purge/escalate';
import { hasDotSegment, patternTemplateProblem } from '../../../src/rules/path-safety';
import { compileConfig, matchEvent, refusals } from '../../../src/rules/matcher';
import { parseConfig } from '../../../src/rules/schema';
import { compileTemplate } from '../../../src/rules/template';
import { compile, event } from './helpers';

const produced = (rules: unknown[], fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const result = matchEvent(compile({ rules, ...extra }), event({ fields }));
  return { paths: result.matches.flatMap((m) => m.paths.map((p) => `${p.kind} ${p.path}`)).sort(), result };
};
const pattern = (path: string) => ({ path, kind: 'pattern' });

describe('a * from a value', () => {
  it('is always the literal %2A, in {var} and {+var}; the template’s own * stays the wildcard', () => {
    const t = compileTemplate('/media{+fields.url}*');
    expect(t.expand((n) => (n === 'fields.url' ? '/a*/b*' : undefined))).toBe('/media/a%2A/b%2A*');
    expect(compileTemplate('/t/{fields.x}').expand(() => '*')).toBe('/t/%2A');
    expect(compileTemplate('/s{/fields.x*}').expand(() => ['*', 'a'])).toBe('/s/%2A/a');
  });
});

describe('dot segments', () => {
  it('are found in the path part, also percent-encoded, not in the query', () => {
    for (const p of ['/a/../b', '/a/./b', '/..', '/a/%2e%2E/b', '/a/%2E', '/a/.%2e']) expect(hasDotSegment(p), p).toBe(true);
    for (const p of ['/a/..b', '/a/...', '/.well-known/x', '/a?x=/../', '/a#/./']) expect(hasDotSegment(p), p).toBe(false);
  });

  it('refuse a path whose value holds one, and say why; the other paths go on', () => {
    const { paths, result } = produced([{ id: 'r', distribution: 'main', purge: ['/blog/{+fields.slug}/*', '/blog'] }], {
      slug: '../..',
    });
    expect(paths).toEqual(['url /blog']);
    expect(refusals(result)).toEqual(['r: /blog/{+fields.slug}/*: gives "/blog/../../*", which holds a "." or ".." segment']);
  });

  it('in a template’s own text are refused when the config is saved', () => {
    const parsed = parseConfig({
      distributions: { d: { id: 'd' } },
      rules: [{ id: 'r', distribution: 'd', purge: ['/a/../b'] }],
    });
    expect(parsed).toMatchObject({
      ok: false,
      issues: [{ path: 'rules[0].purge[0]', message: 'a path template may not hold "." or ".." segments' }],
    });
  });
});

describe('a pattern filled from the payload', () => {
  it('needs foldDepth segments of fixed text before its first payload variable', () => {
    const problem = (t: string, depth = 1) => patternTemplateProblem(compileTemplate(t), depth) !== undefined;
    expect(problem('{+fields.url}*')).toBe(true);
    expect(problem('/{fields.slug}*')).toBe(true);
    expect(problem('/*{+fields.x}')).toBe(true);
    expect(problem('{+localePrefix}/{fields.slug}*')).toBe(true);
    expect(problem('/uploads/{fields.hash}*')).toBe(false);
    expect(problem('/products{fields.handle}*')).toBe(false);
    expect(problem('{+localePrefix}/blog/{fields.slug}*')).toBe(false);
    expect(problem('/blog/{fields.slug}*', 2)).toBe(true);
    expect(problem('/blog/{fields.slug}/{fields.x}*', 2)).toBe(true);
    // Without payload variables the pattern is the operator's own choice (a site-wide menu).
    expect(problem('/*')).toBe(false);
    expect(problem('{+localePrefix}/*')).toBe(false);
  });

  it('is refused at its exact field when the config is saved, with the distribution’s foldDepth', () => {
    const parsed = parseConfig({
      distributions: { d: { id: 'd', foldDepth: 2 } },
      rules: [{ id: 'r', distribution: 'd', purge: ['/a', pattern('/blog/{fields.slug}*')] }],
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.path)).toEqual(['rules[0].purge[1].path']);
    expect(parsed.issues[0]!.message).toMatch(
      /^a pattern filled from the payload \(\{fields.slug\}\) needs at least foldDepth \(2\)/,
    );
  });

  it('in a version stored before that check, is refused at run time, every time, and recorded', () => {
    const rules = [{ id: 'r', distribution: 'main', purge: ['{+fields.url}', pattern('{+fields.url}*')] }];
    const document = { distributions: { main: { id: 'd' } }, rules };
    expect(parseConfig(document).ok).toBe(false);
    const stored = parseConfig(document, { stored: true });
    if (!stored.ok) throw new Error('a stored version must load');
    const result = matchEvent(compileConfig(stored.config), event({ fields: { url: '/uploads/a.jpg' } }));
    expect(result.matches[0]!.paths.map((p) => `${p.kind} ${p.path}`)).toEqual(['url /uploads/a.jpg']);
    expect(refusals(result)).toEqual([expect.stringMatching(/^r: \{\+fields\.url\}\*: a pattern filled from the payload/)]);
  });

  it('refuses a value that leaves nothing but "/" (the shipped Strapi rule turned a media url "/" into "/*")', () => {
    const rules = [{ id: 'r', distribution: 'main', purge: [pattern('/uploads{+fields.url}*'), pattern('/a/{/fields.p}*')] }];
    for (const url of ['/', '//', '///']) {
      const { paths, result } = produced(rules, { url, p: 'x' });
      expect(paths).toEqual(['pattern /a//x*']);
      expect(refusals(result)).toEqual([
        `r: /uploads{+fields.url}*: {fields.url} gives nothing but "/", which would widen the pattern to "/uploads${url}*"`,
      ]);
    }
    expect(produced(rules, { url: '/x.jpg', p: 'x' }).paths).toEqual(['pattern /a//x*', 'pattern /uploads/x.jpg*']);
  });
});

describe('escalation', () => {
  it('never folds a path whose segments hold a * (a URL path "/*" folded into "/**" purged the whole site)', () => {
    expect(foldPaths(['/*', '/a*'], 10, 1)).toEqual({ groups: [], rest: ['/*', '/a*'] });
    expect(foldPaths(['/*', '/a*b/c', '/x/1', '/x/2'], 1, 1)).toEqual({
      groups: [{ pattern: '/x*', paths: ['/x/1', '/x/2'] }],
      rest: ['/*', '/a*b/c'],
    });
    // A * in the query is not in a segment: /a?q=* folds as /a.
    expect(foldPaths(['/a?q=*', '/a/b'], 1, 1).groups).toEqual([{ pattern: '/a*', paths: ['/a?q=*', '/a/b'] }]);
  });
});
