// A source's refusals in a row (a wrong or unset secret: 401, 403, or the 500 of a missing secret), kept in the
// SourceState's SQLite; the SOURCE_FAILING_AFTER-th in a row becomes one `source.failing` notification. Any
// accepted delivery ends the streak.
import type { NotifyEvent } from '../notify/events';
import type { DeliveryEntry } from './recent-deliveries';

/** Refusals in a row before the source is reported failing (docs/notifications.md). */
export const SOURCE_FAILING_AFTER = 5;

const SCHEMA = `CREATE TABLE IF NOT EXISTS failing_streak (id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL, since INTEGER NOT NULL);`;

/** A refusal that points at the secret: the signature did not verify, or the secret the config names is not set. */
const secretRefusal = (e: DeliveryEntry) =>
  (e.outcome === 'rejected' && (e.status === 401 || e.status === 403)) || (e.outcome === 'failed' && e.action === undefined);

export class FailingStreak {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** Counts the entry; returns the event when this one makes the streak long enough. */
  see(entry: DeliveryEntry): NotifyEvent | undefined {
    if (entry.outcome === 'accepted') {
      this.sql.exec(`DELETE FROM failing_streak`);
      return undefined;
    }
    if (!secretRefusal(entry)) return undefined;
    this.sql.exec(
      `INSERT INTO failing_streak (id, count, since) VALUES (1, 1, ?) ON CONFLICT (id) DO UPDATE SET count = count + 1`,
      entry.at,
    );
    const row = this.sql.exec<{ count: number; since: number }>(`SELECT count, since FROM failing_streak`).one();
    if (row.count !== SOURCE_FAILING_AFTER) return undefined;
    const { source, status, message = '' } = entry;
    return { type: 'source.failing', source, count: row.count, status, message, since: row.since, at: entry.at };
  }
}
