// Builders for the rules tests: a config compiled like the store does, and a ContentEvent with one change.
import type { ContentEvent } from '../../../src/providers/types';
import { compileConfig, matchEvent, type CompiledConfig } from '../../../src/rules/matcher';
import { parseConfig } from '../../../src/rules/schema';

export function compile(overrides: Record<string, unknown>): CompiledConfig {
  const parsed = parseConfig({
    distributions: { main: { id: 'dist-main' }, shop: { id: 'dist-shop' } },
    sources: { cms: { provider: 'strapi', secrets: ['CMS_TOKEN'] }, shop: { provider: 'shopify', secrets: ['SHOP_SECRET'] } },
    ...overrides,
  });
  if (!parsed.ok) throw new Error(`invalid test config: ${JSON.stringify(parsed.issues)}`);
  return compileConfig(parsed.config);
}

export function event(overrides: Partial<ContentEvent> = {}): ContentEvent {
  return {
    eventId: 'evt_test',
    source: 'cms',
    provider: 'strapi',
    action: 'publish',
    topic: 'entry.publish',
    contentType: 'post',
    documentId: 'doc-1',
    locales: [],
    fields: {},
    receivedAt: 0,
    ...overrides,
  };
}

/** The paths an event produces, as `kind path` strings, sorted. */
export function paths(compiled: CompiledConfig, e: ContentEvent): string[] {
  return matchEvent(compiled, e)
    .matches.flatMap((m) => m.paths.map((p) => `${p.kind} ${p.path}`))
    .sort();
}
