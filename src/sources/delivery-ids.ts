// The delivery keys a source has handled (providers/identity.ts: a SHA-256 of the platform's signed id, or of
// the bytes its signature covers), kept for a period so redeliveries and replays are acknowledged without
// enqueuing again. Bounded in rows; a key is always 64 hex characters, whatever the platform sends.

/** Most keys kept per source; past it those closest to expiry go first. */
export const MAX_DELIVERY_KEYS = 100_000;

// The first table keyed deliveries on the platform's id as sent (unsigned on several platforms, unbounded
// in length): it is dropped, and a redelivery in flight during the upgrade is simply queued again.
const SCHEMA = `
DROP TABLE IF EXISTS deliveries;
CREATE TABLE IF NOT EXISTS delivery_keys (
  key TEXT PRIMARY KEY, receipt TEXT NOT NULL, expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS delivery_keys_expiry ON delivery_keys (expires_at);
`;

const KEY = /^[0-9a-f]{64}$/;

/** The answer given to a delivery, given again to its redeliveries. */
export interface PriorDelivery {
  eventId: string;
  paths: number;
  /** How many events (changed documents) the delivery carried. */
  events?: number;
  tags?: number;
}

export class DeliveryIds {
  private count: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly maxKeys = MAX_DELIVERY_KEYS,
  ) {
    sql.exec(SCHEMA);
    this.count = sql.exec<{ n: number }>('SELECT count(*) AS n FROM delivery_keys').one().n;
  }

  /** The earlier receipt for this key, if one is still remembered. */
  find(key: string, now: number): PriorDelivery | undefined {
    const row = this.sql
      .exec<{ receipt: string }>(`SELECT receipt FROM delivery_keys WHERE key = ? AND expires_at > ?`, key, now)
      .toArray()[0];
    return row ? (JSON.parse(row.receipt) as PriorDelivery) : undefined;
  }

  record(key: string, receipt: PriorDelivery, expiresAt: number): void {
    if (!KEY.test(key)) throw new Error('a delivery key is a SHA-256 in hex');
    const known = this.sql.exec('SELECT 1 FROM delivery_keys WHERE key = ?', key).toArray().length > 0;
    const { eventId, paths, events, tags } = receipt;
    this.sql.exec(
      `INSERT OR REPLACE INTO delivery_keys (key, receipt, expires_at) VALUES (?, ?, ?)`,
      key,
      JSON.stringify({ eventId, paths, events, tags }),
      expiresAt,
    );
    if (!known) this.count += 1;
    if (this.count > this.maxKeys) {
      this.sql.exec(
        'DELETE FROM delivery_keys WHERE key IN (SELECT key FROM delivery_keys ORDER BY expires_at LIMIT ?)',
        this.count - this.maxKeys,
      );
      this.count = this.maxKeys;
    }
  }

  /** Deletes expired keys; returns the earliest expiry left, to wake up for it. */
  prune(now: number): number | undefined {
    this.sql.exec(`DELETE FROM delivery_keys WHERE expires_at <= ?`, now);
    this.count = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM delivery_keys').one().n;
    return this.sql.exec<{ next: number | null }>(`SELECT min(expires_at) AS next FROM delivery_keys`).one().next ?? undefined;
  }
}
