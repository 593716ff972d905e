// Admin: the recent webhooks of every configured source (or one), newest first, from each SourceState's
// Deliveries log; `?event=` gives the deliveries that carried one event.
import { Hono } from '../lib/hono';
import { badRequest } from '../errors';
import { DELIVERY_LOG_LIMIT, type DeliveryEntry } from '../sources/recent-deliveries';
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
  const sources = source
    ? [(await requireSource(c.env, source), source)]
    : Object.keys((await requireConfig(c.env)).config.sources);
  // A source whose log cannot be read is left out and named, so one broken object does not hide the rest.
  const unreadable: string[] = [];
  const lists = await Promise.all(
    sources.map((s) =>
      sourceStateFor(c.env, s)
        .recentDeliveries(limit, eventId)
        .catch(() => (unreadable.push(s), [] as DeliveryEntry[])),
    ),
  );
  const deliveries = lists
    .flat()
    .filter((e) => outcome === undefined || e.outcome === outcome)
    .sort((a, b) => b.at - a.at)
    .slice(0, limit);
  return c.json({ deliveries, unreadable });
});
