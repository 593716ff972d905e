// @ts-check
// `purge-relay doctor`: the relay's own checks (GET /admin/doctor) plus what only the checkout knows (wrangler.toml:
// the cron triggers the next deploy gets, the KV namespace). Exit 0 all ok, 1 warnings, 2 errors.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, ROOT } from './relay.mjs';
import { cronTriggers, isPlaceholderId, kvNamespaces } from './wrangler-toml.mjs';
/** @import { Output, Relay } from './relay.mjs' */

/**
 * The report of GET /admin/doctor (src/doctor/report.ts).
 * @typedef {'ok' | 'warning' | 'error'} CheckStatus
 * @typedef {{ area: string, subject: string, status: CheckStatus, message: string, fix?: string }} Check
 * @typedef {{ checks: Check[], summary: Record<CheckStatus, number>, status: CheckStatus }} DoctorReport
 * @typedef {{ schedules?: { id: string, cron: string }[], distributions?: Record<string, { tags?: { crawl?: { cron: string } } }> }} ConfigCrons
 */

/** @param {CheckStatus} status @returns {(area: string, subject: string, message: string, fix?: string) => Check} */
const check = (status) => (area, subject, message, fix) => ({ area, subject, status, message, ...(fix && { fix }) });
const ok = check('ok');
const warning = check('warning');
const error = check('error');

/** @param {string} cron */
const normalize = (cron) => cron.trim().split(/\s+/).join(' ');

/** The wrangler.toml to read: --wrangler, else the current folder's, else the checkout's. @param {string | undefined} given */
function wranglerFile(given) {
  if (given) {
    if (!existsSync(given)) throw new CliError(`no such file: ${given}`, 2);
    return given;
  }
  return ['wrangler.toml', join(ROOT, 'wrangler.toml')].find((f) => existsSync(f));
}

/** Every cron the config uses, with what uses it. @param {ConfigCrons} config */
function cronsOf(config) {
  const schedules = (config.schedules ?? []).map((s) => ({ cron: s.cron, user: `schedule ${s.id}` }));
  const crawls = Object.entries(config.distributions ?? {}).flatMap(([name, d]) =>
    d.tags?.crawl ? [{ cron: d.tags.crawl.cron, user: `distribution ${name}'s crawl` }] : [],
  );
  return [...schedules, ...crawls];
}

/** wrangler.toml against the live config: its crons, its KV namespace. @param {Relay} relay @param {string} file @returns {Promise<Check[]>} */
async function wranglerChecks(relay, file) {
  const text = readFileSync(file, 'utf8');
  const checks = [];
  for (const kv of kvNamespaces(text).filter((k) => k.binding === 'CONFIG'))
    if (kv.id !== undefined && isPlaceholderId(kv.id))
      checks.push(
        warning(
          'deploy',
          'wrangler.toml',
          `the CONFIG namespace id "${kv.id}" is a placeholder: npm run deploy stops`,
          'delete the id line (the first deploy creates the namespace) or paste your namespace’s id',
        ),
      );
  /** @type {{ config: ConfigCrons } | undefined} */
  const live = await relay.call('GET', '/admin/config').catch(() => undefined);
  if (!live) return checks;
  const triggers = new Set(cronTriggers(text).map(normalize));
  for (const { cron, user } of cronsOf(live.config))
    checks.push(
      triggers.has(normalize(cron))
        ? ok('schedules', user, `"${cron}" is a cron trigger (in ${file})`)
        : error(
            'schedules',
            user,
            `"${cron}" is not among the cron triggers in ${file}: it never runs`,
            `add "${cron}" to [triggers] crons in ${file}, then npm run deploy`,
          ),
    );
  return checks;
}

/** @param {Check[]} checks @returns {DoctorReport} */
function merge(checks) {
  /** @type {Record<CheckStatus, number>} */
  const summary = { ok: 0, warning: 0, error: 0 };
  for (const c of checks) summary[c.status]++;
  return { checks, summary, status: summary.error ? 'error' : summary.warning ? 'warning' : 'ok' };
}

/** @param {DoctorReport} report @param {string} url */
export function formatReport(report, url) {
  const lines = [`purge-relay doctor: ${url}`];
  for (const c of report.checks) {
    lines.push(
      `  ${c.status === 'ok' ? 'ok     ' : c.status.toUpperCase().padEnd(7)}  ${c.area.padEnd(9)} ${c.subject}: ${c.message}`,
    );
    if (c.fix && c.status !== 'ok') lines.push(`${' '.repeat(21)}→ ${c.fix}`);
  }
  const { ok: fine, warning: warned, error: failed } = report.summary;
  lines.push('', `${fine} ok, ${warned} warning${warned === 1 ? '' : 's'}, ${failed} error${failed === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/**
 * @param {Relay} relay @param {string[]} _args @param {{ json?: boolean, 'probe-purge'?: string, wrangler?: string }} options
 * @param {Output} out @returns {Promise<number>} the exit status: 0 ok, 1 warnings, 2 errors
 */
export async function doctorCommand(relay, _args, options, out) {
  const probe = options['probe-purge'];
  if (probe !== undefined && !probe.startsWith('/')) throw new CliError('--probe-purge takes a path, e.g. /purge-relay-probe', 2);
  const file = wranglerFile(options.wrangler);
  /** @type {DoctorReport} */
  let relayReport;
  try {
    relayReport = await relay.call('GET', `/admin/doctor${probe ? `?probePurge=${encodeURIComponent(probe)}` : ''}`);
  } catch (caught) {
    // Nothing answered (or it refused the token): that is the worst finding of all.
    throw caught instanceof CliError ? new CliError(caught.message, 2, caught.details) : caught;
  }
  // With wrangler.toml at hand, the triggers are checked here; the Worker's "cannot check" is no news.
  const known = file
    ? relayReport.checks.filter((c) => !(c.area === 'schedules' && c.subject === 'cron triggers'))
    : relayReport.checks;
  const report = merge([...known, ...(file ? await wranglerChecks(relay, file) : [])]);
  out.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report, relay.url));
  return report.status === 'error' ? 2 : report.status === 'warning' ? 1 : 0;
}
