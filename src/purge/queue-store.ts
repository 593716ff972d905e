// The scheduler's durable state in the Durable Object's SQLite: queued paths, dead letters, escalations and
// meta, with the ledger and the call log (each in its own module).
import type { CallKind } from '../rules/schema';
import { CallLog } from './call-log';
import type { Escalation } from './escalate';
import { LEDGER_SCHEMA, Ledger } from './ledger';
import type { Batch, QueuedPath } from './planner';

export interface EnqueueItem {
  path: string;
  kind: CallKind;
  priority: number;
  /** The rule (or `manual`, `schedule:<id>`) that asked for this path, for the ledger. */
  ruleId?: string;
  /** The event's verification marker for a URL path (freshness/), checked once the purge is accepted. */
  marker?: string;
}

/** A queued row as a purge call found it: who asked, when, and the marker its check will seek. */
export interface QueuedOrigin {
  kind: CallKind;
  path: string;
  event: string | null;
  marker: string | null;
  /** When the latest event asked for the path. */
  queuedAt: number;
  /** The pattern a URL path was folded into. */
  cover: string | null;
}

export interface DeadLetter {
  kind: CallKind;
  path: string;
  status: number;
  message: string;
  at: number;
  event: string | null;
  rule: string | null;
}

/** How many escalations are kept for the status. */
export const ESCALATIONS_KEPT = 100;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue (
  kind TEXT NOT NULL, path TEXT NOT NULL, priority INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, event TEXT, rule TEXT, attempts INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER, cover TEXT, marker TEXT,
  PRIMARY KEY (kind, path)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS queue_order ON queue (kind, priority, enqueued_at);
CREATE TABLE IF NOT EXISTS dead_letters (
  kind TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL, message TEXT NOT NULL, at INTEGER NOT NULL,
  event TEXT, rule TEXT, priority INTEGER NOT NULL, PRIMARY KEY (kind, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS escalations (at INTEGER NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL, paths INTEGER NOT NULL, patterns TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
${LEDGER_SCHEMA}`;

// Rows of `queue` named by a JSON list of paths (one statement per batch, not per path).
const IN_BATCH = `kind = ?1 AND path IN (SELECT value FROM json_each(?2))`;
// What a successful call of kind ?3 with paths ?2 sent at ?1 covers: URL paths folded into those patterns, or every purge.
const COVERED = `updated_at <= ?1 AND (?3 = 'pattern' AND kind = 'url' AND cover IN (SELECT value FROM json_each(?2)) OR ?3 = 'all' AND kind IN ('url', 'pattern'))`;

export class QueueStore {
  readonly ledger: Ledger;
  readonly callLog: CallLog;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    // Queues made before verification lack the marker column.
    const columns = sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info('queue')`).toArray();
    if (!columns.some((c) => c.name === 'marker')) sql.exec(`ALTER TABLE queue ADD COLUMN marker TEXT`);
    this.ledger = new Ledger(sql);
    this.callLog = new CallLog(sql);
  }

  /**
   * Adds paths; a path already queued keeps its place, takes the higher priority and waits for a fresh call (with
   * the newest event's marker). `step`: the ledger row, `repurged` for a page verification (or the gate) purges
   * again, `released` for a path the origin work held until now.
   */
  enqueue(
    items: readonly EnqueueItem[],
    eventId: string,
    now: number,
    detail?: string,
    step: 'queued' | 'repurged' | 'released' = 'queued',
  ): void {
    for (const item of items) {
      this.sql.exec(
        `INSERT INTO queue (kind, path, priority, enqueued_at, updated_at, event, rule, marker) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, path) DO UPDATE SET priority = min(priority, excluded.priority),
           updated_at = excluded.updated_at, cover = NULL, not_before = NULL, marker = excluded.marker`,
        item.kind,
        item.path,
        item.priority,
        now,
        now,
        eventId,
        item.ruleId ?? null,
        item.marker ?? null,
      );
      this.ledger.note({ at: now, step, kind: item.kind, path: item.path, event: eventId, rule: item.ruleId, detail });
    }
  }

  /** The rows a call of this batch purges: its own paths, and the URL paths a pattern or purge-all covers. */
  origins(batch: Batch, limit = 2_000): QueuedOrigin[] {
    return this.sql
      .exec<{
        kind: CallKind;
        path: string;
        event: string | null;
        marker: string | null;
        updated_at: number;
        cover: string | null;
      }>(
        `SELECT kind, path, event, marker, updated_at, cover FROM queue
         WHERE ${IN_BATCH} OR (?1 = 'pattern' AND kind = 'url' AND cover IN (SELECT value FROM json_each(?2)))
           OR (?1 = 'all' AND kind = 'url') LIMIT ?3`,
        batch.kind,
        JSON.stringify(batch.paths),
        limit,
      )
      .toArray()
      .map((r) => ({ kind: r.kind, path: r.path, event: r.event, marker: r.marker, queuedAt: r.updated_at, cover: r.cover }));
  }

  /** The queue in sending order (planner.ts `sendOrder`), at most `limit` rows per kind; URL paths folded into a pattern are left out. */
  queued(limit: number, windowMs: number): QueuedPath[] {
    return this.sql
      .exec<{ kind: CallKind; path: string; priority: number; enqueued_at: number; not_before: number | null }>(
        `SELECT kind, path, priority, enqueued_at, not_before FROM (
           SELECT *, row_number() OVER (PARTITION BY kind ORDER BY enqueued_at + priority * ?2, priority, path) AS n
           FROM queue WHERE cover IS NULL
         ) WHERE n <= ?1`,
        limit,
        windowMs,
      )
      .toArray()
      .map((r) => ({ kind: r.kind, path: r.path, priority: r.priority, enqueuedAt: r.enqueued_at, notBefore: r.not_before }));
  }

  /**
   * A prefetch waits (not_before NULL) while a purge that covers its path is queued; once none is,
   * it may go at `at` (the purge's success plus the warming delay).
   */
  releasePrefetch(at: number): void {
    this.sql.exec(
      `UPDATE queue SET not_before = ? WHERE kind = 'prefetch' AND not_before IS NULL AND NOT EXISTS (
         SELECT 1 FROM queue q WHERE q.kind = 'all' OR (q.kind = 'url' AND q.path = queue.path)
           OR (q.kind = 'pattern' AND queue.path GLOB q.path))`,
      at,
    );
  }

  /** Notes a call (or a warming GET) of these paths in the ledger and counts the attempt. */
  attempt(batch: Batch, id: number, status: number, message: string | undefined, sentAt: number): void {
    const paths = JSON.stringify(batch.paths);
    this.sql.exec(`UPDATE queue SET attempts = attempts + 1 WHERE ${IN_BATCH}`, batch.kind, paths);
    this.sql.exec(
      `INSERT INTO ledger (at, step, kind, path, rule, batch, status, attempt, detail, event)
       SELECT ?3, 'call', kind, path, rule, ?4, ?5, attempts, ?6, event FROM queue WHERE ${IN_BATCH}`,
      batch.kind,
      paths,
      sentAt,
      id,
      status,
      message ?? null,
    );
  }

  /** Removes paths that were sent, unless queued again after the call began; notes what a pattern or purge-all covered. */
  complete(batch: Batch, id: number, sentAt: number, now: number): void {
    const paths = JSON.stringify(batch.paths);
    if (batch.kind === 'all' || batch.kind === 'pattern') {
      this.sql.exec(
        `INSERT INTO ledger (at, step, kind, path, rule, batch, detail) SELECT ?4, 'covered', kind, path, rule, ?5, iif(?3 = 'all', 'all', cover) FROM queue WHERE ${COVERED}`,
        sentAt,
        paths,
        batch.kind,
        now,
        id,
      );
      this.sql.exec(`DELETE FROM queue WHERE ${COVERED}`, sentAt, paths, batch.kind);
    }
    this.sql.exec(`DELETE FROM queue WHERE ${IN_BATCH} AND updated_at <= ?3`, batch.kind, paths, sentAt);
  }

  /** Records an escalation and queues what it decided: patterns covering the folded URL paths, or a purge-all. */
  escalate(escalation: Escalation, priorityOf: (path: string) => number, now: number): void {
    const { action, reason, groups } = escalation;
    this.recordEscalation(
      action,
      reason,
      escalation.paths,
      groups.map((g) => g.pattern),
      now,
    );
    if (action === 'all') this.enqueue([{ kind: 'all', path: '', priority: 0, ruleId: 'escalation' }], 'escalation', now, reason);
    for (const { pattern, paths } of groups) {
      // The URL paths leave the queue only when the pattern call succeeds (see complete and deadLetter).
      this.enqueue(
        [{ kind: 'pattern', path: pattern, priority: Math.min(...paths.map(priorityOf)), ruleId: 'escalation' }],
        'escalation',
        now,
        reason,
      );
      this.sql.exec(
        `UPDATE queue SET cover = ?1 WHERE kind = 'url' AND path IN (SELECT value FROM json_each(?2))`,
        pattern,
        JSON.stringify(paths),
      );
      this.sql.exec(
        `INSERT INTO ledger (at, step, kind, path, rule, detail) SELECT ?1, 'folded', kind, path, rule, cover FROM queue WHERE kind = 'url' AND cover = ?2`,
        now,
        pattern,
      );
    }
  }

  /** Notes an escalation for the status (the last ESCALATIONS_KEPT are kept). */
  recordEscalation(action: string, reason: string, paths: number, patterns: readonly string[], now: number): void {
    this.sql.exec(
      `INSERT INTO escalations (at, action, reason, paths, patterns) VALUES (?, ?, ?, ?, ?)`,
      now,
      action,
      reason,
      paths,
      JSON.stringify(patterns),
    );
    this.sql.exec(`DELETE FROM escalations WHERE rowid <= (SELECT max(rowid) FROM escalations) - ?`, ESCALATIONS_KEPT);
  }

  /** The most recent escalations, newest first. */
  escalations(limit: number): { at: number; action: string; reason: string; paths: number; patterns: string[] }[] {
    return this.sql
      .exec<{ at: number; action: string; reason: string; paths: number; patterns: string }>(
        `SELECT at, action, reason, paths, patterns FROM escalations ORDER BY rowid DESC LIMIT ?`,
        limit,
      )
      .toArray()
      .map((e) => ({ ...e, patterns: JSON.parse(e.patterns) as string[] }));
  }

  /** Moves rejected paths to the dead letters; URL paths folded into a rejected pattern go back to URL purges. */
  deadLetter(batch: Batch, status: number, message: string, now: number): void {
    const paths = JSON.stringify(batch.paths);
    this.sql.exec(
      `INSERT OR REPLACE INTO dead_letters (kind, path, status, message, at, event, rule, priority)
       SELECT kind, path, ?3, ?4, ?5, event, rule, priority FROM queue WHERE ${IN_BATCH}`,
      batch.kind,
      paths,
      status,
      message,
      now,
    );
    this.sql.exec(
      `INSERT INTO ledger (at, step, kind, path, rule, status, detail) SELECT ?3, 'dead', kind, path, rule, ?4, ?5 FROM queue WHERE ${IN_BATCH}`,
      batch.kind,
      paths,
      now,
      status,
      message,
    );
    this.sql.exec(`DELETE FROM queue WHERE ${IN_BATCH}`, batch.kind, paths);
    if (batch.kind !== 'pattern') return;
    this.sql.exec(
      `INSERT INTO ledger (at, step, kind, path, rule, detail) SELECT ?1, 'unfolded', kind, path, rule, cover FROM queue WHERE cover IN (SELECT value FROM json_each(?2))`,
      now,
      paths,
    );
    this.sql.exec(`UPDATE queue SET cover = NULL WHERE cover IN (SELECT value FROM json_each(?))`, paths);
  }

  deadLetters(): DeadLetter[] {
    return this.sql
      .exec<DeadLetter & Record<string, SqlStorageValue>>(
        `SELECT kind, path, status, message, at, event, rule FROM dead_letters ORDER BY at`,
      )
      .toArray();
  }

  /** Queues dead letters again (`retry`) or forgets them; `paths` undefined means all. Returns how many. */
  resolveDeadLetters(action: 'retry' | 'drop', paths: readonly string[] | undefined, now: number): number {
    const chosen = this.sql
      .exec<{ kind: CallKind; path: string; event: string | null; rule: string | null; priority: number }>(
        `SELECT kind, path, event, rule, priority FROM dead_letters WHERE ?1 IS NULL OR path IN (SELECT value FROM json_each(?1))`,
        paths ? JSON.stringify(paths) : null,
      )
      .toArray();
    for (const d of chosen) {
      this.sql.exec(`DELETE FROM dead_letters WHERE kind = ? AND path = ?`, d.kind, d.path);
      if (action === 'retry')
        this.enqueue(
          [{ kind: d.kind, path: d.path, priority: d.priority, ruleId: d.rule ?? undefined }],
          d.event ?? 'retry',
          now,
        );
      this.ledger.note({
        at: now,
        step: action === 'retry' ? 'retried' : 'dropped',
        kind: d.kind,
        path: d.path,
        rule: d.rule ?? undefined,
      });
    }
    return chosen.length;
  }

  /** Whether a path of a kind is queued. */
  isQueued(kind: CallKind, path: string): boolean {
    return this.sql.exec(`SELECT 1 FROM queue WHERE kind = ? AND path = ?`, kind, path).toArray().length > 0;
  }

  counts(): { kind: CallKind; pending: number; folded: number; oldest: number }[] {
    return this.sql
      .exec<{ kind: CallKind; pending: number; folded: number; oldest: number }>(
        `SELECT kind, count(*) AS pending, count(cover) AS folded, min(enqueued_at) AS oldest FROM queue GROUP BY kind`,
      )
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
