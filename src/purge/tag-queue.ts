// Tags waiting in a scheduler until its next pass turns them into plans, and the record of those expansions
// (SQLite I/O; this class owns the tag_queue and tag_expansions tables, the scheduler queues the plans).
import { planTag, type TagPlan, type TagPlanOptions } from './tag-plan';

export interface TagItem {
  tag: string;
  priority: number;
  /** The rule that named the tag, for the ledger. */
  ruleId?: string;
}

/** A queued tag taken out of the queue, with what it expands to now. */
export interface QueuedTagPlan {
  tag: string;
  priority: number;
  event: string;
  rule: string | null;
  plan: TagPlan;
}

/** One expansion, as the status lists it. */
export interface TagExpansionRecord {
  at: number;
  tag: string;
  event: string;
  rule: string | null;
  urls: number;
  patterns: string[];
}

/** Expansions kept for the status. */
export const TAG_EXPANSIONS_KEPT = 20;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tag_queue (tag TEXT PRIMARY KEY, priority INTEGER NOT NULL, event TEXT NOT NULL, rule TEXT, enqueued_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tag_expansions (at INTEGER NOT NULL, tag TEXT NOT NULL, event TEXT NOT NULL, rule TEXT, urls INTEGER NOT NULL, patterns TEXT NOT NULL);
`;

export class TagQueue {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** Durable once this returns; a tag queued twice before a pass keeps the more urgent priority. */
  enqueue(items: readonly TagItem[], eventId: string, now: number): void {
    for (const t of items)
      this.sql.exec(
        `INSERT INTO tag_queue (tag, priority, event, rule, enqueued_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tag) DO UPDATE SET priority = min(priority, excluded.priority)`,
        t.tag,
        t.priority,
        eventId,
        t.ruleId ?? null,
        now,
      );
  }

  pending(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM tag_queue`).one().n;
  }

  /**
   * Takes every queued tag out of the queue as a plan over the paths the index gives it now (send time),
   * and records each expansion for the status. The caller queues the plans in the same synchronous turn.
   */
  take(pathsOf: (tag: string) => string[], options: TagPlanOptions, now: number): QueuedTagPlan[] {
    const queued = this.sql
      .exec<{ tag: string; priority: number; event: string; rule: string | null }>(
        `SELECT tag, priority, event, rule FROM tag_queue`,
      )
      .toArray();
    const plans = queued.map((q) => ({ ...q, plan: planTag(q.tag, pathsOf(q.tag), options) }));
    for (const { tag, event, rule, plan } of plans) {
      this.sql.exec(
        `INSERT INTO tag_expansions (at, tag, event, rule, urls, patterns) VALUES (?, ?, ?, ?, ?, ?)`,
        now,
        tag,
        event,
        rule,
        plan.urls.length,
        JSON.stringify(plan.patterns.map((g) => g.pattern)),
      );
      this.sql.exec(`DELETE FROM tag_queue WHERE tag = ?`, tag);
    }
    this.sql.exec(`DELETE FROM tag_expansions WHERE rowid <= (SELECT max(rowid) FROM tag_expansions) - ?`, TAG_EXPANSIONS_KEPT);
    return plans;
  }

  /** The latest expansions, newest first. */
  expansions(): TagExpansionRecord[] {
    return this.sql
      .exec<Omit<TagExpansionRecord, 'patterns'> & { patterns: string }>(
        `SELECT at, tag, event, rule, urls, patterns FROM tag_expansions ORDER BY rowid DESC`,
      )
      .toArray()
      .map((r) => ({ ...r, patterns: JSON.parse(r.patterns) as string[] }));
  }
}
