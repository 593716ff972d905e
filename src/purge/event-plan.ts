// What one delivery queues, decided without I/O and shared by the webhook pipeline and the preview (so a
// preview can never drift from what is really purged): each event's rule paths plus the paths remembered for
// its document → the work per distribution, and what each document's memory holds afterwards.
import type { ContentEvent } from '../providers/types';
import type { MatchResult, MemoryItem } from '../rules/matcher';
import { renderMarker } from '../rules/marker';
import type { RelayConfig } from '../rules/schema';
import type { DocumentKey } from '../sources/memory';
import { planMemory } from '../sources/memory-plan';
import { collectWork, countPaths, type PurgeWork, type WorkInput } from './enqueue';

/** A document's memory after a delivery: its paths, or null to forget it. */
export interface MemoryUpdate {
  key: DocumentKey;
  items: MemoryItem[] | null;
}

export interface EventPlan {
  work: PurgeWork[];
  /** Purge paths queued (prefetches not counted). */
  paths: number;
  /** Cache tags queued, expanded to paths at send time. */
  tags: number;
  /** One entry per document whose memory changes (those that stay as they are are left out). */
  memory: MemoryUpdate[];
}

/** Remembered paths as work, leaving out distributions the config no longer has. */
export function rememberedWork(items: readonly MemoryItem[], config: RelayConfig): WorkInput[] {
  return items
    .filter((i) => i.distribution in config.distributions)
    .map((i) => ({
      distribution: i.distribution,
      paths: [{ path: i.path, kind: i.kind, priority: i.priority, prefetch: false }],
    }));
}

/** A match with its event's verification marker for the distribution, when it names a marker template. */
function withMarker(config: RelayConfig, match: WorkInput, event: ContentEvent): WorkInput {
  const template = config.distributions[match.distribution]?.verify.marker;
  const marker = template === undefined ? undefined : renderMarker(template, event, config.locales);
  return marker === undefined ? match : { ...match, marker };
}

const keyText = (key: DocumentKey) => JSON.stringify([key.id, key.type ?? null]);

/**
 * The documents whose remembered paths the plan needs (recall them first, in this order): one key per
 * document, however many of the delivery's events name it.
 */
export function memoryKeys(events: readonly ContentEvent[], results: readonly MatchResult[]): DocumentKey[] {
  const keys = new Map<string, DocumentKey>();
  events.forEach((event, i) => {
    const key = planMemory(event, results[i]!)?.key;
    if (key && !keys.has(keyText(key))) keys.set(keyText(key), key);
  });
  return [...keys.values()];
}

/** Two updates of one document in a delivery: forgetting wins until paths come again, and paths add up. */
function fold(before: MemoryItem[] | null | undefined, next: MemoryItem[] | null): MemoryItem[] | null {
  if (next === null || !before) return next;
  const seen = new Set(before.map((i) => `${i.distribution} ${i.kind} ${i.path}`));
  return [...before, ...next.filter((i) => !seen.has(`${i.distribution} ${i.kind} ${i.path}`))];
}

/**
 * The one plan of what a delivery's events queue (the pipeline and the preview both call it): the work and
 * the memory updates, given each event's rule matches and the paths recalled for `memoryKeys`
 * (`recalled[i]` for `keys[i]`). A delivery of one event is the common case; a batch plans the same way.
 */
export function planEvent(
  config: RelayConfig,
  events: readonly ContentEvent[],
  results: readonly MatchResult[],
  keys: readonly DocumentKey[],
  recalled: readonly (readonly MemoryItem[])[],
): EventPlan {
  const index = new Map(keys.map((key, i) => [keyText(key), i]));
  const inputs: WorkInput[] = results.flatMap((r, i) => r.matches.map((m) => withMarker(config, m, events[i]!)));
  recalled.forEach((items) => inputs.push(...rememberedWork(items, config)));
  const stores = new Map<number, MemoryItem[] | null>();
  events.forEach((event, i) => {
    const memory = planMemory(event, results[i]!);
    const at = memory && index.get(keyText(memory.key));
    if (memory?.store === undefined || at === undefined) return;
    stores.set(at, fold(stores.get(at), memory.store));
  });
  const work = collectWork(inputs);
  // Nothing to forget where nothing was remembered.
  const memory = [...stores]
    .filter(([at, items]) => items !== null || (recalled[at]?.length ?? 0) > 0)
    .map(([at, items]) => ({ key: keys[at]!, items }));
  return { work, paths: countPaths(work), tags: work.reduce((n, w) => n + (w.tags?.length ?? 0), 0), memory };
}
