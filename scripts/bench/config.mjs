// @ts-check
// Generated relay configs for the benchmarks: rules spread over sources, actions and content types like a real site's.

/** Content types for a config of `rules` rules: about eight rules per type, half of them for the benchmark's source. @param {number} rules */
export const contentTypesFor = (rules) => Math.max(2, Math.floor(rules / 8));

/**
 * @typedef {{ sources: string[], actions?: string[], contentTypes?: string[],
 *   where?: ({ field: string, prefix: string } | { field: string, in: string[] })[] }} Match
 * @typedef {{ id: string, distribution: string, match: Match,
 *   purge: (string | { path: string, pages: { from: number, to: number } })[] }} Rule  A rule as the config has it.
 */

/**
 * Four kinds of rule, in turn: page + listing, paginated listing under a condition, publish-only extras, a narrow condition.
 * @param {number} i @param {number} types @returns {Rule}
 */
function rule(i, types) {
  const type = `type${i % types}`;
  const match = { sources: [i % 2 === 0 ? 'bench' : 'shop'], actions: ['publish', 'update'], contentTypes: [type] };
  switch (i % 4) {
    case 0:
      return { id: `r${i}`, distribution: 'main', match, purge: [`/${type}/{fields.slug}`, `/${type}/`] };
    case 1:
      return {
        id: `r${i}`,
        distribution: 'main',
        match: { ...match, where: [{ field: 'fields.category', prefix: 'cat-' }] },
        purge: [`/${type}/{fields.slug}/amp`, { path: `/${type}/page/{page}`, pages: { from: 1, to: 3 } }],
      };
    case 2:
      return { id: `r${i}`, distribution: 'main', match: { ...match, actions: ['publish'] }, purge: [`/feeds/${type}.xml`] };
    default:
      return {
        id: `r${i}`,
        distribution: 'main',
        match: { ...match, where: [{ field: 'fields.category', in: ['cat-1', 'cat-2'] }] },
        purge: [`/${type}/category/{fields.category}`],
      };
  }
}

/**
 * A config with `count` rules (two of them catch-alls: home page on publish, sitemap) for the sources
 * "bench" and "shop" (Standard Webhooks, secret BENCH_SECRET) and one distribution.
 * @param {number} count @param {Record<string, unknown>} [distribution] the distribution's settings
 */
export function benchConfig(count, distribution = {}) {
  const types = contentTypesFor(count);
  /** @type {Rule[]} */
  const rules = Array.from({ length: count - 2 }, (_, i) => rule(i, types));
  rules.push({ id: 'home', distribution: 'main', match: { sources: ['bench'], actions: ['publish'] }, purge: ['/'] });
  rules.push({ id: 'sitemap', distribution: 'main', match: { sources: ['bench'] }, purge: ['/sitemap.xml'] });
  const source = { provider: 'standard-webhooks', secrets: ['BENCH_SECRET'] };
  return {
    distributions: { main: { id: 'bench-dist', ...distribution } },
    sources: { bench: source, shop: source },
    rules,
  };
}
