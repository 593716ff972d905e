// The freshness part of a scheduler's status: verdicts, re-purges and publish → live over the last hour.
import type { CheckStore } from './checks';

export const FRESHNESS_WINDOW_MS = 3_600_000;
/** Pages whose publish → live time is measured at most (the most recent first). */
const LIVE_SAMPLE = 5_000;

export interface FreshnessStatus {
  windowMs: number;
  /** Pages whose latest check in the window said so. */
  fresh: number;
  stale: number;
  gone: number;
  unknown: number;
  /** Pages given up on after the last re-purge, in the window. */
  stuck: number;
  /** Purges sent again because a page stayed stale, in the window. */
  repurges: number;
  /** Pages waiting for a check, or for a purge sent again to be accepted. */
  pending: number;
  /** From the event's webhook to the first `fresh` check of the page, over the window. */
  liveP50Ms?: number;
  liveP95Ms?: number;
}

/** The p-th percentile (nearest rank) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Reads the ledger's rows of verification (ledger.ts) and the pending checks. */
export function freshnessStatus(sql: SqlStorage, checks: CheckStore, now: number): FreshnessStatus {
  const since = now - FRESHNESS_WINDOW_MS;
  const latest = sql
    .exec<{ detail: string; n: number }>(
      `SELECT detail, count(*) AS n FROM (
         SELECT path, detail, max(at) FROM ledger WHERE step = 'checked' AND at >= ? GROUP BY path
       ) GROUP BY detail`,
      since,
    )
    .toArray();
  const steps = sql
    .exec<{ step: string; n: number }>(
      `SELECT step, count(*) AS n FROM (
         SELECT step, path FROM ledger WHERE step = 'repurged' AND at >= ?1
         UNION ALL SELECT DISTINCT step, path FROM ledger WHERE step = 'stuck' AND at >= ?1
       ) GROUP BY step`,
      since,
    )
    .toArray();
  const live = sql
    .exec<{ ms: number | null }>(
      `SELECT min(f.at) - (SELECT min(q.at) FROM ledger q WHERE q.event = f.event AND q.step = 'queued' AND q.path = f.path) AS ms
       FROM ledger f WHERE f.step = 'checked' AND f.detail = 'fresh' AND f.at >= ? AND f.event IS NOT NULL
       GROUP BY f.event, f.path ORDER BY min(f.at) DESC LIMIT ?`,
      since,
      LIVE_SAMPLE,
    )
    .toArray()
    .map((r) => r.ms)
    .filter((ms): ms is number => ms !== null && ms >= 0)
    .sort((a, b) => a - b);
  const count = (verdict: string) => latest.find((r) => r.detail === verdict)?.n ?? 0;
  const pending = checks.pending();
  const p50 = percentile(live, 50);
  const p95 = percentile(live, 95);
  return {
    windowMs: FRESHNESS_WINDOW_MS,
    fresh: count('fresh'),
    stale: count('stale'),
    gone: count('gone'),
    unknown: count('unknown'),
    stuck: steps.find((s) => s.step === 'stuck')?.n ?? 0,
    repurges: steps.find((s) => s.step === 'repurged')?.n ?? 0,
    pending: pending.due + pending.repurging,
    ...(p50 !== undefined && { liveP50Ms: p50 }),
    ...(p95 !== undefined && { liveP95Ms: p95 }),
  };
}
