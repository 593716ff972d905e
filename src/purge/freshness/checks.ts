// Pending freshness checks in the scheduler's SQLite: one row per page, from an accepted purge to its verdict.

/** A page waiting for its next check (`due`), or for the purge verification sent again (`repurging`). */
export interface PendingCheck {
  path: string;
  /** The event whose purge this verifies (the ledger's `checked` rows carry it). */
  event: string | null;
  /** The event's marker, rendered when the path was queued. */
  marker: string | null;
  /** When the latest event asked for the path (publish → live is measured from it). */
  queuedAt: number | null;
  /** When the purge being verified was accepted. */
  purgedAt: number;
  /** Checks made since that purge. */
  attempt: number;
  /** Purges verification sent again for this page. */
  repurges: number;
  state: 'due' | 'repurging';
  due: number | null;
}

/** A page to verify once its purge is accepted. */
export interface CheckPage {
  path: string;
  event: string | null;
  marker: string | null;
  queuedAt: number | null;
}

/** A check whose purge was sent again but never accepted (dead-lettered, dropped) is forgotten after this. */
export const CHECK_KEEP_MS = 86_400_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checks (
  path TEXT PRIMARY KEY, event TEXT, marker TEXT, queued_at INTEGER, purged_at INTEGER NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0, repurges INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, due INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS checks_due ON checks (state, due);
`;

type Row = {
  path: string;
  event: string | null;
  marker: string | null;
  queued_at: number | null;
  purged_at: number;
  attempt: number;
  repurges: number;
  state: 'due' | 'repurging';
  due: number | null;
};

const fromRow = (r: Row): PendingCheck => ({
  path: r.path,
  event: r.event,
  marker: r.marker,
  queuedAt: r.queued_at,
  purgedAt: r.purged_at,
  attempt: r.attempt,
  repurges: r.repurges,
  state: r.state,
  due: r.due,
});

export class CheckStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /**
   * Schedules the first check of pages whose purge was accepted at `purgedAt`. A page purged again by verification
   * keeps its count of re-purges; a page a new event asked for starts over.
   */
  schedule(pages: readonly CheckPage[], purgedAt: number, due: number): void {
    for (const p of pages)
      this.sql.exec(
        `INSERT INTO checks (path, event, marker, queued_at, purged_at, attempt, repurges, state, due)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 'due', ?6)
         ON CONFLICT (path) DO UPDATE SET event = excluded.event, marker = excluded.marker,
           queued_at = coalesce(excluded.queued_at, queued_at), purged_at = excluded.purged_at, attempt = 0,
           repurges = iif(state = 'repurging', repurges, 0), state = 'due', due = excluded.due`,
        p.path,
        p.event,
        p.marker,
        p.queuedAt,
        purgedAt,
        due,
      );
  }

  /** Checks due at `now`, the longest waiting first. */
  due(now: number, limit: number): PendingCheck[] {
    return this.sql
      .exec<Row>(`SELECT * FROM checks WHERE state = 'due' AND due <= ? ORDER BY due LIMIT ?`, now, limit)
      .toArray()
      .map(fromRow);
  }

  get(path: string): PendingCheck | undefined {
    const row = this.sql.exec<Row>(`SELECT * FROM checks WHERE path = ?`, path).toArray()[0];
    return row && fromRow(row);
  }

  /** When the next check is due; undefined when none is waiting. */
  nextDue(): number | undefined {
    const row = this.sql.exec<{ due: number | null }>(`SELECT min(due) AS due FROM checks WHERE state = 'due'`).one();
    return row.due ?? undefined;
  }

  /** The next check after `attempt` checks, at `due`. */
  again(path: string, attempt: number, due: number): void {
    this.sql.exec(`UPDATE checks SET attempt = ?, due = ? WHERE path = ?`, attempt, due, path);
  }

  /** The page's purge was sent again: no check until it is accepted. */
  repurging(path: string, repurges: number): void {
    this.sql.exec(`UPDATE checks SET state = 'repurging', repurges = ?, due = NULL WHERE path = ?`, repurges, path);
  }

  remove(path: string): void {
    this.sql.exec(`DELETE FROM checks WHERE path = ?`, path);
  }

  pending(): { due: number; repurging: number } {
    const rows = this.sql.exec<{ state: string; n: number }>(`SELECT state, count(*) AS n FROM checks GROUP BY state`).toArray();
    return {
      due: rows.find((r) => r.state === 'due')?.n ?? 0,
      repurging: rows.find((r) => r.state === 'repurging')?.n ?? 0,
    };
  }

  /** Forgets re-purges that never came back (their paths were dead-lettered or dropped). */
  prune(now: number): void {
    this.sql.exec(`DELETE FROM checks WHERE state = 'repurging' AND purged_at < ?`, now - CHECK_KEEP_MS);
  }
}
