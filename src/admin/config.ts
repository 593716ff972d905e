// Admin: read and replace the config document (validated; an invalid one is never stored), its JSON Schema,
// and its history (config-versions.ts).
import { Hono } from '../lib/hono';
import { RelayError } from '../errors';
import { staticDocument } from '../lib/assets';
import { log } from '../lib/log';
import { parseConfig, type RelayConfig } from '../rules/schema';
import { saveConfig } from '../rules/store';
import { workerSecret } from '../settings';
import { readJsonValue } from './bodies';
import { requireConfig } from './lookup';

/** Secrets a config names that the Worker does not have: saved anyway, but worth a warning. */
function missingSecrets(env: Env, config: RelayConfig): string[] {
  const tagSecrets = Object.entries(config.distributions).flatMap(([name, d]) =>
    d.tags.reportSecret && workerSecret(env, d.tags.reportSecret) === undefined
      ? [`distribution "${name}": Worker secret ${d.tags.reportSecret} (tags.reportSecret) is not set`]
      : [],
  );
  return [
    ...Object.entries(config.sources).flatMap(([id, s]) =>
      s.secrets
        .filter((name) => workerSecret(env, name) === undefined)
        .map((name) => `source "${id}": Worker secret ${name} is not set`),
    ),
    ...tagSecrets,
  ];
}

export const configRoutes = new Hono<{ Bindings: Env }>()
  // The generated file (static/), which a test keeps equal to the schema generated from the zod schema.
  .get('/config/schema', (c) =>
    c.body(JSON.stringify(staticDocument('config.schema.json')), 200, { 'content-type': 'application/schema+json' }),
  )
  .get('/config', async (c) => {
    const loaded = await requireConfig(c.env);
    return c.json({ version: loaded.version, savedAt: loaded.savedAt, config: loaded.document });
  })
  .put('/config', async (c) => {
    const document = await readJsonValue(c.req.raw);
    const parsed = parseConfig(document);
    if (!parsed.ok) {
      const count = parsed.issues.length;
      const first = parsed.issues[0]!;
      // The summary names the first field, so a log line or a terminal shows where to look.
      throw new RelayError(
        422,
        `config is invalid (${count} problem${count > 1 ? 's' : ''}, first at ${first.path}: ${first.message}); nothing was saved`,
        {
          details: { issues: parsed.issues },
        },
      );
    }
    // `?dryRun=1` validates only (the console's check and `purge-relay config validate`): nothing is saved.
    if (/^(1|true)$/.test(c.req.query('dryRun') ?? ''))
      return c.json({ valid: true, warnings: missingSecrets(c.env, parsed.config) });
    const saved = await saveConfig(c.env.CONFIG, document, Date.now(), { config: parsed.config });
    log('info', 'config saved', { version: saved.version, rules: saved.config.rules.length });
    return c.json({ version: saved.version, savedAt: saved.savedAt, warnings: missingSecrets(c.env, parsed.config) });
  });
