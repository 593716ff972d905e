// The Notifier's durable queue in its SQLite: messages (a group of events for one destination), every attempt,
// the keys seen (de-duplication) and the changes remembered for messages and status pages.
import type { ChangeNote } from './change';
import type { AnyEvent } from './events';
import { EVENTS_PER_MESSAGE } from './standard-webhooks';

/** How long an event key is remembered: the same event posted again within it is sent once. */
export const DEDUPE_MS = 86_400_000;
/** Attempts kept per destination for the console. */
export const ATTEMPTS_KEPT = 200;
/** Changes kept (the status page reads them as long as a link may live). */
export const CHANGES_KEPT = 50_000;

export type MessageState = 'pending' | 'sent' | 'failed';

export interface Message {
  id: string;
  destination: string;
  type: string;
  events: AnyEvent[];
  count: number;
  createdAt: number;
  dueAt: number;
  attempts: number;
  state: MessageState;
}

export interface Attempt {
  at: number;
  destination: string;
  message: string;
  type: string;
  /** Events the message carried. */
  count: number;
  attempt: number;
  /** The receiver's HTTP status; 0 when none came (timeout, network error, refused before sending). */
  status: number;
  outcome: 'sent' | 'retry' | 'failed';
  error?: string;
  durationMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  id TEXT PRIMARY KEY, destination TEXT NOT NULL, group_key TEXT NOT NULL, type TEXT NOT NULL, events TEXT NOT NULL,
  count INTEGER NOT NULL, created_at INTEGER NOT NULL, due_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX IF NOT EXISTS messages_due ON messages (state, due_at);
CREATE INDEX IF NOT EXISTS messages_group ON messages (destination, group_key, state);
CREATE TABLE IF NOT EXISTS attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, destination TEXT NOT NULL, message TEXT NOT NULL,
  type TEXT NOT NULL, count INTEGER NOT NULL, attempt INTEGER NOT NULL, status INTEGER NOT NULL, outcome TEXT NOT NULL,
  error TEXT, duration_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_destination ON attempts (destination, at);
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (event_id TEXT PRIMARY KEY, note TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS changes_at ON changes (at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

type Row = Record<string, SqlStorageValue>;
const toMessage = (r: Row): Message => ({
  id: String(r.id),
  destination: String(r.destination),
  type: String(r.type),
  events: JSON.parse(String(r.events)) as AnyEvent[],
  count: Number(r.count),
  createdAt: Number(r.created_at),
  dueAt: Number(r.due_at),
  attempts: Number(r.attempts),
  state: r.state as MessageState,
});

export class Outbox {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** True the first time a key is seen within DEDUPE_MS (and remembers it). */
  firstSighting(key: string, now: number): boolean {
    const row = this.sql.exec<{ at: number }>(`SELECT at FROM seen WHERE key = ?`, key).toArray()[0];
    if (row && row.at > now - DEDUPE_MS) return false;
    this.sql.exec(`INSERT OR REPLACE INTO seen (key, at) VALUES (?, ?)`, key, now);
    return true;
  }

  /** Adds an event to the destination's open group (not tried yet) or opens one due `dueAt`. */
  add(destination: string, group: string, event: AnyEvent, id: () => string, now: number, dueAt: number): void {
    const open = this.sql
      .exec<Row>(
        `SELECT * FROM messages WHERE destination = ? AND group_key = ? AND state = 'pending' AND attempts = 0 LIMIT 1`,
        destination,
        group,
      )
      .toArray()[0];
    if (!open) {
      this.sql.exec(
        `INSERT INTO messages (id, destination, group_key, type, events, count, created_at, due_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
        id(),
        destination,
        group,
        event.type,
        JSON.stringify([event]),
        now,
        dueAt,
      );
      return;
    }
    const message = toMessage(open);
    // The first events are listed; `count` says how many the group holds in all.
    const events = message.events.length < EVENTS_PER_MESSAGE ? [...message.events, event] : message.events;
    this.sql.exec(`UPDATE messages SET events = ?, count = count + 1 WHERE id = ?`, JSON.stringify(events), message.id);
  }

  /** Pending messages due by `now`, oldest first. */
  due(now: number, limit = 200): Message[] {
    return this.sql
      .exec<Row>(`SELECT * FROM messages WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, created_at LIMIT ?`, now, limit)
      .toArray()
      .map(toMessage);
  }

  /** When the next pending message is due, if any. */
  nextDue(): number | undefined {
    const row = this.sql.exec<{ at: number | null }>(`SELECT min(due_at) AS at FROM messages WHERE state = 'pending'`).one();
    return row.at ?? undefined;
  }

  get(id: string): Message | undefined {
    const row = this.sql.exec<Row>(`SELECT * FROM messages WHERE id = ?`, id).toArray()[0];
    return row && toMessage(row);
  }

  /** Records an attempt and moves the message on: sent, failed, or due again at `retryAt`. */
  record(attempt: Attempt, retryAt?: number): void {
    const a = attempt;
    this.sql.exec(
      `INSERT INTO attempts (at, destination, message, type, count, attempt, status, outcome, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      a.at,
      a.destination,
      a.message,
      a.type,
      a.count,
      a.attempt,
      a.status,
      a.outcome,
      a.error ?? null,
      a.durationMs,
    );
    const state = a.outcome === 'retry' ? 'pending' : a.outcome;
    this.sql.exec(
      `UPDATE messages SET attempts = ?, state = ?, due_at = ? WHERE id = ?`,
      a.attempt,
      state,
      retryAt ?? a.at,
      a.message,
    );
  }

  /** Postpones a message without an attempt (the destination's rate is used up). */
  postpone(id: string, dueAt: number): void {
    this.sql.exec(`UPDATE messages SET due_at = ? WHERE id = ?`, dueAt, id);
  }

  /** Times of a destination's attempts since `since`, oldest first (its rate). */
  attemptTimes(destination: string, since: number): number[] {
    return this.sql
      .exec<{ at: number }>(`SELECT at FROM attempts WHERE destination = ? AND at > ? ORDER BY at`, destination, since)
      .toArray()
      .map((r) => r.at);
  }

  /** A destination's latest attempts, newest first. */
  attempts(destination: string, limit = 50): Attempt[] {
    return this.sql
      .exec<Row>(`SELECT * FROM attempts WHERE destination = ? ORDER BY seq DESC LIMIT ?`, destination, limit)
      .toArray()
      .map((r) => ({
        at: Number(r.at),
        destination: String(r.destination),
        message: String(r.message),
        type: String(r.type),
        count: Number(r.count),
        attempt: Number(r.attempt),
        status: Number(r.status),
        outcome: r.outcome as Attempt['outcome'],
        ...(r.error !== null && { error: String(r.error) }),
        durationMs: Number(r.duration_ms),
      }));
  }

  /** Messages per destination and state (the console's counts). */
  counts(): { destination: string; state: MessageState; messages: number }[] {
    return this.sql
      .exec<{ destination: string; state: MessageState; messages: number }>(
        `SELECT destination, state, count(*) AS messages FROM messages GROUP BY destination, state`,
      )
      .toArray();
  }

  rememberChange(note: ChangeNote): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO changes (event_id, note, at) VALUES (?, ?, ?)`,
      note.eventId,
      JSON.stringify(note),
      note.at,
    );
  }

  change(eventId: string): ChangeNote | undefined {
    const row = this.sql.exec<{ note: string }>(`SELECT note FROM changes WHERE event_id = ?`, eventId).toArray()[0];
    return row ? (JSON.parse(row.note) as ChangeNote) : undefined;
  }

  getMeta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0]?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, key, value);
  }

  /** Drops what is no longer needed: old seen keys, finished messages, attempts past the kept number, old changes. */
  prune(now: number, changesKeepMs: number): void {
    this.sql.exec(`DELETE FROM seen WHERE at < ?`, now - DEDUPE_MS);
    this.sql.exec(`DELETE FROM messages WHERE state <> 'pending' AND due_at < ?`, now - DEDUPE_MS);
    this.sql.exec(
      `DELETE FROM attempts WHERE seq IN (SELECT seq FROM (SELECT seq, row_number() OVER (PARTITION BY destination ORDER BY seq DESC) AS n FROM attempts) WHERE n > ?)`,
      ATTEMPTS_KEPT,
    );
    this.sql.exec(`DELETE FROM changes WHERE at < ?`, now - changesKeepMs);
    this.sql.exec(
      `DELETE FROM changes WHERE event_id IN (SELECT event_id FROM changes ORDER BY at DESC LIMIT -1 OFFSET ?)`,
      CHANGES_KEPT,
    );
  }
}
