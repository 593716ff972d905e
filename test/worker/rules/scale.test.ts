// 10,000 rules: the index hands an event only the few rules that can match it; explain stays short.
import { describe, expect, it } from 'vitest';
import { matchEvent } from '../../../src/rules/matcher';
import { candidates } from '../../../src/rules/rule-index';
import { admin, baseConfig, putConfig } from '../support/helpers';
import { compile, event } from './helpers';

const RULES = 10_000;
const TYPES = 2_500;

/** Rules spread over two sources, two actions and 2,500 content types, plus two catch-alls. */
function manyRules(sources: [string, string]) {
  const rules: Record<string, unknown>[] = Array.from({ length: RULES - 2 }, (_, i) => ({
    id: `r${i}`,
    distribution: 'main',
    match: { sources: [sources[i % 2]], actions: [i % 4 < 2 ? 'publish' : 'update'], contentTypes: [`type${i % TYPES}`] },
    purge: [`/t${i}/{fields.slug}`],
  }));
  rules.push({ id: 'any-publish', distribution: 'main', match: { actions: ['publish'] }, purge: ['/'] });
  rules.push({
    id: 'sitemap',
    distribution: 'main',
    match: { where: [{ field: 'fields.slug', exists: false }] },
    purge: ['/sitemap.xml'],
  });
  return rules;
}

describe('10,000 rules', () => {
  it('meets an event only with the rules its source, action and content type allow', () => {
    const compiled = compile({ rules: manyRules(['cms', 'shop']) });
    const e = event({ source: 'cms', action: 'publish', contentType: 'type8', fields: { slug: 's' } });
    // type8 (i % 2500 = 8), source cms (even i), publish (i % 4 < 2): i = 8, 2508, 5008, 7508; and the two catch-alls.
    const ids = ['r8', 'r2508', 'r5008', 'r7508'];
    expect(candidates(compiled.index, e).map((i) => compiled.rules[i]!.rule.id)).toEqual([...ids, 'any-publish', 'sitemap']);
    const result = matchEvent(compiled, e);
    expect(result.matches.map((m) => m.ruleId)).toEqual([...ids, 'any-publish']);
    expect(result.misses).toEqual([
      { ruleId: 'sitemap', reason: 'fields.slug = "s" fails {"field":"fields.slug","exists":false}' },
    ]);
    expect(result.otherRules).toBe(RULES - 6);
  });

  it('finds only the catch-alls for an event no specific rule names', () => {
    const compiled = compile({ rules: manyRules(['cms', 'shop']) });
    const e = event({ source: 'shop', action: 'delete', contentType: 'unknown' });
    expect(candidates(compiled.index, e).map((i) => compiled.rules[i]!.rule.id)).toEqual(['sitemap']);
  });

  it('explains a payload through the admin API with misses for the candidates only, and a count of the rest', async () => {
    await putConfig(baseConfig({ rules: manyRules(['strapi', 'shopify']) }));
    const body = { event: 'entry.publish', model: 'type8', entry: { id: 1, slug: 's' } };
    const response = await admin('/preview', {
      method: 'POST',
      body: JSON.stringify({ source: 'strapi', headers: { 'x-strapi-event': 'entry.publish' }, body }),
    });
    expect(response.status).toBe(200);
    const preview = await response.json<{ matches: { ruleId: string }[]; misses: unknown[]; otherRules: number }>();
    expect(preview.matches.map((m) => m.ruleId)).toEqual(['r8', 'r2508', 'r5008', 'r7508', 'any-publish']);
    expect(preview.misses).toHaveLength(1);
    expect(preview.otherRules).toBe(RULES - 6);
  });
});
