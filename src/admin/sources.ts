// Admin: each configured source's health from its Deliveries log (accepted and refused in the last hour, and
// whether every recent delivery is refused, with why): the overview's Sources table and its banner.
import { Hono } from '../lib/hono';
import { DELIVERY_LOG_LIMIT } from '../sources/recent-deliveries';
import { SOURCE_HEALTH_WINDOW_MS, sourceHealth } from '../sources/health';
import { sourceStateFor } from '../sources/state';
import { requireConfig } from './lookup';

export const sourceRoutes = new Hono<{ Bindings: Env }>().get('/sources', async (c) => {
  const { config } = await requireConfig(c.env);
  const now = Date.now();
  // A source whose log cannot be read is named as such, so one broken object does not hide the rest.
  const sources = await Promise.all(
    Object.entries(config.sources).map(async ([source, s]) => {
      try {
        const log = await sourceStateFor(c.env, source).deliveryLog(DELIVERY_LOG_LIMIT);
        return { source, provider: s.provider, ...sourceHealth(log, now) };
      } catch {
        return { source, provider: s.provider, health: 'unknown' as const, advice: "the source's log could not be read" };
      }
    }),
  );
  return c.json({ windowMs: SOURCE_HEALTH_WINDOW_MS, sources });
});
