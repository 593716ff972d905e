// The scheduler's durable state in the Durable Object's SQLite: queued paths, the call log, dead letters.
import type { CallKind } from '../rules/schema';
import type { CallRecord, QueuedPath } from './planner';

export interface EnqueueItem {
  path: string;
  kind: CallKind;
  priority: number;
}

export interface DeadLetter {
  kind: CallKind;
  path: string;
  status: number;
  message: string;
  at: number;
}

/** How long the call log is kept: long enough for any rate window and the hourly figures. */
export const CALL_LOG_MS = 3_600_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue (
  kind TEXT NOT NULL, path TEXT NOT NULL, priority INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, event_id TEXT,
  PRIMARY KEY (kind, path)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS queue_order ON queue (kind, priority, enqueued_at);
CREATE TABLE IF NOT EXISTS calls (
  at INTEGER NOT NULL, kind TEXT NOT NULL, status INTEGER NOT NULL, paths INTEGER NOT NULL, message TEXT
);
CREATE INDEX IF NOT EXISTS calls_at ON calls (at);
CREATE TABLE IF NOT EXISTS dead_letters (
  kind TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL, message TEXT NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (kind, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

export class QueueStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** Adds paths; a path already queued keeps its place and takes the higher priority. */
  enqueue(items: readonly EnqueueItem[], eventId: string, now: number): void {
    for (const item of items) {
      this.sql.exec(
        `INSERT INTO queue (kind, path, priority, enqueued_at, updated_at, event_id) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, path) DO UPDATE SET priority = min(priority, excluded.priority), updated_at = excluded.updated_at`,
        item.kind, item.path, item.priority, now, now, eventId,
      );
    }
  }

  /** The queue in sending order, at most `limit` rows per kind. */
  queued(limit: number): QueuedPath[] {
    return this.sql
      .exec<{ kind: CallKind; path: string; priority: number; enqueued_at: number }>(
        `SELECT kind, path, priority, enqueued_at FROM (
           SELECT *, row_number() OVER (PARTITION BY kind ORDER BY priority, enqueued_at, path) AS n FROM queue
         ) WHERE n <= ?`,
        limit,
      )
      .toArray()
      .map((r) => ({ kind: r.kind, path: r.path, priority: r.priority, enqueuedAt: r.enqueued_at }));
  }

  /** Removes paths that were sent, unless they were queued again after the call began. */
  complete(kind: CallKind, paths: readonly string[], sentAt: number): void {
    if (kind === 'all') {
      // A purge-all covers every purge queued before it was sent.
      this.sql.exec(`DELETE FROM queue WHERE kind IN ('all', 'url', 'pattern') AND updated_at <= ?`, sentAt);
      return;
    }
    for (const path of paths) {
      this.sql.exec(`DELETE FROM queue WHERE kind = ? AND path = ? AND updated_at <= ?`, kind, path, sentAt);
    }
  }

  deadLetter(kind: CallKind, paths: readonly string[], status: number, message: string, now: number): void {
    for (const path of paths) {
      this.sql.exec(`DELETE FROM queue WHERE kind = ? AND path = ?`, kind, path);
      this.sql.exec(
        `INSERT OR REPLACE INTO dead_letters (kind, path, status, message, at) VALUES (?, ?, ?, ?, ?)`,
        kind, path, status, message, now,
      );
    }
  }

  deadLetters(): DeadLetter[] {
    return this.sql.exec<DeadLetter & Record<string, SqlStorageValue>>(`SELECT kind, path, status, message, at FROM dead_letters ORDER BY at`).toArray();
  }

  recordCall(kind: CallKind, status: number, paths: number, message: string | undefined, at: number): void {
    this.sql.exec(`INSERT INTO calls (at, kind, status, paths, message) VALUES (?, ?, ?, ?, ?)`, at, kind, status, paths, message ?? null);
    this.sql.exec(`DELETE FROM calls WHERE at < ?`, at - CALL_LOG_MS);
  }

  calls(since: number): (CallRecord & { status: number; paths: number })[] {
    return this.sql
      .exec<{ at: number; kind: CallKind; status: number; paths: number }>(`SELECT at, kind, status, paths FROM calls WHERE at >= ? ORDER BY at`, since)
      .toArray();
  }

  counts(): { kind: CallKind; pending: number; oldest: number }[] {
    return this.sql
      .exec<{ kind: CallKind; pending: number; oldest: number }>(`SELECT kind, count(*) AS pending, min(enqueued_at) AS oldest FROM queue GROUP BY kind`)
      .toArray();
  }

  getMeta<T>(key: string): T | undefined {
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setMeta(key: string, value: unknown): void {
    this.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, key, JSON.stringify(value));
  }
}
