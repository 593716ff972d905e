// Admin: the purge schedulers — status, manual purges, event journeys, dead letters and resuming a held queue.
import { Hono } from '../lib/hono';
import { badRequest, notFound } from '../errors';
import { newId } from '../lib/log';
import { enqueueWork } from '../purge/enqueue';
import { schedulerFor } from '../purge/scheduler';
import type { EnqueueItem } from '../purge/queue-store';
import type { CallKind } from '../rules/schema';
import { DeadLetterBody, PurgeBody, readJson } from './bodies';
import { withLive } from './live';
import { describeWaiting } from './waiting';
import { MANUAL_LOG, logRun } from '../sources/runs';
import { requireConfig, requireDistribution } from './lookup';

export const schedulerRoutes = new Hono<{ Bindings: Env }>()
  .get('/status', async (c) => {
    const loaded = await requireConfig(c.env);
    const distributions = await Promise.all(
      Object.entries(loaded.config.distributions).map(async ([name, d]) => {
        const status = await schedulerFor(c.env, d.id).status(d);
        return { distribution: name, distributionId: d.id, ...status, waiting: describeWaiting(status) };
      }),
    );
    return c.json({ configVersion: loaded.version, distributions });
  })
  .post('/purge', async (c) => {
    const input = await readJson(c.req.raw, PurgeBody);
    const { loaded } = await requireDistribution(c.env, input.distribution);
    const items = (kind: CallKind, paths: string[]): EnqueueItem[] =>
      paths.map((path) => ({ kind, path, priority: 0, ruleId: 'manual' }));
    const all = input.all ? items('all', ['']) : [];
    const work = [
      ...all,
      ...items('url', input.paths),
      ...items('pattern', input.patterns),
      ...items('prefetch', input.prefetch),
    ];
    if (work.length === 0) throw badRequest('give paths, patterns, prefetch paths or "all": true');
    const eventId = newId('man');
    const startedAt = Date.now();
    const estimate = await enqueueWork(c.env, loaded.config, [{ distribution: input.distribution, items: work }], eventId);
    await logRun(c.env, MANUAL_LOG, {
      at: startedAt,
      eventId,
      action: 'purge',
      paths: work.length,
      durationMs: Date.now() - startedAt,
    });
    const { paths, patterns, prefetch } = input;
    const counts = { paths: paths.length, patterns: patterns.length, prefetch: prefetch.length, all: input.all };
    return c.json({ eventId, ...counts, ...estimate }, 202);
  })
  .get('/events/:id', async (c) => {
    const loaded = await requireConfig(c.env);
    const eventId = c.req.param('id');
    const found = await Promise.all(
      Object.entries(loaded.config.distributions).map(async ([name, d]) => {
        const scheduler = schedulerFor(c.env, d.id);
        const [paths, live] = await Promise.all([scheduler.journey(eventId), scheduler.liveTimes(eventId)]);
        return { distribution: name, paths: withLive(paths, live) };
      }),
    );
    const distributions = found.filter((d) => d.paths.length > 0);
    if (distributions.length === 0) throw notFound(`no record of event "${eventId}": unknown, or older than the ledger keeps`);
    return c.json({ eventId, distributions });
  })
  .get('/distributions/:name/dead-letters', async (c) => {
    const { scheduler } = await requireDistribution(c.env, c.req.param('name'));
    return c.json({ deadLetters: await scheduler.deadLetters() });
  })
  .post('/distributions/:name/dead-letters/:action{retry|drop}', async (c) => {
    const input = await readJson(c.req.raw, DeadLetterBody);
    const { scheduler } = await requireDistribution(c.env, c.req.param('name'));
    const action = c.req.param('action') as 'retry' | 'drop';
    const count = await scheduler.resolveDeadLetters(action, 'paths' in input ? input.paths : undefined);
    return c.json({ [action === 'retry' ? 'retried' : 'dropped']: count });
  })
  .get('/distributions/:name/timeline', async (c) => {
    const { scheduler } = await requireDistribution(c.env, c.req.param('name'));
    return c.json(await scheduler.timeline());
  })
  .post('/distributions/:name/resume', async (c) => {
    const { scheduler, config } = await requireDistribution(c.env, c.req.param('name'));
    await scheduler.resume();
    return c.json(await scheduler.status(config));
  });
