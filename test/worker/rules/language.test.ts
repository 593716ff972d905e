// The rule language: templates, fan-out over lists, locales, pagination, kinds, priorities, conditions.
import { describe, expect, it } from 'vitest';
import { matchEvent } from '../../../src/rules/matcher';
import { MAX_PATHS_PER_ENTRY } from '../../../src/rules/expand';
import { compile, event, paths } from './helpers';

const rule = (purge: unknown[], match: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  id: 'r',
  distribution: 'main',
  match,
  purge,
  ...extra,
});

describe('templates', () => {
  it('keeps a plain string template valid: the first is the page, the others listings', () => {
    const compiled = compile({ rules: [rule(['/blog/{fields.slug}', '/blog'])] });
    const [match] = matchEvent(compiled, event({ fields: { slug: 'hello' } })).matches;
    expect(match?.paths).toEqual([
      { path: '/blog/hello', kind: 'url', priority: 0, prefetch: false },
      { path: '/blog', kind: 'url', priority: 1, prefetch: false },
    ]);
  });

  it('percent-encodes values per RFC 3986 and keeps reserved characters with {+var}', () => {
    const compiled = compile({ rules: [rule(['/a/{fields.slug}', '/b/{+fields.path}', '/c/{fields.path}'])] });
    const e = event({ fields: { slug: 'Grüße aus Zürich/1', path: 'docs/guide?x=1' } });
    expect(paths(compiled, e)).toEqual([
      'url /a/Gr%C3%BC%C3%9Fe%20aus%20Z%C3%BCrich%2F1',
      'url /b/docs/guide?x=1',
      'url /c/docs%2Fguide%3Fx%3D1',
    ]);
  });

  it('skips a template whose variable has no value, and says which', () => {
    const compiled = compile({ rules: [rule(['/blog/{fields.slug}', '/blog'])] });
    const [match] = matchEvent(compiled, event({ fields: { slug: '' } })).matches;
    expect(match?.paths.map((p) => p.path)).toEqual(['/blog']);
    expect(match?.skipped).toEqual([{ template: '/blog/{fields.slug}', reason: 'no value for fields.slug' }]);
  });
});

describe('lists', () => {
  it('gives one path per element of a list, and the cartesian product of two lists', () => {
    const compiled = compile({ rules: [rule(['/tag/{fields.tags}', '/c/{fields.cats}/{fields.tags}'])] });
    const e = event({ fields: { tags: ['a', 'b', 'a'], cats: ['x', 'y'] } });
    expect(paths(compiled, e)).toEqual(['url /c/x/a', 'url /c/x/b', 'url /c/y/a', 'url /c/y/b', 'url /tag/a', 'url /tag/b']);
  });

  it('reads a field of every element of a list of objects', () => {
    const compiled = compile({ rules: [rule(['/category/{fields.categories.slug}'])] });
    const e = event({ fields: { categories: [{ slug: 'news' }, { slug: 'tech' }, { title: 'no slug' }] } });
    expect(paths(compiled, e)).toEqual(['url /category/news', 'url /category/tech']);
  });

  it('keeps RFC 6570 list expansion for an exploded variable', () => {
    const compiled = compile({ rules: [rule(['/docs{/fields.crumbs*}'])] });
    expect(paths(compiled, event({ fields: { crumbs: ['guide', 'setup'] } }))).toEqual(['url /docs/guide/setup']);
  });

  it(`stops at ${MAX_PATHS_PER_ENTRY} paths per entry and reports the template`, () => {
    const compiled = compile({ rules: [rule(['/t/{fields.a}/{fields.b}'])] });
    const many = Array.from({ length: 40 }, (_, i) => `v${i}`);
    const [match] = matchEvent(compiled, event({ fields: { a: many, b: many } })).matches;
    expect(match?.paths).toHaveLength(MAX_PATHS_PER_ENTRY);
    expect(match?.truncated).toEqual(['/t/{fields.a}/{fields.b}']);
  });
});

