// How an event uses its source's path memory: whether to read it and what to store after. Pure.
import type { ContentEvent } from '../providers/types';
import type { MatchResult, MemoryItem } from '../rules/matcher';
import type { DocumentKey } from './memory';

/** Actions after which the document's old URLs must go and nothing of it stays to remember. */
export const REMOVALS: ReadonlySet<string> = new Set(['unpublish', 'delete', 'archive']);

export interface MemoryPlan {
  key: DocumentKey;
  /** What to store once the paths are queued: null forgets the document, undefined keeps it as is. */
  store: MemoryItem[] | null | undefined;
}

/**
 * The memory is read when a rule matched (a slug may have changed; an id-only payload needs the old
 * paths) or the document went away, and never for an event without a document id. A draft save that
 * no rule matches touches nothing. A removal that only an unsigned header names (Shopify's topic, say:
 * `event.unsigned` lists `action`) purges the remembered paths but does not forget them, so a captured
 * delivery replayed with a forged topic cannot erase what the document's next change needs.
 */
export function planMemory(event: ContentEvent, result: MatchResult): MemoryPlan | undefined {
  if (event.documentId === undefined) return undefined;
  const removal = REMOVALS.has(event.action);
  if (!removal && result.matches.length === 0) return undefined;
  const key: DocumentKey =
    event.contentType === undefined ? { id: event.documentId } : { id: event.documentId, type: event.contentType };
  if (removal) return { key, store: event.unsigned?.includes('action') ? undefined : null };
  // An id-only payload produces no document path: keep what is remembered rather than erase it.
  return { key, store: result.memory.length > 0 ? result.memory : undefined };
}
