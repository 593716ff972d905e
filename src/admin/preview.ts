// Admin: POST /admin/preview explains what a payload would purge, without a signature and without purging:
// each event of the delivery, each matched rule with its variables and paths, the misses, the remembered paths.
import { Hono } from '../lib/hono';
import { badRequest, notFound } from '../errors';
import { utf8 } from '../lib/bytes';
import { createEvents } from '../providers/event';
import { getProvider } from '../providers/registry';
import { parseJsonBody } from '../providers/support';
import type { ContentEvent } from '../providers/types';
import { memoryKeys, planEvent, type EventPlan } from '../purge/event-plan';
import { matchEvent, type MatchResult, type MemoryItem } from '../rules/matcher';
import type { DocumentKey } from '../sources/memory';
import { planMemory } from '../sources/memory-plan';
import { recallEachOr503 } from '../sources/state';
import { shown } from '../rules/conditions';
import { PreviewBody, readJson } from './bodies';
import { requireSource } from './lookup';
import { withTagExpansion } from './tag-preview';

function toHeaders(record: Record<string, string>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(record)) {
    try {
      headers.set(name, value);
    } catch {
      throw badRequest(`headers: "${name}" is not a valid header name or its value is not a valid header value`);
    }
  }
  return headers;
}

/** The event as the preview shows it: any real payload whole; a hostile one cut short ("…"). */
const PREVIEW_LIMITS = { depth: 32, scalars: 20_000, chars: 100_000 };

const sameKey = (a: DocumentKey, b: DocumentKey) => a.id === b.id && a.type === b.type;

/** What the preview shows of one event's document memory: the paths recalled and what it would hold next. */
function rememberedOf(
  event: ContentEvent,
  result: MatchResult,
  keys: readonly DocumentKey[],
  recalled: MemoryItem[][],
  plan: EventPlan,
) {
  const key = planMemory(event, result)?.key;
  const at = key === undefined ? -1 : keys.findIndex((k) => sameKey(k, key));
  if (at < 0) return null;
  const next = plan.memory.find((m) => sameKey(m.key, keys[at]!));
  return {
    document: keys[at],
    /** Paths remembered from earlier events, purged with this one. */
    recalled: recalled[at],
    /** What the memory would hold afterwards. */
    next: next === undefined ? 'unchanged' : (next.items ?? 'forget'),
  };
}

export const previewRoutes = new Hono<{ Bindings: Env }>().post('/preview', async (c) => {
  const input = await readJson(c.req.raw, PreviewBody);
  const { loaded, source } = await requireSource(c.env, input.source);
  const provider = getProvider(source.provider);
  if (!provider) throw notFound(`unknown source "${input.source}"`);
  const raw = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const request = { method: 'POST', url: new URL(c.req.url), headers: toHeaders(input.headers), body: utf8(raw) };
  const { events } = createEvents(provider, input.source, source, request, parseJsonBody(request.body));
  const results = events.map((event) => matchEvent(loaded, event, { explain: true }));
  const keys = memoryKeys(events, results);
  const recalled = await recallEachOr503(c.env, input.source, keys);
  // The same plan the pipeline makes, over every event of the delivery.
  const plan = planEvent(loaded.config, events, results, keys, recalled);
  const explained = await Promise.all(
    events.map(async (event, i) => {
      const { matches, misses, otherRules } = results[i]!;
      const remembered = rememberedOf(event, results[i]!, keys, recalled, plan);
      return {
        // Bounded: a payload may nest lists deeper than JSON.stringify can go (the rules read it within budgets too).
        event: shown(event, PREVIEW_LIMITS),
        matches: await withTagExpansion(c.env, loaded.config, matches),
        misses,
        otherRules,
        remembered,
      };
    }),
  );
  // The first event's explanation stays at the top level (as it was before deliveries carried several).
  const first = explained[0] ?? { event: null, matches: [], misses: [], otherRules: 0, remembered: null };
  return c.json({ configVersion: loaded.version, ...first, events: explained, work: plan.work });
});
