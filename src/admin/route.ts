// The admin API under /admin: config, preview, status and manual purges. Bearer-token protected.
import { Hono } from 'hono';
import { RelayError, badRequest, notFound } from '../errors';
import { createEvent } from '../providers/event';
import { getProvider } from '../providers/registry';
import { parseJsonBody } from '../providers/support';
import { collectWork, enqueueWork, schedulerFor } from '../purge/enqueue';
import { matchEvent } from '../rules/matcher';
import { parseConfig } from '../rules/schema';
import { saveConfig } from '../rules/store';
import { utf8 } from '../lib/bytes';
import { log, newId } from '../lib/log';
import { loadConfigOr503 } from '../webhooks/receive';
import { requireAdmin } from './auth';
import { PreviewBody, PurgeBody, readJson } from './bodies';

type AdminEnv = { Bindings: Env };

async function requireConfig(env: Env) {
  const loaded = await loadConfigOr503(env.CONFIG);
  if (!loaded) throw notFound('no config has been saved yet: PUT /admin/config');
  return loaded;
}

/** Secrets a config names that the Worker does not have: saved anyway, but worth a warning. */
function missingSecrets(env: Env, config: { sources: Record<string, { secrets: string[] }> }): string[] {
  const values = env as unknown as Record<string, unknown>;
  return Object.entries(config.sources).flatMap(([id, s]) =>
    s.secrets.filter((name) => typeof values[name] !== 'string').map((name) => `source "${id}": Worker secret ${name} is not set`),
  );
}

export const adminRoutes = new Hono<AdminEnv>()
  .use('*', requireAdmin)
  .get('/config', async (c) => {
    const loaded = await requireConfig(c.env);
    return c.json({ version: loaded.version, savedAt: loaded.savedAt, config: loaded.document });
  })
  .put('/config', async (c) => {
    let document: unknown;
    try {
      document = await c.req.json();
    } catch {
      throw badRequest('body is not valid JSON');
    }
    const parsed = parseConfig(document);
    if (!parsed.ok) {
      throw new RelayError(422, `config is invalid (${parsed.issues.length} problem${parsed.issues.length > 1 ? 's' : ''}); nothing was saved`, {
        details: { issues: parsed.issues },
      });
    }
    const saved = await saveConfig(c.env.CONFIG, document);
    log('info', 'config saved', { version: saved.version, rules: saved.config.rules.length });
    return c.json({ version: saved.version, savedAt: saved.savedAt, warnings: missingSecrets(c.env, parsed.config) });
  })
  .post('/preview', async (c) => {
    const input = await readJson(c.req.raw, PreviewBody);
    const loaded = await requireConfig(c.env);
    const source = loaded.config.sources[input.source];
    const provider = source && getProvider(source.provider);
    if (!source || !provider) throw notFound(`unknown source "${input.source}"`);
    const raw = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    const request = { method: 'POST', url: new URL(c.req.url), headers: new Headers(input.headers), body: utf8(raw) };
    const event = createEvent(provider, input.source, source, request, parseJsonBody(request.body));
    const result = matchEvent(loaded, event);
    const work = collectWork(result.matches);
    return c.json({ event, matches: result.matches, misses: result.misses, work });
  })
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
    if (input.all) {
      const all = { kind: 'all', path: '', priority: 0 } as const;
      if (work[0]) work[0].items.push(all);
      else work.push({ distribution: input.distribution, items: [all] });
    }
    const eventId = newId('man');
    await enqueueWork(c.env, loaded.config, work, eventId);
    return c.json({ eventId, paths: input.paths.length, prefetch: input.prefetch.length, all: input.all }, 202);
  });
