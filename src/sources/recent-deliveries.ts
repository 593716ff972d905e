// The recent webhooks of one source, for the console: deliveries that passed verification in one bounded table,
// and refusals (and repeats) counted per minute and reason in another, so no flood of unsigned requests can push
// an accepted delivery out of sight (issue 14, F10: 505 refusals in 1.8 s evicted a genuine delivery's row).

/** Rows kept per source in each table; older ones are deleted as new ones arrive. */
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
  /** Paths the rules refused for safety (a pattern a value would widen, a dot segment): `rule: template: why`. */
  refused?: string[];
  durationMs: number;
}

/** Refusals and repeats of one minute with one outcome, status and message (and event, for a repeat). */
export interface RefusalRow {
  /** The minute's start (ms). */
  minute: number;
  source: string;
  outcome: DeliveryOutcome;
  status: number;
  message?: string;
  /** For a repeat: the event the first delivery queued. */
  eventId?: string;
  count: number;
  firstAt: number;
  lastAt: number;
  /** The latest one's details (provider, delivery id, action…). */
  last: DeliveryEntry;
}

/**
 * Whether an entry goes to the refusals: anything anyone could send without the secret (a rejection, a failure
 * before verification) and repeats of a delivery already handled. A verified delivery stays in the list, also
 * when it failed (a 503 the platform will retry).
 */
export const isRefusal = (e: DeliveryEntry) =>
  e.outcome === 'rejected' || e.outcome === 'duplicate' || (e.outcome === 'failed' && e.action === undefined);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS recent_deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, event_id TEXT, entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS recent_deliveries_event ON recent_deliveries (event_id);
CREATE TABLE IF NOT EXISTS refused_deliveries (
  minute INTEGER NOT NULL, reason TEXT NOT NULL, event_id TEXT, count INTEGER NOT NULL,
  first_at INTEGER NOT NULL, last_at INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (minute, reason)
);
CREATE INDEX IF NOT EXISTS refused_deliveries_last ON refused_deliveries (last_at);
CREATE INDEX IF NOT EXISTS refused_deliveries_event ON refused_deliveries (event_id);
`;

type RefusedRow = { minute: number; count: number; first_at: number; last_at: number; entry: string };

const toRefusal = (r: RefusedRow): RefusalRow => {
  const last = JSON.parse(r.entry) as DeliveryEntry;
  const { source, outcome, status, message, eventId } = last;
  const row = { minute: r.minute, source, outcome, status, message, eventId, count: r.count, firstAt: r.first_at };
  return { ...row, lastAt: r.last_at, last };
};

export class RecentDeliveries {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  add(entry: DeliveryEntry): void {
    if (isRefusal(entry)) return this.count(entry);
    this.sql.exec(
      `INSERT INTO recent_deliveries (at, event_id, entry) VALUES (?, ?, ?)`,
      entry.at,
      entry.eventId ?? null,
      JSON.stringify(entry),
    );
    this.sql.exec(`DELETE FROM recent_deliveries WHERE seq <= (SELECT max(seq) FROM recent_deliveries) - ?`, DELIVERY_LOG_LIMIT);
  }

  /** One more refusal (or repeat) in its minute's row for its reason; the oldest rows past the limit go. */
  private count(entry: DeliveryEntry): void {
    const minute = entry.at - (entry.at % 60_000);
    const reason = JSON.stringify([entry.outcome, entry.status, entry.message ?? '', entry.eventId ?? '']);
    this.sql.exec(
      `INSERT INTO refused_deliveries (minute, reason, event_id, count, first_at, last_at, entry) VALUES (?, ?, ?, 1, ?, ?, ?)
       ON CONFLICT (minute, reason) DO UPDATE SET count = count + 1, last_at = max(last_at, excluded.last_at), entry = excluded.entry`,
      minute,
      reason,
      entry.eventId ?? null,
      entry.at,
      entry.at,
      JSON.stringify(entry),
    );
    this.sql.exec(
      `DELETE FROM refused_deliveries WHERE rowid IN (SELECT rowid FROM refused_deliveries ORDER BY last_at DESC LIMIT -1 OFFSET ?)`,
      DELIVERY_LOG_LIMIT,
    );
  }

  /** The newest verified deliveries first. */
  newest(limit: number): DeliveryEntry[] {
    return this.sql
      .exec<{ entry: string }>(
        `SELECT entry FROM recent_deliveries ORDER BY seq DESC LIMIT ?`,
        Math.min(limit, DELIVERY_LOG_LIMIT),
      )
      .toArray()
      .map((r) => JSON.parse(r.entry) as DeliveryEntry);
  }

  /** The newest refusal rows first (by their latest refusal). */
  refusals(limit: number): RefusalRow[] {
    return this.sql
      .exec<RefusedRow>(
        `SELECT minute, count, first_at, last_at, entry FROM refused_deliveries ORDER BY last_at DESC LIMIT ?`,
        Math.min(limit, DELIVERY_LOG_LIMIT),
      )
      .toArray()
      .map(toRefusal);
  }

  /** Every delivery that carried this event id, and the repeats of it. */
  byEvent(eventId: string): { deliveries: DeliveryEntry[]; refusals: RefusalRow[] } {
    const deliveries = this.sql
      .exec<{ entry: string }>(`SELECT entry FROM recent_deliveries WHERE event_id = ? ORDER BY seq`, eventId)
      .toArray()
      .map((r) => JSON.parse(r.entry) as DeliveryEntry);
    const refusals = this.sql
      .exec<RefusedRow>(
        `SELECT minute, count, first_at, last_at, entry FROM refused_deliveries WHERE event_id = ? ORDER BY last_at`,
        eventId,
      )
      .toArray()
      .map(toRefusal);
    return { deliveries, refusals };
  }
}
