// What a scheduler pass changed that people should hear of, read from its own tables after the pass is stored: a
// hold begun or lifted, new dead letters, escalations, paths past the staleness target, and (verification on)
// events all live or stuck. Handed to the Notifier in one fire-and-forget call; a mark in meta says what was told.
import { log } from '../lib/log';
import type { NotifyEvent } from '../notify/events';
import { notifyFor } from '../notify/client';
import type { DistributionConfig } from '../rules/schema';
import type { SchedulerState } from './outcome';
import type { QueueStore } from './queue-store';

/** What the last pass told, kept in the scheduler's meta as `notices`. */
export interface NoticeMark {
  at: number;
  held?: { since: number };
  /** The oldest overdue path's queue time, once told: one staleness message per episode. */
  staleSince?: number;
}

const HELD = ['unauthorized', 'refused'];

function healthEvents(state: SchedulerState, mark: NoticeMark, name: string, pending: number, now: number): NotifyEvent[] {
  const held = HELD.includes(state.health);
  if (held && !mark.held) {
    const since = state.hold?.at ?? state.lastError?.at ?? now;
    mark.held = { since };
    const { status = 0, message = '' } = state.hold ?? state.lastError ?? {};
    const reason = state.health === 'unauthorized' ? 'unauthorized' : 'refused';
    return [{ type: 'distribution.held', distribution: name, reason, status, message, since, at: now }];
  }
  if (!held && mark.held) {
    const heldSince = mark.held.since;
    delete mark.held;
    return [{ type: 'distribution.resumed', distribution: name, heldSince, pending, at: now }];
  }
  return [];
}

type Row = Record<string, SqlStorageValue>;
const rows = (sql: SqlStorage, query: string, ...args: SqlStorageValue[]) => sql.exec<Row>(query, ...args).toArray();

function deadLetterEvents(sql: SqlStorage, name: string, since: number, now: number): NotifyEvent[] {
  return rows(
    sql,
    `SELECT kind, path, status, message, at, event, rule FROM dead_letters WHERE at > ? AND at <= ? ORDER BY at`,
    since,
    now,
  ).map((r) => ({
    type: 'dead_letter.added',
    distribution: name,
    kind: String(r.kind),
    path: String(r.path),
    status: Number(r.status),
    message: String(r.message),
    ...(r.event !== null && { eventId: String(r.event) }),
    ...(r.rule !== null && { rule: String(r.rule) }),
    at: Number(r.at),
  }));
}

function escalationEvents(sql: SqlStorage, name: string, since: number, now: number): NotifyEvent[] {
  return rows(
    sql,
    `SELECT at, action, reason, paths, patterns FROM escalations WHERE at > ? AND at <= ? ORDER BY at`,
    since,
    now,
  ).map((r) => ({
    type: 'escalation',
    distribution: name,
    action: String(r.action),
    reason: String(r.reason),
    paths: Number(r.paths),
    patterns: JSON.parse(String(r.patterns)) as string[],
    at: Number(r.at),
  }));
}

function stalenessEvents(
  sql: SqlStorage,
  mark: NoticeMark,
  name: string,
  config: DistributionConfig,
  now: number,
): NotifyEvent[] {
  const target = config.targetStalenessMs;
  const [row] = rows(
    sql,
    `SELECT count(*) AS n, min(enqueued_at) AS oldest FROM queue WHERE kind <> 'prefetch' AND enqueued_at < ?`,
    now - target,
  );
  const n = Number(row?.n ?? 0);
  if (n === 0) return (delete mark.staleSince, []);
  if (mark.staleSince !== undefined) return [];
  const oldest = Number(row!.oldest);
  mark.staleSince = oldest;
  return [{ type: 'staleness.missed', distribution: name, paths: n, oldestMs: now - oldest, targetMs: target, at: now }];
}

/**
 * Verification's verdicts (ledger rows `checked` with detail fresh|stale|gone|unknown, and `stuck`): an event whose
 * queued URL paths all have a fresh check is live; each path given up as `stuck` makes its event stuck.
 */
export function verdictEvents(sql: SqlStorage, name: string, since: number, now: number): NotifyEvent[] {
  const touched = rows(
    sql,
    `SELECT DISTINCT q.event AS event FROM ledger c JOIN ledger q ON q.kind = c.kind AND q.path = c.path AND q.step = 'queued' AND q.at <= c.at
     WHERE ((c.step = 'checked' AND c.detail = 'fresh') OR c.step = 'stuck') AND c.at > ? AND c.at <= ? AND q.event IS NOT NULL`,
    since,
    now,
  ).map((r) => String(r.event));
  const events: NotifyEvent[] = [];
  for (const eventId of touched) {
    const paths = rows(
      sql,
      `SELECT q.path AS path, q.rule AS rule, min(q.at) AS queued,
         (SELECT min(c.at) FROM ledger c WHERE c.kind = q.kind AND c.path = q.path AND c.step = 'checked' AND c.detail = 'fresh' AND c.at >= q.at) AS fresh,
         (SELECT max(c.at) FROM ledger c WHERE c.kind = q.kind AND c.path = q.path AND c.step = 'stuck' AND c.at >= q.at) AS stuck
       FROM ledger q WHERE q.event = ? AND q.step = 'queued' AND q.kind = 'url' GROUP BY q.path`,
      eventId,
    );
    if (paths.length === 0) continue;
    const rules = [...new Set(paths.flatMap((p) => (p.rule === null ? [] : [String(p.rule)])))];
    const stuck = paths.filter((p) => p.stuck !== null && Number(p.stuck) > since).map((p) => String(p.path));
    if (stuck.length > 0) events.push({ type: 'event.stuck', eventId, distribution: name, paths: stuck, rules, at: now });
    else if (paths.every((p) => p.fresh !== null)) {
      const queued = Math.min(...paths.map((p) => Number(p.queued)));
      const live = Math.max(...paths.map((p) => Number(p.fresh)));
      events.push({
        type: 'event.live',
        eventId,
        distribution: name,
        pages: paths.length,
        seconds: Math.round((live - queued) / 1000),
        rules,
        at: now,
      });
    }
  }
  return events;
}

/** Reads what changed since the last mark, advances it, and hands the events to the Notifier (never awaited). */
export function noticePass(
  env: Env,
  sql: SqlStorage,
  store: QueueStore,
  state: SchedulerState,
  distribution: { name: string; config: DistributionConfig },
  now: number,
): void {
  try {
    // No mark yet: everything the tables hold is news (the first pass may already hold dead letters or an escalation).
    const mark = store.getMeta<NoticeMark>('notices') ?? { at: 0 };
    const { name, config } = distribution;
    const pending = store.counts().reduce((sum, c) => sum + c.pending, 0);
    const events = [
      ...healthEvents(state, mark, name, pending, now),
      ...deadLetterEvents(sql, name, mark.at, now),
      ...escalationEvents(sql, name, mark.at, now),
      ...stalenessEvents(sql, mark, name, config, now),
      ...verdictEvents(sql, name, mark.at, now),
    ];
    store.setMeta('notices', { ...mark, at: now });
    notifyFor(env).post(events);
  } catch (error) {
    // Telling is never worth failing a pass over; the next pass reads from the same mark.
    log('warn', 'could not read what to notify', { distribution: distribution.name, error: String(error) });
  }
}
