// Origin work held in the scheduler's SQLite: jobs running their steps and pages at the gate (seen.ts: versions).
import type { EnqueueItem } from '../queue-store';
import type { TagItem } from '../tag-queue';
import type { GatePhase, OriginVersion } from './plan';
import { SeenVersions } from './seen';

/** One event's held work: its origin steps run in order, then its paths go on (to the gate or the CDN queue). */
export interface OriginJob {
  id: number;
  event: string;
  createdAt: number;
  /** Index of the step to run next. */
  step: number;
  failures: number;
  notBefore: number;
  state: 'running' | 'dead';
  lastStatus: number | null;
  lastError: string | null;
  items: EnqueueItem[];
  tags: TagItem[];
}

/** A URL path waiting at the gate (with its prefetch, if one was asked for). */
export interface GatedPage {
  path: string;
  event: string;
  item: EnqueueItem;
  prefetch: EnqueueItem | null;
  phase: GatePhase;
  since: number;
  polls: number;
  nextAt: number;
  baseline: OriginVersion | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS origin_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL, created_at INTEGER NOT NULL, step INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'running',
  last_status INTEGER, last_error TEXT, items TEXT NOT NULL, tags TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS origin_gate (
  path TEXT PRIMARY KEY, event TEXT NOT NULL, item TEXT NOT NULL, prefetch TEXT, phase TEXT NOT NULL,
  since INTEGER NOT NULL, polls INTEGER NOT NULL, next_at INTEGER NOT NULL, baseline TEXT
) WITHOUT ROWID;
`;

type JobRow = {
  id: number;
  event: string;
  created_at: number;
  step: number;
  failures: number;
  not_before: number;
  state: 'running' | 'dead';
  last_status: number | null;
  last_error: string | null;
  items: string;
  tags: string;
};
type GateRow = {
  path: string;
  event: string;
  item: string;
  prefetch: string | null;
  phase: GatePhase;
  since: number;
  polls: number;
  next_at: number;
  baseline: string | null;
};

const job = (r: JobRow): OriginJob => ({
  id: r.id,
  event: r.event,
  createdAt: r.created_at,
  step: r.step,
  failures: r.failures,
  notBefore: r.not_before,
  state: r.state,
  lastStatus: r.last_status,
  lastError: r.last_error,
  items: JSON.parse(r.items) as EnqueueItem[],
  tags: JSON.parse(r.tags) as TagItem[],
});
const gated = (r: GateRow): GatedPage => ({
  path: r.path,
  event: r.event,
  item: JSON.parse(r.item) as EnqueueItem,
  prefetch: r.prefetch === null ? null : (JSON.parse(r.prefetch) as EnqueueItem),
  phase: r.phase,
  since: r.since,
  polls: r.polls,
  nextAt: r.next_at,
  baseline: r.baseline === null ? null : (JSON.parse(r.baseline) as OriginVersion),
});

export class OriginStore {
  /** The version last seen at the origin per path (what the gate compares with). */
  readonly seen: SeenVersions;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    this.seen = new SeenVersions(sql);
  }

  addJob(event: string, items: readonly EnqueueItem[], tags: readonly TagItem[], now: number): void {
    this.sql.exec(
      `INSERT INTO origin_jobs (event, created_at, not_before, items, tags) VALUES (?, ?, ?, ?, ?)`,
      event,
      now,
      now,
      JSON.stringify(items),
      JSON.stringify(tags),
    );
  }

  dueJobs(now: number, limit: number): OriginJob[] {
    return this.sql
      .exec<JobRow>(`SELECT * FROM origin_jobs WHERE state = 'running' AND not_before <= ? ORDER BY id LIMIT ?`, now, limit)
      .toArray()
      .map(job);
  }

  deadJobs(): OriginJob[] {
    return this.sql.exec<JobRow>(`SELECT * FROM origin_jobs WHERE state = 'dead' ORDER BY id`).toArray().map(job);
  }

  /** Saves a job's progress: its next step, failures, when to run again, its state and last failure. */
  updateJob(j: Pick<OriginJob, 'id' | 'step' | 'failures' | 'notBefore' | 'state' | 'lastStatus' | 'lastError'>): void {
    this.sql.exec(
      `UPDATE origin_jobs SET step = ?, failures = ?, not_before = ?, state = ?, last_status = ?, last_error = ? WHERE id = ?`,
      j.step,
      j.failures,
      j.notBefore,
      j.state,
      j.lastStatus,
      j.lastError,
      j.id,
    );
  }

  /** A dead job runs again from its failed step with a fresh bound. */
  reviveJob(id: number, now: number): void {
    this.sql.exec(
      `UPDATE origin_jobs SET state = 'running', failures = 0, created_at = ?1, not_before = ?1 WHERE id = ?2`,
      now,
      id,
    );
  }

  deleteJob(id: number): void {
    this.sql.exec(`DELETE FROM origin_jobs WHERE id = ?`, id);
  }

  /** Puts a page at the gate; a page already there takes the newer event and waits again from now. */
  gate(item: EnqueueItem, prefetch: EnqueueItem | null, event: string, baseline: OriginVersion | undefined, now: number) {
    this.sql.exec(
      `INSERT INTO origin_gate (path, event, item, prefetch, phase, since, polls, next_at, baseline)
       VALUES (?1, ?2, ?3, ?4, 'waiting', ?5, 0, ?5, ?6)
       ON CONFLICT (path) DO UPDATE SET event = ?2, item = ?3, prefetch = coalesce(?4, prefetch), phase = 'waiting',
         since = ?5, polls = 0, next_at = ?5, baseline = coalesce(origin_gate.baseline, ?6)`,
      item.path,
      event,
      JSON.stringify(item),
      prefetch ? JSON.stringify(prefetch) : null,
      now,
      baseline ? JSON.stringify(baseline) : null,
    );
  }

  duePages(now: number, limit: number): GatedPage[] {
    return this.sql
      .exec<GateRow>(`SELECT * FROM origin_gate WHERE next_at <= ? ORDER BY next_at LIMIT ?`, now, limit)
      .toArray()
      .map(gated);
  }

  allPages(): GatedPage[] {
    return this.sql.exec<GateRow>(`SELECT * FROM origin_gate`).toArray().map(gated);
  }

  updatePage(path: string, phase: GatePhase, polls: number, nextAt: number): void {
    this.sql.exec(`UPDATE origin_gate SET phase = ?, polls = ?, next_at = ? WHERE path = ?`, phase, polls, nextAt, path);
  }

  deletePage(path: string): void {
    this.sql.exec(`DELETE FROM origin_gate WHERE path = ?`, path);
  }

  /** When something is next due (a job's retry or a page's poll), or undefined. */
  nextDue(): number | undefined {
    const row = this.sql
      .exec<{ at: number | null }>(
        `SELECT min(at) AS at FROM (SELECT min(not_before) AS at FROM origin_jobs WHERE state = 'running'
           UNION ALL SELECT min(next_at) FROM origin_gate)`,
      )
      .one();
    return row.at ?? undefined;
  }

  counts(): { jobs: number; dead: number; gated: number; late: number } {
    return this.sql
      .exec<{ jobs: number; dead: number; gated: number; late: number }>(
        `SELECT (SELECT count(*) FROM origin_jobs WHERE state = 'running') AS jobs,
           (SELECT count(*) FROM origin_jobs WHERE state = 'dead') AS dead,
           (SELECT count(*) FROM origin_gate WHERE phase = 'waiting') AS gated,
           (SELECT count(*) FROM origin_gate WHERE phase = 'late') AS late`,
      )
      .one();
  }
}
