// @ts-check
// `purge-relay init`: asks for the distribution id, the platform and the site's public URL (or takes them from
// flags, or one a line from piped stdin) and writes a first config, then says what to set and run next.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CliError, ROOT } from './relay.mjs';
/** @import { Output } from './relay.mjs' */

/** The same rule as the config schema's distribution id (src/rules/schema.ts). */
const DISTRIBUTION_ID = /^[A-Za-z0-9-]{1,64}$/;
/** Options a platform cannot do without, as placeholders to fill in (docs/providers.md has each). */
const REQUIRED_OPTIONS = /** @type {Record<string, Record<string, string>>} */ ({
  commercetools: { push: 'pubsub', audience: 'https://<your relay>/webhooks/commercetools' },
  'generic-hmac': { header: 'x-signature' },
});

/** The platforms the relay knows: the provider names of the generated config schema (one declaration, the registry). */
export function platforms() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'config.schema.json'), 'utf8'));
  return /** @type {string[]} */ (schema.properties.sources.additionalProperties.properties.provider.enum);
}

/** The secret's Worker name for a platform: `SHOPIFY_WEBHOOK_SECRET`. @param {string} platform */
export const secretName = (platform) => `${platform.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_WEBHOOK_SECRET`;

/**
 * A first config: one distribution, one source, one rule that purges the changed page (when the payload has a
 * slug) and the home page; no schedules. @param {{ id: string, platform: string, publicUrl: string }} answers
 */
export function firstConfig({ id, platform, publicUrl }) {
  const options = REQUIRED_OPTIONS[platform];
  return {
    distributions: { main: { id, publicBaseUrl: publicUrl } },
    sources: {
      [platform]: {
        provider: platform,
        secrets: platform === 'commercetools' ? [] : [secretName(platform)],
        ...(options && { options }),
      },
    },
    rules: [
      {
        id: `${platform}-content`,
        description:
          'A first rule: the changed page and the home page. Write your site’s paths (docs/rules.md) and try them with purge-relay preview.',
        distribution: 'main',
        match: { sources: [platform] },
        purge: ['/{fields.slug}', '/'],
      },
    ],
    schedules: [],
  };
}

/** Each question: what it asks, the flag that answers it, and what a valid answer is. */
const QUESTIONS = /** @type {const} */ ([
  ['id', 'distribution-id', 'Gotipath distribution id (the distribution’s page in Gotipath’s panel)'],
  ['platform', 'platform', 'Platform that sends the webhooks'],
  ['publicUrl', 'public-url', 'Public URL of the site (https://…)'],
]);

/** @param {'id' | 'platform' | 'publicUrl'} key @param {string} value @returns {string | undefined} what is wrong */
function problem(key, value) {
  if (key === 'id') return DISTRIBUTION_ID.test(value) ? undefined : 'a distribution id is 1–64 letters, digits or "-"';
  if (key === 'platform') return platforms().includes(value) ? undefined : `a platform is one of: ${platforms().join(', ')}`;
  try {
    return /^https?:$/.test(new URL(value).protocol) ? undefined : 'the public URL starts with https:// (or http://)';
  } catch {
    return 'the public URL starts with https:// (or http://)';
  }
}

/** Reads answers one a line from stdin (a terminal or a pipe); undefined when it ended. */
function lineReader() {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    /** @param {string} prompt */
    async ask(prompt) {
      process.stderr.write(`${prompt}: `);
      const next = await lines.next();
      if (!process.stdin.isTTY) process.stderr.write('\n');
      return next.done ? undefined : String(next.value).trim();
    },
    close: () => rl.close(),
  };
}

/**
 * @param {unknown} _relay @param {string[]} _args @param {Output} out
 * @param {{ 'distribution-id'?: string, platform?: string, 'public-url'?: string, out?: string, force?: boolean }} options
 */
export async function initCommand(_relay, _args, options, out) {
  const file = options.out ?? 'purge-relay.config.json';
  if (existsSync(file) && !options.force) throw new CliError(`${file} exists: choose another --out, or --force to replace it`);
  /** @type {Record<string, string>} */
  const answers = {};
  const reader = QUESTIONS.some(([, flag]) => options[flag] === undefined) ? lineReader() : undefined;
  try {
    for (const [key, flag, prompt] of QUESTIONS) {
      const value = options[flag] ?? (await reader?.ask(prompt));
      if (value === undefined || value === '')
        throw new CliError(`no ${prompt.toLowerCase()}: give --${flag}, or answer on stdin`, 2);
      const wrong = problem(key, value);
      if (wrong)
        throw new CliError(`${options[flag] === undefined ? flag.replace('-', ' ') : `--${flag}`} "${value}": ${wrong}`, 2);
      answers[key] = value;
    }
  } finally {
    reader?.close();
  }
  const config = firstConfig({ id: answers.id ?? '', platform: answers.platform ?? '', publicUrl: answers.publicUrl ?? '' });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  const secrets = Object.values(config.sources).flatMap((s) => s.secrets);
  out.log(
    [
      `wrote ${file}: distribution main (${answers.id}), source ${answers.platform}, one rule to edit.`,
      'Next:',
      ...secrets.map((s) => `  npx wrangler secret put ${s}        # the secret you give ${answers.platform} for its webhook`),
      ...(REQUIRED_OPTIONS[answers.platform ?? '']
        ? [`  fill in sources.${answers.platform}.options in ${file} (docs/providers.md)`]
        : []),
      `  purge-relay config validate ${file} && purge-relay config push ${file}`,
      `  point ${answers.platform}'s webhook at https://<your relay>/webhooks/${answers.platform}`,
      '  purge-relay doctor',
    ].join('\n'),
  );
}
