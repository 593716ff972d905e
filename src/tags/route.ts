// POST /tags/{distribution}: the origin (or an edge snippet) reports the tags of pages it served, with its own token.
import { Hono } from '../lib/hono';
import { notFound } from '../errors';
import { clientKey, recordFailure, waitBeforeTrying } from '../lib/auth-throttle';
import { bearerAuth } from '../lib/bearer';
import { readBodyLimited } from '../lib/body';
import { schedulerFor } from '../purge/scheduler';
import type { DistributionConfig } from '../rules/schema';
import { loadConfigOr503 } from '../rules/store';
import { requireSecret } from '../settings';
import { MAX_REPORT_BYTES, parseReport } from './report';

type TagsEnv = { Bindings: Env; Variables: { distribution: DistributionConfig; secret: string } };

/**
 * The distribution named in the path and the token its `tags.reportSecret` names; otherwise 404 (one message
 * for an unknown distribution and one without reporting) or a 500 that names no secret (anyone can ask).
 */
async function reportToken(c: Parameters<Parameters<typeof bearerAuth<TagsEnv>>[0]['token']>[0]): Promise<string> {
  const name = c.req.param('distribution') ?? '';
  const loaded = await loadConfigOr503(c.env.CONFIG);
  const distribution = loaded?.config.distributions[name];
  const secret = distribution?.tags.reportSecret;
  if (!distribution || !secret) throw notFound(`no tag reporting for distribution "${name}"`);
  const expected = requireSecret(c.env, secret, `distribution "${name}" (tags.reportSecret)`);
  c.set('distribution', distribution);
  c.set('secret', secret);
  return expected;
}

export const tagRoutes = new Hono<TagsEnv>().post(
  '/:distribution',
  bearerAuth<TagsEnv>({
    realm: 'purge-relay tags',
    token: reportToken,
    throttle: {
      wait: (c) => waitBeforeTrying(clientKey('tags', c.req.raw.headers)),
      failed: (c) => recordFailure(c.env, clientKey('tags', c.req.raw.headers)),
    },
  }),
  async (c) => {
    const distribution = c.get('distribution');
    const reports = parseReport(await readBodyLimited(c.req.raw, MAX_REPORT_BYTES));
    const learned = await schedulerFor(c.env, distribution.id).learnTags(distribution, reports);
    return c.json({ distribution: c.req.param('distribution'), ...learned });
  },
);
