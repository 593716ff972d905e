// Admin: the tag index (which paths a tag reaches, which tags a path carries, when last seen) and starting a crawl.
import { Hono } from '../lib/hono';
import { RelayError, badRequest } from '../errors';
import { requireDistribution } from './lookup';

const iso = (at: number) => new Date(at).toISOString();

function distributionOf(env: Env, name: string | undefined) {
  if (!name) throw badRequest('give ?distribution=<name>');
  return requireDistribution(env, name);
}

export const tagRoutes = new Hono<{ Bindings: Env }>()
  .get('/tags', async (c) => {
    const name = c.req.query('distribution');
    const { config, scheduler } = await distributionOf(c.env, name);
    const tag = c.req.query('tag');
    const path = c.req.query('path');
    if (tag !== undefined) {
      const paths = await scheduler.tagPaths(tag, config);
      const over = paths.length > config.tags.expandLimit;
      return c.json({
        distribution: name,
        tag,
        count: paths.length,
        expandLimit: config.tags.expandLimit,
        // Past the limit, a purge of this tag is folded into patterns (docs/tags.md).
        folds: over,
        paths: paths.map((p) => ({ path: p.path, lastSeen: iso(p.seenAt) })),
      });
    }
    if (path !== undefined) {
      const tags = await scheduler.pathTags(path);
      return c.json({ distribution: name, path, tags: tags.map((t) => ({ tag: t.tag, lastSeen: iso(t.seenAt) })) });
    }
    return c.json({ distribution: name, ...(await scheduler.tagStatus()) });
  })
  .post('/distributions/:name/crawl', async (c) => {
    const name = c.req.param('name');
    const { config, scheduler } = await distributionOf(c.env, name);
    if (!config.tags.crawl) throw new RelayError(409, `distribution "${name}" has no tags.crawl config`);
    return c.json(await scheduler.startCrawl({ name, config }), 202);
  });
