// Calls and purged paths per minute from a scheduler's call log, for the console's chart.
import { CALL_LOG_MS } from './queue-store';

export interface TimelineBucket {
  /** Start of the bucket (ms since the epoch). */
  at: number;
  calls: number;
  /** Calls Gotipath did not answer with 2xx (429s, errors, timeouts). */
  failed: number;
  /** Paths in successful purge calls (prefetches not counted). */
  paths: number;
}

export interface Timeline {
  bucketMs: number;
  buckets: TimelineBucket[];
}

/** Fills the buckets from `from` to `to` that have no calls with zeros. Pure. */
export function fillBuckets(rows: readonly TimelineBucket[], from: number, to: number, bucketMs: number): TimelineBucket[] {
  const byStart = new Map(rows.map((r) => [r.at, r]));
  const out: TimelineBucket[] = [];
  for (let at = Math.floor(from / bucketMs) * bucketMs; at <= to; at += bucketMs) {
    out.push(byStart.get(at) ?? { at, calls: 0, failed: 0, paths: 0 });
  }
  return out;
}

/** The scheduler's call log (kept for CALL_LOG_MS) bucketed by `bucketMs`, oldest first. */
export function callTimeline(sql: SqlStorage, now: number, bucketMs = 60_000): Timeline {
  const from = now - CALL_LOG_MS + bucketMs;
  const rows = sql
    .exec<{ bucket: number; calls: number; failed: number; paths: number }>(
      `SELECT CAST(at / ? AS INTEGER) * ? AS bucket, count(*) AS calls,
              sum(status NOT BETWEEN 200 AND 299) AS failed,
              sum(CASE WHEN status BETWEEN 200 AND 299 AND kind != 'prefetch' THEN paths ELSE 0 END) AS paths
         FROM calls WHERE at >= ? GROUP BY bucket ORDER BY bucket`,
      bucketMs,
      bucketMs,
      Math.floor(from / bucketMs) * bucketMs,
    )
    .toArray()
    .map(({ bucket, ...counts }) => ({ at: bucket, ...counts }));
  return { bucketMs, buckets: fillBuckets(rows, from, now, bucketMs) };
}
