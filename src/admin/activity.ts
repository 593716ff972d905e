// Admin: the latest Gotipath calls of every distribution (or one), newest first, each with all its paths, its
// answer and the events behind it; filters by status and path. The console's Activity page and `purge-relay tail`.
import { Hono } from '../lib/hono';
import { badRequest } from '../errors';
import { CALL_LOG_MS } from '../purge/call-log';
import type { LedgerCall } from '../purge/ledger';
import { schedulerFor } from '../purge/scheduler';
import { requireConfig, requireDistribution } from './lookup';

/** At most this many calls per answer. */
export const ACTIVITY_LIMIT = 200;

function numberIn(text: string | undefined, name: string, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,16}$/.test(text) || Number(text) > max) throw badRequest(`${name} must be a whole number from 0 to ${max}`);
  return Number(text);
}

export const activityRoutes = new Hono<{ Bindings: Env }>().get('/activity', async (c) => {
  const now = Date.now();
  const name = c.req.query('distribution');
  const status = c.req.query('status');
  if (status !== undefined && status !== 'ok' && status !== 'failed') throw badRequest('status must be "ok" or "failed"');
  const path = c.req.query('path');
  if (path !== undefined && (path.length === 0 || path.length > 2048)) throw badRequest('path must be 1 to 2,048 characters');
  const limit = Math.max(1, numberIn(c.req.query('limit'), 'limit', ACTIVITY_LIMIT, 50));
  // Calls after `since` (ms since the epoch), within the ledger's reach; `tail` passes its last one.
  const since = Math.max(numberIn(c.req.query('since'), 'since', now, now - CALL_LOG_MS), now - 3 * 86_400_000);
  const distributions = name
    ? [[name, (await requireDistribution(c.env, name)).config.id] as const]
    : Object.entries((await requireConfig(c.env)).config.distributions).map(([n, d]) => [n, d.id] as const);
  const unreadable: string[] = [];
  const lists = await Promise.all(
    distributions.map(async ([distribution, id]) => {
      try {
        const calls = await schedulerFor(c.env, id).calls({ since, limit, path, status });
        return calls.map((call) => ({ distribution, ...call }));
      } catch {
        unreadable.push(distribution);
        return [] as (LedgerCall & { distribution: string })[];
      }
    }),
  );
  const calls = lists
    .flat()
    .sort((a, b) => b.at - a.at)
    .slice(0, limit);
  return c.json({ calls, unreadable });
});
