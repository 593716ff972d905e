// The recent webhooks of one source, accepted or not, for the console: a bounded table in SourceState.

/** Rows kept per source; older ones are deleted as new ones arrive. */
export const DELIVERY_LOG_LIMIT = 500;

export type DeliveryOutcome = 'accepted' | 'duplicate' | 'rejected' | 'failed';

/** One webhook as the relay answered it. Only fixed messages and ids: never a header, body or secret. */
export interface DeliveryEntry {
  at: number;
  source: string;
  provider?: string;
  /** The HTTP status the platform got. */
  status: number;
  outcome: DeliveryOutcome;
  /** The relay's message for a rejection or failure (`signature does not match`, ...). */
  message?: string;
  eventId?: string;
  deliveryId?: string;
  action?: string;
  topic?: string;
  contentType?: string;
  documentId?: string;
  paths?: number;
  /** How many events the delivery carried, when not exactly one (a batch, or none at all). */
  events?: number;
  durationMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS recent_deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, event_id TEXT, entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS recent_deliveries_event ON recent_deliveries (event_id);
`;

export class RecentDeliveries {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  add(entry: DeliveryEntry): void {
    this.sql.exec(
      `INSERT INTO recent_deliveries (at, event_id, entry) VALUES (?, ?, ?)`,
      entry.at,
      entry.eventId ?? null,
      JSON.stringify(entry),
    );
    this.sql.exec(`DELETE FROM recent_deliveries WHERE seq <= (SELECT max(seq) FROM recent_deliveries) - ?`, DELIVERY_LOG_LIMIT);
  }

  /** The newest entries first. */
  newest(limit: number): DeliveryEntry[] {
    return this.sql
      .exec<{ entry: string }>(
        `SELECT entry FROM recent_deliveries ORDER BY seq DESC LIMIT ?`,
        Math.min(limit, DELIVERY_LOG_LIMIT),
      )
      .toArray()
      .map((r) => JSON.parse(r.entry) as DeliveryEntry);
  }

  /** Every delivery that carried this event id (a duplicate repeats the first one's). */
  byEvent(eventId: string): DeliveryEntry[] {
    return this.sql
      .exec<{ entry: string }>(`SELECT entry FROM recent_deliveries WHERE event_id = ? ORDER BY seq`, eventId)
      .toArray()
      .map((r) => JSON.parse(r.entry) as DeliveryEntry);
  }
}