describe('locales, pagination, kinds', () => {
  const locales = { 'en-US': '', 'de-DE': '/de' };

  it('maps each locale of the event to its path prefix', () => {
    const compiled = compile({ locales, rules: [rule(['{+localePrefix}/blog/{fields.slug}', '{+localePrefix}/'])] });
    const e = event({
      locales: ['en-US', 'de-DE', 'fr-FR'],
      localized: { 'en-US': { slug: 'hello' }, 'de-DE': { slug: 'hallo' }, 'fr-FR': { slug: 'salut' } },
    });
    const [match] = matchEvent(compiled, e).matches;
    expect(match?.paths.map((p) => p.path).sort()).toEqual(['/', '/blog/hello', '/de/', '/de/blog/hallo']);
    expect(match?.skipped).toContainEqual({
      template: '{+localePrefix}/blog/{fields.slug}',
      reason: 'no value for localePrefix',
      locale: 'fr-FR',
    });
  });

  it('expands an event without locales (a tombstone) for every configured locale', () => {
    const compiled = compile({ locales, rules: [rule(['{+localePrefix}/blog'])] });
    expect(paths(compiled, event({ action: 'unpublish' }))).toEqual(['url /blog', 'url /de/blog']);
  });

  it('falls back to the main fields for a field a locale lacks', () => {
    const compiled = compile({ locales, rules: [rule(['{+localePrefix}/tag/{fields.tags}'])] });
    const e = event({
      locales: ['en-US', 'de-DE'],
      fields: { tags: ['x'] },
      localized: { 'en-US': { tags: ['x'] }, 'de-DE': { title: 'T' } },
    });
    expect(paths(compiled, e)).toEqual(['url /de/tag/x', 'url /tag/x']);
  });

  it('expands a listing to its configured pages', () => {
    const compiled = compile({
      rules: [rule(['/blog/{fields.slug}', { path: '/blog/page/{page}', pages: { from: 2, to: 4 } }])],
    });
    const [match] = matchEvent(compiled, event({ fields: { slug: 'x' } })).matches;
    expect(match?.paths.map((p) => `${p.path} ${p.priority}`)).toEqual([
      '/blog/x 0',
      '/blog/page/2 1',
      '/blog/page/3 1',
      '/blog/page/4 1',
    ]);
  });

  it('gives each entry its kind, priority class and prefetch flag', () => {
    const compiled = compile({
      rules: [
        rule([
          { path: '/products/{fields.handle}', prefetch: true },
          { path: '/products/{fields.handle}*', kind: 'pattern' },
          { path: '/sitemap.xml', priority: 'other' },
        ]),
      ],
    });
    const [match] = matchEvent(compiled, event({ fields: { handle: 'shirt' } })).matches;
    expect(match?.paths).toEqual([
      { path: '/products/shirt', kind: 'url', priority: 0, prefetch: true },
      { path: '/products/shirt*', kind: 'pattern', priority: 1, prefetch: false },
      { path: '/sitemap.xml', kind: 'url', priority: 2, prefetch: false },
    ]);
  });

  it('drops a path that does not start with "/" and says why', () => {
    const compiled = compile({ rules: [rule(['{+fields.url}'])] });
    expect(paths(compiled, event({ fields: { url: '/uploads/a.jpg' } }))).toEqual(['url /uploads/a.jpg']);
    const [match] = matchEvent(compiled, event({ fields: { url: 'https://cdn.example/a.jpg' } })).matches;
    expect(match?.skipped).toEqual([
      { template: '{+fields.url}', reason: 'gives "https://cdn.example/a.jpg", which does not start with "/"' },
    ]);
  });

  it('remembers only the paths a later id-only payload could not produce again', () => {
    const compiled = compile({ rules: [rule(['/p/{fields.slug}', '/p.php?id={id}', '/all'])] });
    expect(matchEvent(compiled, event({ fields: { slug: 's' } })).memory.map((m) => m.path)).toEqual(['/p/s']);
  });

  it('also fills the templates from the previous values, so an old slug is purged (and not remembered)', () => {
    const compiled = compile({ rules: [rule(['/blog/{fields.slug}'])] });
    const e = event({ fields: { slug: 'new', title: 'T' }, previous: { slug: 'old' } });
    expect(paths(compiled, e)).toEqual(['url /blog/new', 'url /blog/old']);
    expect(matchEvent(compiled, e).memory.map((m) => m.path)).toEqual(['/blog/new']);
  });
});

describe('conditions', () => {
  const compiled = compile({
    rules: [
      rule(['/featured'], {
        where: [
          {
            any: [
              { field: 'fields.featured', equals: true },
              { field: 'fields.tags', in: ['top'] },
            ],
          },
        ],
      }),
      rule(
        ['/public'],
        { where: [{ not: { field: 'fields.slug', prefix: 'draft-' } }, { field: 'fields.slug', exists: true }] },
        { id: 'public' },
      ),
      rule(['/update-only'], { actions: ['update'], topics: ['entry.update'] }, { id: 'upd' }),
    ],
  });

  it('combines predicates with any, not and the implicit all', () => {
    expect(paths(compiled, event({ fields: { slug: 'a', tags: ['top'] } }))).toEqual(['url /featured', 'url /public']);
    expect(paths(compiled, event({ fields: { slug: 'draft-a', featured: false } }))).toEqual([]);
  });

  it('says why each rule did not match', () => {
    const { misses } = matchEvent(compiled, event({ fields: { slug: 'draft-a' } }), { explain: true });
    expect(misses).toEqual([
      {
        ruleId: 'r',
        reason:
          'none of "any" holds: fields.featured = null fails {"field":"fields.featured","equals":true}; fields.tags = null fails {"field":"fields.tags","in":["top"]}',
      },
      { ruleId: 'public', reason: '"not" fails: {"field":"fields.slug","prefix":"draft-"} holds' },
      { ruleId: 'upd', reason: 'action "publish" is not in ["update"]' },
    ]);
  });

  it('reads a field the payload lacks from the previous values', () => {
    const e = event({ action: 'delete', fields: {}, previous: { slug: 'gone' } });
    expect(matchEvent(compiled, e).matches.map((m) => m.ruleId)).toEqual(['public']);
  });
});
