#!/usr/bin/env node
// @ts-check
// purge-relay: the relay's command line. Talks to local dev or a deployed relay over the admin API.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { configCommand } from './lib/config-commands.mjs';
import { doctorCommand } from './lib/doctor-command.mjs';
import { initCommand } from './lib/init-command.mjs';
import { previewCommand, resumeCommand, sendSampleCommand, statusCommand } from './lib/ops-commands.mjs';
import { notifyCommand } from './lib/notify-command.mjs';
import { purgeCommand } from './lib/purge-command.mjs';
import { CliError, DEFAULT_URL, createProgress, createRelay } from './lib/relay.mjs';
import { tagsCommand } from './lib/tags-command.mjs';
import { tailCommand } from './lib/tail-command.mjs';
import { whyCommand } from './lib/why-command.mjs';
/** @import { ParseArgsConfig } from 'node:util' */

const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
/** @import { Output } from './lib/relay.mjs' */

const USAGE = `Usage: purge-relay <command> [options]

Commands
  init [--distribution-id <id>] [--platform <name>] [--public-url <url>] [--out <file>] [--force]
                                           write a first config (asks for what the flags do not give,
                                           one answer a line on stdin)
  doctor [--probe-purge </path>] [--wrangler <file>]
                                           check the relay: settings, secrets, sources, schedules (against
                                           wrangler.toml), Gotipath (credentials, ids; with --probe-purge one
                                           real URL purge of that path), public URLs, key URLs.
                                           Exit 0 all ok, 1 warnings, 2 errors
  status                                   each distribution: health, pending paths, calls left, last hour
  tail [--source <id>] [--distribution <name>] [--timeout <s>]
                                           follow the relay live: each webhook as answered (verified and
                                           refused) and each Gotipath call with its paths and events
  resume --distribution <name>             lift a hold (after fixing credentials or the config) and send now
  config validate <file> [--strict]        check a config file with the relay's validator (each problem as
                                           file:line:column); nothing is saved; --strict fails on warnings
  config pull [--out <file>]               the live config (to stdout, or a file)
  config diff <file>                       what would change if <file> were pushed
  config push <file> [--strict]            validate, show the diff, save as a new version (--strict: not
                                           when the relay warns, e.g. a secret not set, a cron not triggered)
  preview --source <id> [--header "Name: value"]... [<payload file> | -]
                                           what a payload would purge (no signature, nothing purged)
  purge --distribution <name> [<path>...] [--file <paths.txt>] [--pattern </x/*>]... [--prefetch <path>]...
        [--all [--yes]] [--wait [--verify] [--timeout <s>]]
                                           queue a manual purge; --wait follows this purge's paths and
                                           reports each one (exit 1 if any was refused); --verify waits
                                           until each is verified at the edge (fresh or gone) and reports
                                           any still stale or stuck (exit 1); --all asks first
  why </path | URL> [--distribution <name>] [--recorded]
                                           why a URL is (or is not) stale: checks origin and edge now
                                           and prints the verdict, the evidence, the events that produced
                                           it and its history (--recorded: no check, what is recorded).
                                           Exit 0 fresh or gone, 1 otherwise
  tags --distribution <name> [--tag <tag> | --path </p> | --crawl]
                                           the tag index: a tag's pages, a page's tags, or the summary
                                           with crawl progress; --crawl starts the sitemap crawl now
  notify test <id>                         send a test message to a notification destination now and say
                                           what its receiver answered (exit 1 if it failed)
  send-sample <provider> [--source <id>] [--config <file>]
                                           a genuinely signed sample webhook (contentful, sanity, shopify,
                                           strapi, standard-webhooks)

Options
  --url <url>     the relay (default $PURGE_RELAY_URL or ${DEFAULT_URL})
  --json          print the relay's JSON answer (status, preview, tags, why)
  -h, --help      this text
  -v, --version   the CLI's version

The admin token comes from $PURGE_RELAY_TOKEN (for a relay on 127.0.0.1/localhost, ADMIN_TOKEN in
.dev.vars is used when it is unset). Exit status: 0 done, 1 failed, 2 bad usage.`;

const OPTIONS = /** @satisfies {ParseArgsConfig['options']} */ ({
  url: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  strict: { type: 'boolean' },
  out: { type: 'string' },
  source: { type: 'string' },
  header: { type: 'string', multiple: true },
  distribution: { type: 'string' },
  file: { type: 'string' },
  pattern: { type: 'string', multiple: true },
  prefetch: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  wait: { type: 'boolean' },
  verify: { type: 'boolean' },
  recorded: { type: 'boolean' },
  timeout: { type: 'string' },
  config: { type: 'string' },
  tag: { type: 'string' },
  path: { type: 'string' },
  crawl: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'probe-purge': { type: 'string' },
  wrangler: { type: 'string' },
  'distribution-id': { type: 'string' },
  platform: { type: 'string' },
  'public-url': { type: 'string' },
  force: { type: 'boolean' },
});

const COMMANDS = {
  init: initCommand,
  doctor: doctorCommand,
  status: statusCommand,
  resume: resumeCommand,
  config: configCommand,
  preview: previewCommand,
  purge: purgeCommand,
  tags: tagsCommand,
  tail: tailCommand,
  'send-sample': sendSampleCommand,
  notify: notifyCommand,
  why: whyCommand,
};

/** @type {Output} */
const out = {
  log: (text) => process.stdout.write(`${text}\n`),
  write: (text) => process.stdout.write(text),
  warn: (text) => process.stderr.write(`${text}\n`),
  progress: createProgress(),
};

/** @param {string} name @returns {name is keyof typeof COMMANDS} */
const isCommand = (name) => Object.hasOwn(COMMANDS, name);

/** @param {string[]} argv */
async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${/** @type {Error} */ (error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.version) return out.log(`purge-relay ${VERSION}`);
  if (values.help || !command) return out.log(USAGE);
  // Own names only: "toString" or "constructor" is no command.
  if (!isCommand(command)) throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
  if (values.timeout !== undefined && !/^\d+$/.test(values.timeout)) throw new CliError('--timeout is a number of seconds', 2);
  const relay = createRelay({ url: values.url ?? process.env.PURGE_RELAY_URL ?? DEFAULT_URL });
  // A command may return its exit status (doctor: 1 for warnings, 2 for errors).
  const code = await COMMANDS[command](relay, args, values, out);
  if (typeof code === 'number') process.exitCode = code;
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  process.stderr.write(`purge-relay: ${error.message}\n`);
  process.exitCode = error.code;
}
