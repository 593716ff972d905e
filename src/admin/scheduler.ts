// Admin: the purge schedulers — status per distribution and manual purges through the same queue.
import { Hono } from 'hono';
import { badRequest, notFound } from '../errors';
import { newId } from '../lib/log';
import { addPurgeAll, collectWork, enqueueWork, schedulerFor } from '../purge/enqueue';
import { PurgeBody, readJson } from './bodies';
import { requireConfig } from './config';

export const schedulerRoutes = new Hono<{ Bindings: Env }>()
  .get('/status', async (c) => {
    const loaded = await requireConfig(c.env);
    const distributions = await Promise.all(
      Object.entries(loaded.config.distributions).map(async ([name, d]) => ({
        ...(await schedulerFor(c.env, d.id).status()),
        distribution: name,
        distributionId: d.id,
      })),
    );
    return c.json({ configVersion: loaded.version, distributions });
  })
  .post('/purge', async (c) => {
    const input = await readJson(c.req.raw, PurgeBody);
    const loaded = await requireConfig(c.env);
    if (!(input.distribution in loaded.config.distributions)) throw notFound(`unknown distribution "${input.distribution}"`);
    if (!input.all && input.paths.length === 0 && input.prefetch.length === 0) throw badRequest('give paths, prefetch paths or "all": true');
    const work = collectWork([{ ruleId: 'manual', distribution: input.distribution, purge: input.paths, prefetch: input.prefetch, skipped: [] }]);
    if (input.all) addPurgeAll(work, input.distribution);
    const eventId = newId('man');
    await enqueueWork(c.env, loaded.config, work, eventId);
    return c.json({ eventId, paths: input.paths.length, prefetch: input.prefetch.length, all: input.all }, 202);
  });
