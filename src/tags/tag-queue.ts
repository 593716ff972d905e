// Tags waiting in a scheduler until its next pass expands them, with the expansion itself (SQLite I/O).
import type { DistributionConfig } from '../rules/schema';
import type { QueueStore } from '../purge/queue-store';
import { planTag } from './expand-tags';
import type { TagIndex } from './tag-index';

export interface TagItem {
  tag: string;
  priority: number;
  /** The rule that named the tag, for the ledger. */
  ruleId?: string;
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
   * Moves every queued tag into the path queue as the index knows it now (send time), each path's
   * ledger row saying which tag it came from; the same path from a rule's own list is queued once.
   */
  expandInto(store: QueueStore, index: TagIndex, config: DistributionConfig, now: number): number {
    const queued = this.sql
      .exec<{ tag: string; priority: number; event: string; rule: string | null }>(
        `SELECT tag, priority, event, rule FROM tag_queue`,
      )
      .toArray();
    for (const q of queued) {
      const paths = index.pathsOf(q.tag, config.tags, now).map((p) => p.path);
      const plan = planTag(q.tag, paths, {
        limit: config.tags.expandLimit,
        patternRoom: config.limits.pattern.paths,
        foldDepth: config.foldDepth,
      });
      const item = (kind: 'url' | 'pattern', path: string) => ({ kind, path, priority: q.priority, ruleId: q.rule ?? undefined });
      const detail = `tag ${q.tag}`;
      store.enqueue(
        plan.urls.map((p) => item('url', p)),
        q.event,
        now,
        detail,
      );
      store.enqueue(
        plan.patterns.map((g) => item('pattern', g.pattern)),
        q.event,
        now,
        detail,
      );
      if (plan.escalation)
        store.recordEscalation('pattern', plan.escalation.reason, plan.escalation.paths, plan.escalation.patterns, now);
      const patterns = JSON.stringify(plan.patterns.map((g) => g.pattern));
      this.sql.exec(
        `INSERT INTO tag_expansions (at, tag, event, rule, urls, patterns) VALUES (?, ?, ?, ?, ?, ?)`,
        now,
        q.tag,
        q.event,
        q.rule,
        plan.urls.length,
        patterns,
      );
      this.sql.exec(`DELETE FROM tag_queue WHERE tag = ?`, q.tag);
    }
    this.sql.exec(`DELETE FROM tag_expansions WHERE rowid <= (SELECT max(rowid) FROM tag_expansions) - ?`, TAG_EXPANSIONS_KEPT);
    return queued.length;
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
