// Rule matching and path templating over ContentEvents: pure functions, no I/O.
import { describe, expect, it } from 'vitest';
import { compileConfig, matchEvent } from '../../../src/rules/matcher';
import { parseConfig } from '../../../src/rules/schema';
import type { ContentEvent } from '../../../src/providers/types';

function compiled(rules: unknown[]) {
  const parsed = parseConfig({
    distributions: { main: { id: 'd1' } },
    sources: { cms: { provider: 'strapi', secrets: ['T'] } },
    rules,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return compileConfig(parsed.config);
}

const event = (overrides: Partial<ContentEvent> = {}): ContentEvent => ({
  eventId: 'evt_1',
  source: 'cms',
  provider: 'strapi',
  action: 'publish',
  topic: 'entry.publish',
  contentType: 'article',
  documentId: '42',
  locales: [],
  fields: { slug: 'hello', category: 'news', tags: ['a', 'b'] },
  receivedAt: 0,
  ...overrides,
});

describe('matchEvent', () => {
  it('matches on source, action, content type and field predicates, and says why others did not', () => {
    const config = compiled([
      {
        id: 'news',
        distribution: 'main',
        match: {
          sources: ['cms'],
          actions: ['publish'],
          contentTypes: ['article'],
          where: [{ field: 'fields.category', equals: 'news' }],
        },
        purge: ['/news/{fields.slug}'],
      },
      {
        id: 'tagged',
        distribution: 'main',
        match: {
          where: [
            { field: 'fields.tags', in: ['b', 'z'] },
            { field: 'fields.slug', prefix: 'hel' },
          ],
        },
        purge: ['/t'],
      },
      { id: 'pages', distribution: 'main', match: { contentTypes: ['page'] }, purge: ['/p'] },
      { id: 'deletes', distribution: 'main', match: { actions: ['delete'] }, purge: ['/d'] },
      { id: 'drafts', distribution: 'main', match: { where: [{ field: 'fields.draft', exists: true }] }, purge: ['/x'] },
    ]);
    const result = matchEvent(config, event());
    expect(result.matches.map((m) => [m.ruleId, m.paths.map((p) => p.path)])).toEqual([
      ['news', ['/news/hello']],
      ['tagged', ['/t']],
    ]);
    // The index keeps rules for other content types and actions away from the event entirely.
    expect(result.otherRules).toBe(2);
    expect(result.misses).toEqual([
      { ruleId: 'drafts', reason: 'fields.draft = null fails {"field":"fields.draft","exists":true}' },
    ]);
  });

  it('fills templates once per locale from that locale fields', () => {
    const config = compiled([{ id: 'r', distribution: 'main', purge: ['/{locale}/{fields.slug}', '/all'] }]);
    const result = matchEvent(
      config,
      event({ locales: ['en-US', 'de-DE'], localized: { 'en-US': { slug: 'hello' }, 'de-DE': { slug: 'hallo welt' } } }),
    );
    expect(result.matches[0]?.paths.map((p) => p.path)).toEqual(['/en-US/hello', '/de-DE/hallo%20welt', '/all']);
  });

  it('leaves out a template whose variable has no value, and reports it', () => {
    const config = compiled([{ id: 'r', distribution: 'main', purge: ['/blog/{fields.missing}', '/blog'] }]);
    const [match] = matchEvent(config, event()).matches;
    expect(match?.paths.map((p) => p.path)).toEqual(['/blog']);
    expect(match?.skipped).toEqual([{ template: '/blog/{fields.missing}', reason: 'no value for fields.missing' }]);
  });

  it('compares numbers and numeric strings as equal in predicates', () => {
    const config = compiled([
      { id: 'r', distribution: 'main', match: { where: [{ field: 'documentId', equals: 42 }] }, purge: ['/x'] },
    ]);
    expect(matchEvent(config, event()).matches).toHaveLength(1);
  });
});
