// What one event queues, decided without I/O and shared by the webhook pipeline and the preview (so a
// preview can never drift from what is really purged): the rules' paths plus the paths remembered for the
// document → the work per distribution, and what the document's memory holds afterwards.
import type { ContentEvent } from '../providers/types';
import type { MatchResult, MemoryItem } from '../rules/matcher';
import type { RelayConfig } from '../rules/schema';
import type { DocumentKey } from '../sources/memory';
import { planMemory } from '../sources/memory-plan';
import { collectWork, countPaths, type PurgeWork, type WorkInput } from './enqueue';

export interface EventPlan {
  work: PurgeWork[];
  /** Purge paths queued (prefetches not counted). */
  paths: number;
  /** Cache tags queued, expanded to paths at send time. */
  tags: number;
  /** The document's memory after the event (null forgets it); absent when it stays as it is. */
  memory?: { key: DocumentKey; items: MemoryItem[] | null };
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

/** The document whose remembered paths the plan needs (recall them first), or undefined when none. */
export const memoryKey = (event: ContentEvent, result: MatchResult): DocumentKey | undefined => planMemory(event, result)?.key;

/** The work and the memory update for an event, given its rule matches and the paths recalled for `memoryKey`. */
export function planEvent(
  config: RelayConfig,
  event: ContentEvent,
  result: MatchResult,
  remembered: readonly MemoryItem[],
): EventPlan {
  const work = collectWork([...result.matches, ...rememberedWork(remembered, config)]);
  const tags = work.reduce((n, w) => n + (w.tags?.length ?? 0), 0);
  const memory = planMemory(event, result);
  const changes = memory && memory.store !== undefined;
  return { work, paths: countPaths(work), tags, ...(changes && { memory: { key: memory.key, items: memory.store ?? null } }) };
}
