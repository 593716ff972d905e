// POST /tags/{distribution}: the origin (or an edge snippet) reports the tags of pages it served, with its own token.
import { Hono } from '../lib/hono';
import { misconfigured, notFound, unauthorized } from '../errors';
import { tokensEqual } from '../providers/crypto';
import { schedulerFor } from '../purge/enqueue';
import { readBodyLimited } from '../webhooks/body';
import { loadConfigOr503 } from '../webhooks/receive';
import { MAX_REPORT_BYTES, parseReport } from './report';

export const tagRoutes = new Hono<{ Bindings: Env }>().post('/:distribution', async (c) => {
  const name = c.req.param('distribution');
  const loaded = await loadConfigOr503(c.env.CONFIG);
  const distribution = loaded?.config.distributions[name];
  if (!distribution) throw notFound(`unknown distribution "${name}"`);
  const secret = distribution.tags.reportSecret;
  if (!secret) throw notFound(`tag reporting is off for distribution "${name}": set tags.reportSecret`);
  // Boundary: the secret is not in the generated Env type.
  const expected = (c.env as unknown as Record<string, unknown>)[secret];
  if (typeof expected !== 'string' || expected === '')
    throw misconfigured(`distribution "${name}" names secret ${secret} in tags.reportSecret, which is not set`);
  const match = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
  if (!match?.[1] || !(await tokensEqual(match[1].trim(), expected))) {
    c.header('WWW-Authenticate', 'Bearer realm="purge-relay tags"');
    throw unauthorized(match ? 'tag report token does not match' : `missing Authorization: Bearer <${secret}> header`);
  }
  const reports = parseReport(await readBodyLimited(c.req.raw, MAX_REPORT_BYTES));
  const learned = await schedulerFor(c.env, distribution.id).learnTags(distribution, reports);
  return c.json({ distribution: name, ...learned });
});
