// The ledger: what happened to each path (queued → call → done, folded, covered, dead), bounded in time and size.
import type { CallKind } from '../rules/schema';

/** Ledger rows older than this are dropped (3 days). */
export const LEDGER_KEEP_MS = 3 * 86_400_000;
/** At most this many rows are kept per distribution; the oldest go first. */
export const LEDGER_MAX_ROWS = 50_000;

export type LedgerStep = 'queued' | 'call' | 'folded' | 'unfolded' | 'covered' | 'dead' | 'retried' | 'dropped';

export interface LedgerEntry {
  at: number;
  step: LedgerStep;
  kind: CallKind;
  path: string;
  rule?: string;
  batch?: number;
  status?: number;
  attempt?: number;
  detail?: string;
}

export interface PathJourney {
  kind: CallKind;
  path: string;
  rule: string | null;
  steps: LedgerEntry[];
}

/** One Gotipath call (or round of warming GETs) as the ledger saw it: its paths and the events that queued them. */
export interface LedgerCall {
  batch: number;
  at: number;
  kind: CallKind;
  status: number;
  attempt: number;
  detail?: string;
  paths: string[];
  events: string[];
}

export interface CallQuery {
  since: number;
  limit: number;
  /** `ok`: answered 2xx; `failed`: anything else. */
  status?: 'ok' | 'failed';
  /** Only calls that carried a path containing this text. */
  path?: string;
}

export const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger (
  at INTEGER NOT NULL, event TEXT, rule TEXT, kind TEXT NOT NULL, path TEXT NOT NULL, step TEXT NOT NULL,
  batch INTEGER, status INTEGER, attempt INTEGER, detail TEXT
);
CREATE INDEX IF NOT EXISTS ledger_event ON ledger (event) WHERE step = 'queued';
CREATE INDEX IF NOT EXISTS ledger_path ON ledger (kind, path, at);
CREATE INDEX IF NOT EXISTS ledger_at ON ledger (at);
`;

const COLUMNS = 'at, step, kind, path, rule, batch, status, attempt, detail';
type Row = Record<string, SqlStorageValue>;
// A call with a 2xx answer, a cover by a pattern or purge-all, a dead letter and a drop end a path's journey.
const ends = (e: LedgerEntry) =>
  ['covered', 'dead', 'dropped'].includes(e.step) || (e.step === 'call' && e.status! >= 200 && e.status! < 300);

const clean = (row: Row): LedgerEntry =>
  Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as unknown as LedgerEntry;

export class Ledger {
  constructor(private readonly sql: SqlStorage) {}

  note(entry: LedgerEntry & { event?: string }): void {
    this.sql.exec(
      `INSERT INTO ledger (${COLUMNS}, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      entry.at,
      entry.step,
      entry.kind,
      entry.path,
      entry.rule ?? null,
      entry.batch ?? null,
      entry.status ?? null,
      entry.attempt ?? null,
      entry.detail ?? null,
      entry.event ?? null,
    );
  }

  prune(now: number): void {
    this.sql.exec(`DELETE FROM ledger WHERE at < ?`, now - LEDGER_KEEP_MS);
    this.sql.exec(`DELETE FROM ledger WHERE rowid <= (SELECT max(rowid) FROM ledger) - ?`, LEDGER_MAX_ROWS);
  }

  /** The latest calls, newest first, each with all its paths and the events behind them (the Activity page, `tail`). */
  calls(query: CallQuery): LedgerCall[] {
    const status =
      query.status === 'ok'
        ? 'AND status BETWEEN 200 AND 299'
        : query.status === 'failed'
          ? 'AND NOT (status BETWEEN 200 AND 299)'
          : '';
    const rows = this.sql
      .exec<{
        batch: number;
        at: number;
        kind: CallKind;
        status: number;
        attempt: number;
        detail: string | null;
        paths: string;
        events: string;
      }>(
        `SELECT batch, min(at) AS at, kind, max(status) AS status, max(attempt) AS attempt, max(detail) AS detail,
           json_group_array(path) AS paths, json_group_array(DISTINCT event) FILTER (WHERE event IS NOT NULL) AS events
         FROM ledger WHERE step = 'call' AND at >= ?1 AND batch IS NOT NULL ${status}
         GROUP BY batch HAVING ?2 IS NULL OR sum(instr(path, ?2) > 0) > 0
         ORDER BY at DESC, batch DESC LIMIT ?3`,
        query.since,
        query.path ?? null,
        query.limit,
      )
      .toArray();
    return rows.map((r) => ({
      batch: r.batch,
      at: r.at,
      kind: r.kind,
      status: r.status,
      attempt: r.attempt,
      ...(r.detail !== null && { detail: r.detail }),
      paths: JSON.parse(r.paths) as string[],
      events: JSON.parse(r.events ?? '[]') as string[],
    }));
  }

  /** Each path an event queued, with everything that happened to it until its journey ended. */
  journey(eventId: string): PathJourney[] {
    const queued = this.sql
      .exec<{ kind: CallKind; path: string; rule: string | null; at: number }>(
        `SELECT kind, path, rule, at FROM ledger WHERE event = ? AND step = 'queued' ORDER BY at, rowid LIMIT 1000`,
        eventId,
      )
      .toArray();
    return queued.map((q) => ({ kind: q.kind, path: q.path, rule: q.rule, steps: this.follow(q.kind, q.path, q.at) }));
  }

  /** One path's rows from `since` to the end of its journey, with the pattern it was folded into. */
  private follow(kind: CallKind, path: string, since: number, depth = 0): LedgerEntry[] {
    const rows = this.sql
      .exec<Row>(
        `SELECT ${COLUMNS} FROM ledger WHERE kind = ? AND path = ? AND at >= ? ORDER BY at, rowid LIMIT 200`,
        kind,
        path,
        since,
      )
      .toArray()
      .map(clean);
    const steps: LedgerEntry[] = [];
    for (const row of rows) {
      if (row.step === 'queued' && steps.length > 0) continue;
      steps.push(row);
      if (row.step === 'folded' && row.detail && depth === 0)
        steps.push(...this.follow('pattern', row.detail, row.at, 1).filter((s) => s.step === 'call'));
      if (ends(row)) break;
    }
    return steps;
  }
}
