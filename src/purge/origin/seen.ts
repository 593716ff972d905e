// The version of each page last seen at the origin (the scheduler's SQLite): what the freshness gate compares with.
import type { OriginVersion } from './plan';

/** Versions last seen are kept this long (30 days) and for this many pages at most. */
const SEEN_KEEP_MS = 30 * 86_400_000;
const SEEN_MAX_ROWS = 50_000;

export class SeenVersions {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      `CREATE TABLE IF NOT EXISTS origin_seen (path TEXT PRIMARY KEY, version TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID`,
    );
  }

  /** The version last seen at the origin for a path: the gate's own polls, or a verification check's evidence. */
  last(path: string): OriginVersion | undefined {
    const own = this.sql
      .exec<{ version: string; at: number }>(`SELECT version, at FROM origin_seen WHERE path = ?`, path)
      .toArray()[0];
    const checked = this.sql
      .exec<{ evidence: string; at: number }>(
        `SELECT evidence, at FROM ledger WHERE kind = 'url' AND path = ? AND step = 'checked' AND evidence IS NOT NULL
         ORDER BY at DESC LIMIT 1`,
        path,
      )
      .toArray()[0];
    const fromCheck = checked
      ? (JSON.parse(checked.evidence) as { origin?: OriginVersion & { error?: string } }).origin
      : undefined;
    const usable = fromCheck && fromCheck.status > 0 && fromCheck.error === undefined ? fromCheck : undefined;
    if (own && (!usable || own.at >= checked!.at)) return JSON.parse(own.version) as OriginVersion;
    if (!usable) return undefined;
    const { status, etag, lastModified, digest } = usable;
    return { status, ...(etag && { etag }), ...(lastModified && { lastModified }), ...(digest && { digest }) };
  }

  record(path: string, version: OriginVersion, now: number): void {
    this.sql.exec(`INSERT OR REPLACE INTO origin_seen (path, version, at) VALUES (?, ?, ?)`, path, JSON.stringify(version), now);
  }

  prune(now: number): void {
    this.sql.exec(`DELETE FROM origin_seen WHERE at < ?`, now - SEEN_KEEP_MS);
    this.sql.exec(
      `DELETE FROM origin_seen WHERE path IN (SELECT path FROM origin_seen ORDER BY at DESC LIMIT -1 OFFSET ?)`,
      SEEN_MAX_ROWS,
    );
  }
}
