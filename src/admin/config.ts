// Admin: read and replace the config document (validated; an invalid one is never stored), its JSON Schema,
// and its history (config-versions.ts).
import { Hono } from '../lib/hono';
import { RelayError } from '../errors';
import { staticDocument } from '../lib/assets';
import { log } from '../lib/log';
import { notificationIssues } from '../notify/secrets';
import { parseConfig, type ParseConfigResult, type RelayConfig } from '../rules/schema';
import { saveConfig } from '../rules/store';
import { deployedCrons, unscheduledCrons } from '../doctor/config';
import { secretValueProblem, workerSecret } from '../settings';
import { readJsonValue } from './bodies';
import { requireConfig } from './lookup';

/** What is wrong with a secret the config names, as a warning (never its value), or undefined. */
function secretWarning(env: Env, name: string, label = name): string | undefined {
  const value = workerSecret(env, name);
  if (value === undefined) return `Worker secret ${label} is not set`;
  const problem = secretValueProblem(value);
  return problem && `Worker secret ${label} ${problem}: its requests are answered 500 until it is set`;
}

/** Secrets a config names that the Worker does not have, or that are blank: saved anyway, but worth a warning. */
function secretWarnings(env: Env, config: RelayConfig): string[] {
  const tagSecrets = Object.entries(config.distributions).flatMap(([name, d]) => {
    const secret = d.tags.reportSecret;
    const warning = secret && secretWarning(env, secret, `${secret} (tags.reportSecret)`);
    return warning ? [`distribution "${name}": ${warning}`] : [];
  });
  // Origin steps' secrets: a missing one fails its step (retried, the CDN purge held) until it is set.
  const originSecrets = Object.entries(config.distributions).flatMap(([name, d]) =>
    d.origin.steps.flatMap((step, i) => {
      const names = [
        ...('secret' in step ? [step.secret] : []),
        ...Object.values('secretHeaders' in step ? step.secretHeaders : {}).map((h) => h.secret),
      ];
      return names.flatMap((secret) => {
        const warning = secretWarning(env, secret, `${secret} (origin.steps[${i}])`);
        return warning ? [`distribution "${name}": ${warning}`] : [];
      });
    }),
  );
  return [
    ...Object.entries(config.sources).flatMap(([id, s]) =>
      s.secrets.flatMap((name) => {
        const warning = secretWarning(env, name);
        return warning ? [`source "${id}": ${warning}`] : [];
      }),
    ),
    ...tagSecrets,
    ...originSecrets,
  ];
}

/** A valid document whose notification destinations could not be reached (secrets, filters) is refused too. */
function withNotificationIssues(env: Env, parsed: ParseConfigResult): ParseConfigResult {
  if (!parsed.ok) return parsed;
  const { notifications, sources, distributions } = parsed.config;
  const names = { sources: Object.keys(sources), distributions: Object.keys(distributions) };
  const issues = notificationIssues(env, notifications, names);
  return issues.length > 0 ? { ok: false, issues } : parsed;
}

/** What is worth a warning in a valid config: secrets not set or blank, crons the Worker was not deployed with. */
function configWarnings(env: Env, config: RelayConfig): string[] {
  return [...secretWarnings(env, config), ...unscheduledCrons(config, deployedCrons(workerSecret(env, 'DEPLOYED_CRONS')))];
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
    const parsed = withNotificationIssues(c.env, parseConfig(document));
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
      return c.json({ valid: true, warnings: configWarnings(c.env, parsed.config) });
    const saved = await saveConfig(c.env.CONFIG, document, Date.now(), { config: parsed.config });
    log('info', 'config saved', { version: saved.version, rules: saved.config.rules.length });
    return c.json({ version: saved.version, savedAt: saved.savedAt, warnings: configWarnings(c.env, parsed.config) });
  });
