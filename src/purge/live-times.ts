// When each path an event queued went live: its first `fresh` (or `gone`) check after it was queued, from the
// ledger's `checked` rows. The event journey shows it beside the time from the webhook to live.
import type { CallKind } from '../rules/schema';

export interface LiveTime {
  kind: CallKind;
  path: string;
  queuedAt: number;
  /** The first check that found the edge serving the new version (or the removal); absent until then. */
  liveAt?: number;
  verdict?: 'fresh' | 'gone';
}

export function liveTimes(sql: SqlStorage, eventId: string): LiveTime[] {
  return sql
    .exec<{ kind: CallKind; path: string; queued: number; live: number | null; verdict: string | null }>(
      `SELECT q.kind AS kind, q.path AS path, q.at AS queued, c.at AS live, c.detail AS verdict FROM ledger q
       LEFT JOIN ledger c ON c.rowid = (
         SELECT rowid FROM ledger WHERE kind = 'url' AND path = q.path AND step = 'checked'
           AND detail IN ('fresh', 'gone') AND at >= q.at ORDER BY at LIMIT 1)
       WHERE q.event = ? AND q.step = 'queued' ORDER BY q.at, q.rowid LIMIT 1000`,
      eventId,
    )
    .toArray()
    .map((r) => ({
      kind: r.kind,
      path: r.path,
      queuedAt: r.queued,
      ...(r.live !== null && { liveAt: r.live, verdict: r.verdict as 'fresh' | 'gone' }),
    }));
}
