// The scheduler's call log: every Gotipath call (and warming GET) with its kind, answer and size, kept for
// CALL_LOG_MS. The rate windows, the status and the console's chart all read it here (SQLite I/O).
import type { CallKind } from '../rules/schema';
import type { CallRecord } from './planner';

/** How long the call log is kept: long enough for any rate window and the hourly figures. */
export const CALL_LOG_MS = 3_600_000;

export const CALL_LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS calls (
  at INTEGER NOT NULL, kind TEXT NOT NULL, status INTEGER NOT NULL, paths INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_at ON calls (at);
`;

export type LoggedCall = CallRecord & { status: number; paths: number };

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

export class CallLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(CALL_LOG_SCHEMA);
  }

  /** A call and its answer (status 0: none came), counted in the rate window from `at`. */
  record(kind: CallKind, status: number, paths: number, at: number): void {
    this.sql.exec(`INSERT INTO calls (at, kind, status, paths) VALUES (?, ?, ?, ?)`, at, kind, status, paths);
    this.sql.exec(`DELETE FROM calls WHERE at < ?`, at - CALL_LOG_MS);
  }

  /**
   * Counts a call before it is sent, as a call with no answer (status 0) made at `at`: if the Durable
   * Object is evicted or crashes before the answer, the rate window still holds the call Gotipath may have
   * accepted. Returns the row to drop once the real answer is recorded.
   */
  begin(kind: CallKind, paths: number, at: number): number {
    const row = this.sql.exec<{ id: number }>(
      `INSERT INTO calls (at, kind, status, paths) VALUES (?, ?, 0, ?) RETURNING rowid AS id`,
      at,
      kind,
      paths,
    );
    return row.one().id;
  }

  end(id: number): void {
    this.sql.exec(`DELETE FROM calls WHERE rowid = ?`, id);
  }

  /** The calls made since `since`, oldest first. */
  since(since: number): LoggedCall[] {
    return this.sql
      .exec<{ at: number; kind: CallKind; status: number; paths: number }>(
        `SELECT at, kind, status, paths FROM calls WHERE at >= ? ORDER BY at`,
        since,
      )
      .toArray();
  }

  /** The log bucketed by `bucketMs` over the time it is kept, oldest first. */
  timeline(now: number, bucketMs = 60_000): Timeline {
    const from = now - CALL_LOG_MS + bucketMs;
    const rows = this.sql
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
}
