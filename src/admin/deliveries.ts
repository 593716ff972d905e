// Admin: the recent webhooks of every configured source (or one), newest first, from each SourceState's
// Deliveries log: verified deliveries, and apart from them the refusals and repeats counted per minute and
// reason (so a flood of unsigned requests cannot push an accepted delivery out); `?event=` gives one event's.
import { Hono } from '../lib/hono';
import { badRequest } from '../errors';
import { DELIVERY_LOG_LIMIT, type DeliveryEntry, type RefusalRow } from '../sources/recent-deliveries';
import { runLogs } from '../sources/runs';
import { sourceStateFor } from '../sources/state';
import { requireConfig, requireSource } from './lookup';

export const OUTCOMES = ['accepted', 'duplicate', 'rejected', 'failed'] as const;

function limitOf(text: string | undefined): number {
  if (text === undefined) return 100;
  if (!/^[1-9]\d{0,5}$/.test(text)) throw badRequest(`limit must be a whole number from 1 to ${DELIVERY_LOG_LIMIT}`);
  return Math.min(Number(text), DELIVERY_LOG_LIMIT);
}

export const deliveryRoutes = new Hono<{ Bindings: Env }>().get('/deliveries', async (c) => {
  const source = c.req.query('source');
  const outcome = c.req.query('outcome');
  const eventId = c.req.query('event');
  const limit = limitOf(c.req.query('limit'));
  if (outcome !== undefined && !(OUTCOMES as readonly string[]).includes(outcome))
    throw badRequest(`outcome must be one of ${OUTCOMES.join(', ')}`);
  const { config } = await requireConfig(c.env);
  // Manual and scheduled purges have logs of their own, listed after the sources.
  const runs = runLogs(config.schedules);
  const sources = source
    ? [runs.includes(source) ? source : (await requireSource(c.env, source), source)]
    : [...Object.keys(config.sources), ...runs];
  // A source whose log cannot be read is left out and named, so one broken object does not hide the rest.
  const unreadable: string[] = [];
  const logs = await Promise.all(
    sources.map((s) =>
      sourceStateFor(c.env, s)
        .deliveryLog(limit, eventId)
        .catch(() => (unreadable.push(s), { deliveries: [] as DeliveryEntry[], refusals: [] as RefusalRow[] })),
    ),
  );
  const wanted = (e: { outcome: string }) => outcome === undefined || e.outcome === outcome;
  const deliveries = logs
    .flatMap((l) => l.deliveries)
    .filter(wanted)
    .sort((a, b) => b.at - a.at)
    .slice(0, limit);
  const refusals = logs
    .flatMap((l) => l.refusals)
    .filter(wanted)
    .sort((a, b) => b.lastAt - a.lastAt)
    .slice(0, limit);
  return c.json({ deliveries, refusals, unreadable });
});
