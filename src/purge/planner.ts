// Decides which Gotipath calls to make now: rate windows, batching by priority, backoff. Pure, no I/O.
import type { CallKind, DistributionConfig } from '../rules/schema';

export type Limits = DistributionConfig['limits'];

export interface QueuedPath {
  path: string;
  kind: CallKind;
  /** Lower goes first: the changed page before its listings. */
  priority: number;
  enqueuedAt: number;
}

/** One call already made, counted at the moment its answer (or failure) came back. */
export interface CallRecord {
  kind: CallKind;
  at: number;
}

export interface Batch {
  kind: CallKind;
  paths: string[];
}

export interface PlanInput {
  queue: readonly QueuedPath[];
  calls: readonly CallRecord[];
  limits: Limits;
  now: number;
  /** No call of a kind before this time (a 429's Retry-After, backoff after failures). */
  blockedUntil: Partial<Record<CallKind, number>>;
  /** Largest batch while a rejected batch is being split to find bad paths. */
  splitSize?: Partial<Record<CallKind, number>>;
}

export interface Plan {
  batches: Batch[];
  /** When to look again for what is still queued; undefined when nothing remains. */
  wakeAt: number | undefined;
}

// Purge-all first (it covers everything), prefetch last (it must follow the purge of its paths).
export const KIND_ORDER: readonly CallKind[] = ['all', 'pattern', 'url', 'prefetch'];

/**
 * Calls of `kind` still allowed now in the sliding window, and when the next one frees up.
 * Gotipath counts calls per window; a call is counted here when its answer arrived, which is no
 * earlier than Gotipath saw it, so our window never undercounts theirs.
 */
export function windowState(calls: readonly CallRecord[], kind: CallKind, limits: Limits, now: number) {
  const inWindow = calls
    .filter((c) => c.kind === kind && c.at > now - limits.windowMs)
    .map((c) => c.at)
    .sort((a, b) => a - b);
  const max = limits[kind].calls;
  const available = Math.max(0, max - inWindow.length);
  // The slot opens when the oldest call that keeps us at the limit leaves the window.
  const blocking = inWindow[inWindow.length - max];
  const nextSlotAt = available > 0 || blocking === undefined ? now : blocking + limits.windowMs + 1;
  return { available, nextSlotAt };
}

const byPriority = (a: QueuedPath, b: QueuedPath) =>
  a.priority - b.priority || a.enqueuedAt - b.enqueuedAt || (a.path < b.path ? -1 : 1);

function batchesFor(kind: CallKind, items: QueuedPath[], slots: number, size: number): Batch[] {
  if (kind === 'all') return items.length > 0 && slots > 0 ? [{ kind, paths: [] }] : [];
  const sorted = [...items].sort(byPriority);
  const batches: Batch[] = [];
  for (let i = 0; i < sorted.length && batches.length < slots; i += size) {
    batches.push({ kind, paths: sorted.slice(i, i + size).map((q) => q.path) });
  }
  return batches;
}

export function plan(input: PlanInput): Plan {
  const { queue, calls, limits, now, blockedUntil, splitSize = {} } = input;
  const purgePending = new Set(queue.filter((q) => q.kind === 'url').map((q) => q.path));
  const batches: Batch[] = [];
  let wakeAt: number | undefined;
  for (const kind of KIND_ORDER) {
    // A path is prefetched only once its purge is no longer queued; a queued purge-all holds
    // every prefetch until it has gone.
    const items = queue.filter(
      (q) => q.kind === kind && (kind !== 'prefetch' || (!purgePending.has(q.path) && !queue.some((a) => a.kind === 'all'))),
    );
    if (items.length === 0) continue;
    const blocked = blockedUntil[kind] ?? 0;
    const { available } = windowState(calls, kind, limits, now);
    const size = Math.max(1, Math.min(limits[kind].paths, splitSize[kind] ?? Infinity));
    const sent = blocked > now ? [] : batchesFor(kind, items, available, size);
    batches.push(...sent);
    const sentPaths = kind === 'all' ? items.length * sent.length : sent.reduce((n, b) => n + b.paths.length, 0);
    if (items.length > sentPaths) {
      const after = [...calls, ...sent.map(() => ({ kind, at: now }))];
      const at = Math.max(windowState(after, kind, limits, now).nextSlotAt, blocked);
      wakeAt = Math.min(wakeAt ?? at, at);
    }
  }
  return { batches, wakeAt };
}

/** Exponential backoff with full jitter, capped: attempt 1 waits up to `baseMs`. */
export function backoffDelay(attempt: number, random: number, baseMs = 2_000, capMs = 300_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(baseMs / 2, Math.round(ceiling * random));
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now; undefined if absent. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
