// Admin: the config's history — list versions, show one, diff two, roll back (a new version equal to an old one).
import { Hono } from '../lib/hono';
import * as z from 'zod/mini';
import { RelayError, badRequest, notFound } from '../errors';
import { log } from '../lib/log';
import { jsonChanges } from '../rules/diff';
import { parseConfig } from '../rules/schema';
import { listVersions, readVersionDocument, saveConfig } from '../rules/store';
import { readJson } from './bodies';
import { requireConfig } from './lookup';

const RollbackBody = z.strictObject({ version: z.number().check(z.int(), z.positive()) });

function versionNumber(text: string | undefined, what: string): number {
  if (text === undefined || !/^[1-9]\d{0,7}$/.test(text)) throw badRequest(`${what} must be a version number (1, 2, ...)`);
  return Number(text);
}

async function requireVersion(kv: KVNamespace, version: number) {
  const found = await readVersionDocument(kv, version);
  if (!found) throw notFound(`config version ${version} does not exist`);
  return found;
}

export const versionRoutes = new Hono<{ Bindings: Env }>()
  .get('/config/versions', async (c) => {
    const loaded = await requireConfig(c.env);
    const page = await listVersions(c.env.CONFIG, c.req.query('cursor'));
    return c.json({ current: loaded.version, ...page });
  })
  .get('/config/versions/:version', async (c) => {
    const { info, document } = await requireVersion(c.env.CONFIG, versionNumber(c.req.param('version'), 'the version'));
    return c.json({ ...info, config: document });
  })
  .get('/config/diff', async (c) => {
    const from = versionNumber(c.req.query('from'), '"from"');
    const to = c.req.query('to') === undefined ? (await requireConfig(c.env)).version : versionNumber(c.req.query('to'), '"to"');
    const [a, b] = await Promise.all([requireVersion(c.env.CONFIG, from), requireVersion(c.env.CONFIG, to)]);
    return c.json({ from, to, changes: jsonChanges(a.document, b.document) });
  })
  .post('/config/rollback', async (c) => {
    const { version } = await readJson(c.req.raw, RollbackBody);
    const { document } = await requireVersion(c.env.CONFIG, version);
    // An old version may not satisfy today's schema (a provider renamed, say): it is checked again.
    const parsed = parseConfig(document);
    if (!parsed.ok) {
      throw new RelayError(422, `config version ${version} is no longer valid; nothing was saved`, {
        details: { issues: parsed.issues },
      });
    }
    const saved = await saveConfig(c.env.CONFIG, document, Date.now(), { rolledBackFrom: version, config: parsed.config });
    log('info', 'config rolled back', { version: saved.version, rolledBackFrom: version });
    return c.json({ version: saved.version, savedAt: saved.savedAt, rolledBackFrom: version });
  });
