// Delivery ids a source has sent, kept for a period so redeliveries are acknowledged without enqueuing again.

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  delivery_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, paths INTEGER NOT NULL, expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_expiry ON deliveries (expires_at);
`;

export interface PriorDelivery {
  eventId: string;
  paths: number;
}

export class DeliveryIds {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** The earlier receipt for this delivery id, if one is still remembered. */
  find(deliveryId: string, now: number): PriorDelivery | undefined {
    const row = this.sql
      .exec<{ event_id: string; paths: number }>(
        `SELECT event_id, paths FROM deliveries WHERE delivery_id = ? AND expires_at > ?`,
        deliveryId,
        now,
      )
      .toArray()[0];
    return row ? { eventId: row.event_id, paths: row.paths } : undefined;
  }

  record(deliveryId: string, receipt: PriorDelivery, expiresAt: number): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO deliveries (delivery_id, event_id, paths, expires_at) VALUES (?, ?, ?, ?)`,
      deliveryId,
      receipt.eventId,
      receipt.paths,
      expiresAt,
    );
  }

  /** Deletes expired ids; returns the earliest expiry left, to wake up for it. */
  prune(now: number): number | undefined {
    this.sql.exec(`DELETE FROM deliveries WHERE expires_at <= ?`, now);
    return this.sql.exec<{ next: number | null }>(`SELECT min(expires_at) AS next FROM deliveries`).one().next ?? undefined;
  }
}
