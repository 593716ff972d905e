// The ledger: what happened to each path (queued → call → done, folded, covered, dead), bounded in time and size.
import type { CallKind } from '../rules/schema';
import type { CheckEvidence } from './freshness/verdict';

/** Ledger rows older than this are dropped (3 days). */
export const LEDGER_KEEP_MS = 3 * 86_400_000;
/** At most this many rows are kept per distribution; the oldest go first. */
export const LEDGER_MAX_ROWS = 50_000;

export type LedgerStep =
  | 'queued'
  | 'call'
  | 'folded'
  | 'unfolded'
  | 'covered'
  | 'dead'
  | 'retried'
  | 'dropped'
  // Verification at the edge (freshness/): a check with its verdict in `detail`, a purge sent again, given up.
  | 'checked'
  | 'repurged'
  | 'stuck'
  // Origin work (origin/): a step run for the path (its outcome in `detail`), the wait at the freshness gate, and
  // the path's release to the CDN queue (why in `detail`).
  | 'origin'
  | 'gated'
  | 'released';

export interface LedgerEntry {
  at: number;
  step: LedgerStep;
  kind: CallKind;
  path: string;
  rule?: string;
  batch?: number;
  status?: number;
  attempt?: number;
  /** `checked`: the verdict (fresh, stale, gone, unknown); other steps: a message, a pattern, a reason. */
  detail?: string;
  /** `checked`: what the origin and the edge answered. */
  evidence?: CheckEvidence;
}

export interface PathJourney {
  kind: CallKind;
  path: string;
  rule: string | null;
  steps: LedgerEntry[];
  /** A pattern or purge-all: the checks of the pages sampled after it (verification at the edge), by page. */
  sampled?: LedgerEntry[];
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
  batch INTEGER, status INTEGER, attempt INTEGER, detail TEXT, evidence TEXT
);
CREATE INDEX IF NOT EXISTS ledger_event ON ledger (event) WHERE step = 'queued';
CREATE INDEX IF NOT EXISTS ledger_path ON ledger (kind, path, at);
CREATE INDEX IF NOT EXISTS ledger_at ON ledger (at);
`;

const COLUMNS = 'at, step, kind, path, rule, batch, status, attempt, detail, evidence';
type Row = Record<string, SqlStorageValue>;
// A call with a 2xx answer, a cover by a pattern or purge-all, a dead letter and a drop end a path's journey.
const ends = (e: LedgerEntry) =>
  ['covered', 'dead', 'dropped'].includes(e.step) || (e.step === 'call' && e.status! >= 200 && e.status! < 300);
// What may follow the end: the checks of the purge, a purge sent again and its calls, until a final verdict.
const VERIFICATION: readonly LedgerStep[] = ['checked', 'repurged', 'stuck'];
const settles = (e: LedgerEntry) => e.step === 'stuck' || (e.step === 'checked' && (e.detail === 'fresh' || e.detail === 'gone'));

const clean = (row: Row): LedgerEntry => {
  const entry = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as Record<string, unknown>;
  if (typeof entry.evidence === 'string') entry.evidence = JSON.parse(entry.evidence) as CheckEvidence;
  return entry as unknown as LedgerEntry;
};

export class Ledger {
  constructor(private readonly sql: SqlStorage) {
    // Tables made before verification lack the evidence column.
    const columns = sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info('ledger')`).toArray();
    if (!columns.some((c) => c.name === 'evidence')) sql.exec(`ALTER TABLE ledger ADD COLUMN evidence TEXT`);
  }

  note(entry: LedgerEntry & { event?: string }): void {
    this.sql.exec(
      `INSERT INTO ledger (${COLUMNS}, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      entry.at,
      entry.step,
      entry.kind,
      entry.path,
      entry.rule ?? null,
      entry.batch ?? null,
      entry.status ?? null,
      entry.attempt ?? null,
      entry.detail ?? null,
      entry.evidence ? JSON.stringify(entry.evidence) : null,
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

  /** URL paths under a prefix ("" for all) purged since `since`, the most recent first (verification samples them). */
  recentlyPurged(prefix: string, since: number, limit: number): string[] {
    return this.sql
      .exec<{ path: string }>(
        `SELECT path FROM ledger WHERE kind = 'url' AND step = 'call' AND status BETWEEN 200 AND 299 AND at >= ?1
           AND substr(path, 1, length(?2)) = ?2 GROUP BY path ORDER BY max(at) DESC LIMIT ?3`,
        since,
        prefix,
        limit,
      )
      .toArray()
      .map((r) => r.path);
  }

  /** Each path an event queued, with everything that happened to it until its journey ended. */
  journey(eventId: string): PathJourney[] {
    const queued = this.sql
      .exec<{ kind: CallKind; path: string; rule: string | null; at: number }>(
        `SELECT kind, path, rule, at FROM ledger WHERE event = ? AND step = 'queued' ORDER BY at, rowid LIMIT 1000`,
        eventId,
      )
      .toArray();
    const own = new Set(queued.filter((q) => q.kind === 'url').map((q) => q.path));
    return queued.map((q) => {
      const journey: PathJourney = { kind: q.kind, path: q.path, rule: q.rule, steps: this.follow(q.kind, q.path, q.at) };
      if (q.kind !== 'pattern' && q.kind !== 'all') return journey;
      const sampled = this.sampled(eventId, q.at).filter((s) => !own.has(s.path));
      return sampled.length > 0 ? { ...journey, sampled } : journey;
    });
  }

  /** The verification rows of pages an event's pattern or purge-all reached (`kind: url`, the event's id). */
  private sampled(eventId: string, since: number): LedgerEntry[] {
    return this.sql
      .exec<Row>(
        `SELECT ${COLUMNS} FROM ledger WHERE event = ? AND at >= ? AND kind = 'url' AND step IN ('checked', 'repurged', 'stuck')
         ORDER BY path, at, rowid LIMIT 500`,
        eventId,
        since,
      )
      .toArray()
      .map(clean);
  }

  /**
   * One path's rows from `since` to the end of its journey, with the pattern it was folded into; after the
   * end, its checks (and a purge sent again) until a final verdict.
   */
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
    let ended = false;
    let repurging = false;
    for (const row of rows) {
      if (row.step === 'queued' && steps.length > 0) {
        if (ended) break; // another event's journey
        continue;
      }
      // After the end only the checks follow, and what a purge sent again did.
      if (ended && !repurging && !VERIFICATION.includes(row.step)) break;
      steps.push(row);
      if (row.step === 'folded' && row.detail && depth === 0)
        steps.push(...this.follow('pattern', row.detail, row.at, 1).filter((s) => s.step === 'call'));
      if (ended && settles(row)) break;
      if (row.step === 'repurged') repurging = true;
      else if (ends(row)) {
        if (depth > 0) break;
        ended = true;
        repurging = false;
      }
    }
    return steps;
  }
}
