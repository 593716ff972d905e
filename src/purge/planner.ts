// Decides which Gotipath calls to make now: rate windows, batching by priority, bisection, backoff. Pure, no I/O.
import type { CallKind, DistributionConfig } from '../rules/schema';

export type Limits = DistributionConfig['limits'];

export interface QueuedPath {
  path: string;
  kind: CallKind;
  /** Lower goes first: the changed page before its listings. */
  priority: number;
  enqueuedAt: number;
  /** Prefetch only: not before this time; null while a purge of the path is still queued. */
  notBefore?: number | null;
}

/** One call already made, counted at the moment its answer (or failure) came back. */
export interface CallRecord {
  kind: CallKind;
  at: number;
}

/** One call to make. A purge-all carries the single path "" (the body sends `paths: []`). */
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
  /** Groups of paths under suspicion after a 400/422: each is sent alone until the bad path stands alone. */
  suspects?: Partial<Record<CallKind, string[][]>>;
  /**
   * Paths refused alone with no evidence yet that they are the cause (refusal.ts): left out of their kind's calls,
   * so the next call goes without them; when nothing else of the kind is queued, each is tried alone from `retryAt`.
   */
  parked?: Partial<Record<CallKind, Parked>>;
}

export interface Parked {
  paths: readonly string[];
  retryAt: number;
}

export interface Plan {
  batches: Batch[];
  /** When to look again for what is still queued; undefined when nothing remains. */
  wakeAt: number | undefined;
}

// Purge-all first (it covers everything), prefetch last (it must follow the purge of its paths).
export const KIND_ORDER: readonly CallKind[] = ['all', 'pattern', 'url', 'prefetch'];

/**
 * Calls of `kind` still allowed now in the sliding window (a bucket of `calls` tokens, each one back
 * `windowMs` after it was spent), and when the next one frees up. A call is counted when its answer
 * arrived, no earlier than Gotipath saw it, so our window never undercounts theirs.
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

/**
 * Sending order: by priority, where each level counts as one rate window of waiting. A listing goes
 * behind pages queued up to one window after it, never behind newer ones, so a steady stream of pages
 * delays it by at most a window per level instead of starving it (queue-store.ts orders the same way).
 */
export const sendOrder =
  (windowMs: number) =>
  (a: QueuedPath, b: QueuedPath): number =>
    a.enqueuedAt + a.priority * windowMs - (b.enqueuedAt + b.priority * windowMs) ||
    a.priority - b.priority ||
    (a.path < b.path ? -1 : 1);

/** Suspect groups first (each alone), then the rest in sending order, each call filled to its cap. */
function batchesFor(kind: CallKind, items: QueuedPath[], slots: number, limits: Limits, suspects: string[][]): Batch[] {
  const size = Math.max(1, limits[kind].paths);
  const queued = new Set(items.map((q) => q.path));
  const groups = suspects.map((g) => g.filter((p) => queued.has(p))).filter((g) => g.length > 0);
  const held = new Set(groups.flat());
  const rest = items
    .filter((q) => !held.has(q.path))
    .sort(sendOrder(limits.windowMs))
    .map((q) => q.path);
  for (let i = 0; i < rest.length && groups.length < slots; i += size) groups.push(rest.slice(i, i + size));
  return groups.slice(0, slots).map((paths) => ({ kind, paths }));
}

/** A kind's queued paths minus the parked ones; with none left, the parked ones, each alone, once their retry is due. */
function sendable(items: QueuedPath[], parked: Parked | undefined, now: number) {
  const out = new Set(parked?.paths);
  const free = items.filter((q) => !out.has(q.path));
  if (free.length > 0 || !parked || items.length === 0) return { items: free, alone: false };
  return parked.retryAt <= now ? { items, alone: true } : { items: [], alone: true, retryAt: parked.retryAt };
}

export function plan(input: PlanInput): Plan {
  const { queue, calls, limits, now, blockedUntil, suspects = {}, parked = {} } = input;
  const batches: Batch[] = [];
  let wakeAt: number | undefined;
  const wake = (at: number) => (wakeAt = Math.min(wakeAt ?? at, at));
  // A queued purge-all covers every other purge and would undo any prefetch: it goes alone (unless it is parked:
  // refused alone, it must not hold every other call while it waits for its retry).
  const allQueued = queue.some((q) => q.kind === 'all' && !parked.all?.paths.includes(q.path));
  for (const kind of KIND_ORDER) {
    if (allQueued && kind !== 'all') break;
    let items = queue.filter((q) => q.kind === kind);
    if (kind === 'prefetch') {
      for (const q of items) if (q.notBefore != null && q.notBefore > now) wake(q.notBefore);
      items = items.filter((q) => q.notBefore != null && q.notBefore <= now);
    }
    const due = sendable(items, parked[kind], now);
    if (due.retryAt !== undefined) wake(due.retryAt);
    items = due.items;
    if (items.length === 0) continue;
    const blocked = blockedUntil[kind] ?? 0;
    const { available } = windowState(calls, kind, limits, now);
    const groups = due.alone ? items.map((q) => [q.path]) : (suspects[kind] ?? []);
    const sent = blocked > now ? [] : batchesFor(kind, items, available, limits, groups);
    batches.push(...sent);
    if (items.length > sent.reduce((n, b) => n + b.paths.length, 0)) {
      const after = [...calls, ...sent.map(() => ({ kind, at: now }))];
      wake(Math.max(windowState(after, kind, limits, now).nextSlotAt, blocked));
    }
  }
  return { batches, wakeAt };
}

/** Exponential backoff with full jitter, capped: attempt 1 waits between `baseMs / 2` and `baseMs`. */
export function backoffDelay(attempt: number, random: number, baseMs = 2_000, capMs = 300_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(Math.min(baseMs, capMs) / 2, Math.round(ceiling * random));
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now; undefined if absent. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
