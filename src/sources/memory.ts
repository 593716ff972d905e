// The paths last produced for each document of a source, so an unpublish, a delete, a slug change or an
// id-only payload can purge them again. Bounded: documents per source, paths per document, age.
import type { MemoryItem } from '../rules/matcher';

/** Most documents remembered per source; past it the least recently updated are dropped. */
export const MEMORY_MAX_DOCUMENTS = 50_000;
/** Most paths remembered per document (the first ones produced: pages before listings). */
export const MEMORY_MAX_PATHS = 500;
/** A document not updated for this long is forgotten. */
export const MEMORY_MAX_AGE_MS = 400 * 86_400_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT NOT NULL, doc_type TEXT NOT NULL, paths TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (doc_id, doc_type)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS documents_updated ON documents (updated_at);
`;

/** A document: its id, and its content type when the platform names one (ids may repeat across types). */
export interface DocumentKey {
  id: string;
  type?: string;
}

type Row = { doc_id: string; doc_type: string; paths: string };

/**
 * A key with a type finds that type's entry and an untyped one; a key without a type (a delete
 * payload that names none) finds the id under every type.
 */
const where = (key: DocumentKey): [string, ...string[]] =>
  key.type === undefined ? ['doc_id = ?', key.id] : [`doc_id = ? AND doc_type IN (?, '')`, key.id, key.type];

export interface MemoryLimits {
  maxDocuments: number;
  maxPaths: number;
  maxAgeMs: number;
}

const LIMITS: MemoryLimits = { maxDocuments: MEMORY_MAX_DOCUMENTS, maxPaths: MEMORY_MAX_PATHS, maxAgeMs: MEMORY_MAX_AGE_MS };

export class PathMemory {
  private count: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly limits: MemoryLimits = LIMITS,
  ) {
    sql.exec(SCHEMA);
    this.count = sql.exec<{ n: number }>('SELECT count(*) AS n FROM documents').one().n;
  }

  recall(key: DocumentKey): MemoryItem[] {
    const [clause, ...args] = where(key);
    const rows = this.sql.exec<Row>(`SELECT paths FROM documents WHERE ${clause}`, ...args).toArray();
    return rows.flatMap((r) => JSON.parse(r.paths) as MemoryItem[]);
  }

  /** Replaces what is remembered for a document. */
  remember(key: DocumentKey, items: readonly MemoryItem[], now: number): void {
    const type = key.type ?? '';
    const exists = this.sql.exec('SELECT 1 FROM documents WHERE doc_id = ? AND doc_type = ?', key.id, type).toArray().length > 0;
    this.sql.exec(
      'INSERT OR REPLACE INTO documents (doc_id, doc_type, paths, updated_at) VALUES (?, ?, ?, ?)',
      key.id,
      type,
      JSON.stringify(items.slice(0, this.limits.maxPaths)),
      now,
    );
    if (!exists) this.count += 1;
    if (this.count > this.limits.maxDocuments) this.evict(this.count - this.limits.maxDocuments);
  }

  forget(key: DocumentKey): void {
    const [clause, ...args] = where(key);
    // Counted first: rowsWritten also counts index entries.
    this.count -= this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM documents WHERE ${clause}`, ...args).one().n;
    this.sql.exec(`DELETE FROM documents WHERE ${clause}`, ...args);
  }

  /** Drops the least recently updated documents. */
  private evict(n: number): void {
    this.sql.exec(
      'DELETE FROM documents WHERE (doc_id, doc_type) IN (SELECT doc_id, doc_type FROM documents ORDER BY updated_at LIMIT ?)',
      n,
    );
    this.count = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM documents').one().n;
  }

  /** Forgets documents older than the age limit; returns when the next one expires. */
  prune(now: number): number | undefined {
    this.sql.exec('DELETE FROM documents WHERE updated_at <= ?', now - this.limits.maxAgeMs);
    this.count = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM documents').one().n;
    const oldest = this.sql.exec<{ t: number | null }>('SELECT min(updated_at) AS t FROM documents').one().t;
    return oldest === null ? undefined : oldest + this.limits.maxAgeMs;
  }
}
