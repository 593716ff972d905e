// The tag index in a distribution scheduler's SQLite: tag → URL paths, each with when it was last seen, bounded.

/** How the index is bounded (a distribution's `tags` config). */
export interface TagIndexBounds {
  /** Rows (tag, path pairs) kept per distribution; past it the least recently seen go first. */
  maxEntries: number;
  /** Paths kept per tag; past it the tag's least recently seen paths go. */
  maxPathsPerTag: number;
  /** Tags kept per path; a page reporting more keeps its first ones (the count left out is returned). */
  maxTagsPerPath: number;
  /** A pair not seen again for this many days ages out. */
  maxAgeDays: number;
}

export interface LearnResult {
  paths: number;
  tags: number;
  /** Tags left out because a path carried more than maxTagsPerPath. */
  ignored: number;
}

export const TAG_INDEX_SCHEMA = `
CREATE TABLE IF NOT EXISTS tag_index (tag TEXT NOT NULL, path TEXT NOT NULL, seen_at INTEGER NOT NULL, PRIMARY KEY (tag, path)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tag_index_path ON tag_index (path);
CREATE INDEX IF NOT EXISTS tag_index_seen ON tag_index (seen_at);
`;

const DAY_MS = 86_400_000;

export class TagIndex {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(TAG_INDEX_SCHEMA);
  }

  /** A page's full set of tags as its origin sent them: tags it no longer carries are forgotten for it. */
  learn(reports: readonly { path: string; tags: readonly string[] }[], bounds: TagIndexBounds, now: number): LearnResult {
    const result: LearnResult = { paths: 0, tags: 0, ignored: 0 };
    const touched = new Set<string>();
    for (const { path, tags } of reports) {
      const kept = [...new Set(tags)].slice(0, bounds.maxTagsPerPath);
      result.ignored += new Set(tags).size - kept.length;
      const list = JSON.stringify(kept);
      this.sql.exec(`DELETE FROM tag_index WHERE path = ?1 AND tag NOT IN (SELECT value FROM json_each(?2))`, path, list);
      this.sql.exec(
        `INSERT INTO tag_index (tag, path, seen_at) SELECT value, ?1, ?3 FROM json_each(?2) WHERE true
         ON CONFLICT (tag, path) DO UPDATE SET seen_at = excluded.seen_at`,
        path,
        list,
        now,
      );
      kept.forEach((t) => touched.add(t));
      result.paths++;
      result.tags += kept.length;
    }
    this.bound([...touched], bounds, now);
    return result;
  }

  /** Applies the bounds: age, paths per tag (for the tags just written), rows per distribution. */
  private bound(tags: readonly string[], bounds: TagIndexBounds, now: number): void {
    this.sql.exec(`DELETE FROM tag_index WHERE seen_at < ?`, now - bounds.maxAgeDays * DAY_MS);
    for (const tag of tags) {
      this.sql.exec(
        `DELETE FROM tag_index WHERE tag = ?1 AND path IN (
           SELECT path FROM tag_index WHERE tag = ?1 ORDER BY seen_at DESC, path LIMIT -1 OFFSET ?2)`,
        tag,
        bounds.maxPathsPerTag,
      );
    }
    const over = this.count() - bounds.maxEntries;
    if (over > 0)
      this.sql.exec(
        `DELETE FROM tag_index WHERE (tag, path) IN (SELECT tag, path FROM tag_index ORDER BY seen_at, tag, path LIMIT ?)`,
        over,
      );
  }

  /** Every path the tag reaches (seen within the age limit), in path order. */
  pathsOf(tag: string, bounds: Pick<TagIndexBounds, 'maxAgeDays'>, now: number): { path: string; seenAt: number }[] {
    return this.sql
      .exec<{ path: string; seen_at: number }>(
        `SELECT path, seen_at FROM tag_index WHERE tag = ? AND seen_at >= ? ORDER BY path`,
        tag,
        now - bounds.maxAgeDays * DAY_MS,
      )
      .toArray()
      .map((r) => ({ path: r.path, seenAt: r.seen_at }));
  }

  /** Paths under a prefix ("" for all), the most recently seen first (verification samples them). */
  pathsUnder(prefix: string, limit: number): string[] {
    return this.sql
      .exec<{ path: string }>(
        `SELECT path FROM tag_index WHERE substr(path, 1, length(?1)) = ?1 GROUP BY path ORDER BY max(seen_at) DESC LIMIT ?2`,
        prefix,
        limit,
      )
      .toArray()
      .map((r) => r.path);
  }

  /** Every tag a path carries, with when it was last seen. */
  tagsOf(path: string): { tag: string; seenAt: number }[] {
    return this.sql
      .exec<{ tag: string; seen_at: number }>(`SELECT tag, seen_at FROM tag_index WHERE path = ? ORDER BY tag`, path)
      .toArray()
      .map((r) => ({ tag: r.tag, seenAt: r.seen_at }));
  }

  count(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM tag_index`).one().n;
  }

  /** Sizes and the tags that reach the most paths. */
  summary(top = 20): {
    entries: number;
    tags: number;
    paths: number;
    lastSeenAt: number | null;
    top: { tag: string; paths: number }[];
  } {
    const sizes = this.sql
      .exec<{ entries: number; tags: number; paths: number; last: number | null }>(
        `SELECT count(*) AS entries, count(DISTINCT tag) AS tags, count(DISTINCT path) AS paths, max(seen_at) AS last FROM tag_index`,
      )
      .one();
    const largest = this.sql
      .exec<{ tag: string; paths: number }>(
        `SELECT tag, count(*) AS paths FROM tag_index GROUP BY tag ORDER BY paths DESC, tag LIMIT ?`,
        top,
      )
      .toArray();
    return { entries: sizes.entries, tags: sizes.tags, paths: sizes.paths, lastSeenAt: sizes.last, top: largest };
  }
}
