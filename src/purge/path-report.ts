// Everything one distribution's scheduler knows about one path (GET /admin/paths, "why is this URL stale?"):
// its ledger rows across events, the calls of the patterns it was folded into, whether it waits in the queue
// (and until when), its dead letter, the distribution's hold. Reads the scheduler's SQLite; no writes.
import type { CallKind, DistributionConfig } from '../rules/schema';
import { estimateFor, type EstimateOptions, type SendEstimate } from './eta-facts';
import type { SchedulerState } from './outcome';
import type { DeadLetter, QueueStore } from './queue-store';
import { originWaitOf, type OriginWait } from './origin/path-state';

/** Ledger rows returned per path (newest kept), enough for three days of a busy page. */
export const HISTORY_ROWS = 500;

/** One ledger row about the path (or a pattern that covered it), with the event that queued it. */
export interface HistoryRow {
  at: number;
  step: string;
  kind: CallKind;
  path: string;
  event?: string;
  rule?: string;
  batch?: number;
  status?: number;
  attempt?: number;
  detail?: string;
  /** A `checked` row's evidence (the verification's JSON), when the ledger keeps it. */
  evidence?: unknown;
}

export interface QueuedState {
  kind: CallKind;
  enqueuedAt: number;
  attempts: number;
  /** The pattern it is folded into, sent in its place. */
  cover?: string;
  estimate: SendEstimate;
}

export interface PathReport {
  path: string;
  history: HistoryRow[];
  queued?: QueuedState;
  deadLetter?: DeadLetter;
  /** Held before the CDN purge by origin work: a step, its dead letter, or the freshness gate (origin/). */
  originWait?: OriginWait;
  health: SchedulerState['health'];
  /** While held: since when (the first refused call of the hold), and the refusal's words. */
  hold?: { health: 'unauthorized' | 'refused'; since?: number; status?: number; message?: string };
  nextSendAt?: number;
}

/** The same facts of the scheduler as a send estimate reads. */
export type PathReportOptions = EstimateOptions;

type Row = Record<string, SqlStorageValue>;

function toHistory(row: Row): HistoryRow {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (value !== null && key !== 'rid') out[key] = value;
  if (typeof out.evidence === 'string') {
    try {
      out.evidence = JSON.parse(out.evidence);
    } catch {
      // Kept as the text stored: evidence is shown, never acted on.
    }
  }
  return out as unknown as HistoryRow;
}

/** The path's own rows (any kind) and the calls and covers of the patterns it was folded into, oldest first. */
function history(sql: SqlStorage, path: string): HistoryRow[] {
  const rows = sql
    .exec<Row>(
      `SELECT rowid AS rid, * FROM ledger WHERE path = ?1 AND kind IN ('url', 'pattern', 'prefetch')
       UNION ALL
       SELECT rowid AS rid, * FROM ledger WHERE kind = 'pattern' AND step = 'call'
         AND path IN (SELECT DISTINCT detail FROM ledger WHERE path = ?1 AND kind = 'url' AND step = 'folded')
       ORDER BY at DESC, rid DESC LIMIT ?2`,
      path,
      HISTORY_ROWS,
    )
    .toArray();
  return rows.map(toHistory).reverse();
}

/** When the hold began: the first refused call (of any path) since the last accepted one. */
function heldSince(sql: SqlStorage, statuses: readonly number[]): number | undefined {
  const row = sql
    .exec<{ since: number | null }>(
      `SELECT min(at) AS since FROM ledger WHERE step = 'call' AND status IN (SELECT value FROM json_each(?1))
         AND at > coalesce((SELECT max(at) FROM ledger WHERE step = 'call' AND status BETWEEN 200 AND 299), 0)`,
      JSON.stringify(statuses),
    )
    .toArray()[0];
  return row?.since ?? undefined;
}

function holdOf(o: PathReportOptions): PathReport['hold'] {
  const { state } = o;
  if (state.health === 'refused')
    return { health: 'refused', since: state.hold?.at, status: state.hold?.status, message: state.hold?.message };
  if (state.health !== 'unauthorized') return undefined;
  const since = heldSince(o.sql, [401, 403]) ?? state.lastError?.at;
  return { health: 'unauthorized', since, status: state.lastError?.status, message: state.lastError?.message };
}

export function pathReport(o: PathReportOptions, path: string): PathReport {
  const queuedRow = o.sql
    .exec<{ kind: CallKind; enqueued_at: number; attempts: number; cover: string | null }>(
      `SELECT kind, enqueued_at, attempts, cover FROM queue WHERE path = ? AND kind IN ('url', 'pattern') ORDER BY kind DESC LIMIT 1`,
      path,
    )
    .toArray()[0];
  const queued = queuedRow && {
    kind: queuedRow.kind,
    enqueuedAt: queuedRow.enqueued_at,
    attempts: queuedRow.attempts,
    ...(queuedRow.cover !== null && { cover: queuedRow.cover }),
    estimate: estimateFor(o, [
      queuedRow.cover === null ? { kind: queuedRow.kind, path } : { kind: 'pattern', path: queuedRow.cover },
    ]),
  };
  const deadLetter = o.store.deadLetters().find((d) => d.path === path && d.kind !== 'prefetch');
  const originWait = originWaitOf(o.sql, path);
  return {
    path,
    history: history(o.sql, path),
    ...(queued && { queued }),
    ...(deadLetter && { deadLetter }),
    ...(originWait && { originWait }),
    health: o.state.health,
    ...(holdOf(o) && { hold: holdOf(o) }),
    ...(o.alarm !== null && { nextSendAt: o.alarm }),
  };
}
