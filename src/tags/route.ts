// POST /tags/{distribution}: the origin (or an edge snippet) reports the tags of pages it served, with its own token.
import { Hono } from '../lib/hono';
import { misconfigured, notFound } from '../errors';
import { bearerAuth } from '../lib/bearer';
import { readBodyLimited } from '../lib/body';
import { schedulerFor } from '../purge/scheduler';
import type { DistributionConfig } from '../rules/schema';
import { loadConfigOr503 } from '../rules/store';
import { workerSecret } from '../settings';
import { MAX_REPORT_BYTES, parseReport } from './report';

type TagsEnv = { Bindings: Env; Variables: { distribution: DistributionConfig; secret: string } };

/** The distribution named in the path and the token its `tags.reportSecret` names (404 / 500 otherwise). */
async function reportToken(c: Parameters<Parameters<typeof bearerAuth<TagsEnv>>[0]['token']>[0]): Promise<string> {
  const name = c.req.param('distribution') ?? '';
  const loaded = await loadConfigOr503(c.env.CONFIG);
  const distribution = loaded?.config.distributions[name];
  if (!distribution) throw notFound(`unknown distribution "${name}"`);
  const secret = distribution.tags.reportSecret;
  if (!secret) throw notFound(`tag reporting is off for distribution "${name}": set tags.reportSecret`);
  const expected = workerSecret(c.env, secret);
  if (expected === undefined)
    throw misconfigured(`distribution "${name}" names secret ${secret} in tags.reportSecret, which is not set`);
  c.set('distribution', distribution);
  c.set('secret', secret);
  return expected;
}

export const tagRoutes = new Hono<TagsEnv>().post(
  '/:distribution',
  bearerAuth<TagsEnv>({ realm: 'purge-relay tags', token: reportToken, name: (c) => c.get('secret'), what: 'tag report token' }),
  async (c) => {
    const distribution = c.get('distribution');
    const reports = parseReport(await readBodyLimited(c.req.raw, MAX_REPORT_BYTES));
    const learned = await schedulerFor(c.env, distribution.id).learnTags(distribution, reports);
    return c.json({ distribution: c.req.param('distribution'), ...learned });
  },
);
