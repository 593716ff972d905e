// @ts-check
// `purge-relay status|preview|purge|send-sample`: look at the schedulers, try a payload, purge, send a sample.
import { existsSync, readFileSync } from 'node:fs';
import { CliError } from './relay.mjs';
/** @import { Output, Relay } from './relay.mjs' */

/**
 * What the CLI reads of the admin API's answers (src/admin/, src/purge/status.ts).
 * @typedef {Record<string, number>} Counts
 * @typedef {{
 *   distribution: string, distributionId: string, health: string, pending?: Counts, oldestPendingAgeMs?: number,
 *   nextSendAt?: string, tokens?: Counts, lastHour?: { calls: number, paths: number, byStatus?: Counts },
 *   deadLetters?: number, lastError?: { status: number, kind: string, message: string }
 * }} DistributionStatus
 * @typedef {{ configVersion: number, distributions?: DistributionStatus[] }} Status  GET /admin/status
 * @typedef {{ path: string, kind: 'url' | 'pattern' | 'prefetch', prefetch?: boolean }} PreviewPath
 * @typedef {{
 *   event: { action: string, contentType?: string, documentId?: string, source: string, topic: string, locales?: string[] },
 *   matches: { ruleId: string, distribution: string, paths: PreviewPath[],
 *     skipped?: { template: string, locale?: string, reason: string }[] }[],
 *   misses: { ruleId: string, reason: string }[]
 * }} EventPreview  one event of POST /admin/preview
 * @typedef {{ events: EventPreview[] }} Preview  POST /admin/preview: every event the delivery carries
 * @typedef {{ eventId: string, paths: number, patterns: number, prefetch: number, all: boolean }} Queued  POST /admin/purge
 */

/** @param {Counts | undefined} record */
const list = (record) =>
  Object.entries(record ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ') || 'none';
/** Only the kinds with something queued: the status lists every kind, zeros included. */
/** @param {Counts | undefined} record */
const nonZero = (record) => Object.fromEntries(Object.entries(record ?? {}).filter(([, v]) => v !== 0));
/** @param {number | null | undefined} ms */
const seconds = (ms) => (ms === undefined || ms === null ? '–' : `${Math.round(ms / 1000)} s`);
/** @param {DistributionStatus | undefined} d */
const pendingOf = (d) => Object.values(d?.pending ?? {}).reduce((n, v) => n + v, 0);

/** @param {Status} status */
export function formatStatus(status) {
  const lines = [`config version ${status.configVersion}`];
  for (const d of status.distributions ?? []) {
    lines.push(
      '',
      `${d.distribution} (${d.distributionId})  health ${d.health}`,
      `  pending       ${pendingOf(d)} (${list(nonZero(d.pending))}), oldest ${seconds(d.oldestPendingAgeMs)}${d.nextSendAt ? `, next send ${d.nextSendAt}` : ''}`,
      `  calls left    ${list(d.tokens)}`,
      `  last hour     ${d.lastHour?.calls ?? 0} calls, ${d.lastHour?.paths ?? 0} paths (${list(d.lastHour?.byStatus)})`,
      `  dead letters  ${d.deadLetters ?? 0}`,
    );
    if (d.lastError) lines.push(`  last error    ${d.lastError.status} on ${d.lastError.kind}: ${d.lastError.message}`);
  }
  return lines.join('\n');
}

/** @param {Preview} preview */
export function formatPreview(preview) {
  if (preview.events.length === 0) return 'no change: the delivery carries no event, nothing would be purged';
  return preview.events.map(formatEvent).join('\n\n');
}

/** @param {EventPreview} preview */
function formatEvent(preview) {
  const e = preview.event;
  const lines = [
    `event    ${e.action} ${e.contentType ?? '(no content type)'} ${e.documentId ?? ''} (source ${e.source}, topic ${e.topic}${e.locales?.length ? `, locales ${e.locales.join(' ')}` : ''})`,
  ];
  if (preview.matches.length === 0) lines.push('matched  no rule: nothing would be purged');
  for (const m of preview.matches) {
    lines.push(`matched  ${m.ruleId} → ${m.distribution}`);
    // Each produced path: {path, kind: url|pattern|prefetch, priority, prefetch} (src/rules/matcher.ts).
    for (const p of m.paths)
      if (p.kind !== 'prefetch') lines.push(`  ${p.kind === 'pattern' ? 'pattern ' : 'purge   '}  ${p.path}`);
    for (const p of m.paths) if (p.prefetch || p.kind === 'prefetch') lines.push(`  prefetch  ${p.path}`);
    for (const s of m.skipped ?? []) lines.push(`  left out  ${s.template}${s.locale ? ` (${s.locale})` : ''}: ${s.reason}`);
  }
  if (preview.misses.length > 0) lines.push('not matched', ...preview.misses.map((m) => `  ${m.ruleId}: ${m.reason}`));
  return lines.join('\n');
}

/** @param {string | undefined} file */
function readPayload(file) {
  if (!file || file === '-') {
    if (process.stdin.isTTY)
      throw new CliError('give the payload as a file, or pipe it: `purge-relay preview --source x payload.json`', 2);
    return readFileSync(0, 'utf8');
  }
  if (!existsSync(file)) throw new CliError(`no such file: ${file}`);
  return readFileSync(file, 'utf8');
}

/** @param {Relay} relay @param {string[]} args @param {{ source?: string, header?: string[], json?: boolean }} options @param {Output} out */
export async function previewCommand(relay, [file], options, out) {
  if (!options.source) throw new CliError('preview needs --source <sourceId>', 2);
  /** @type {Record<string, string>} */
  const headers = {};
  for (const h of options.header ?? []) {
    const match = /^([^:]+):\s*(.*)$/.exec(h);
    if (!match) throw new CliError(`--header must look like "Name: value", got "${h}"`, 2);
    // Both groups always take part in a match.
    const [, name = '', value = ''] = match;
    headers[name.trim().toLowerCase()] = value;
  }
  /** @type {Preview} */
  const preview = await relay.call('POST', '/admin/preview', { source: options.source, headers, body: readPayload(file) });
  out.log(options.json ? JSON.stringify(preview, null, 2) : formatPreview(preview));
}

/**
 * Polls the distribution's status until its queue is empty, showing progress; fails after the timeout.
 * @param {Relay} relay @param {string} distribution @param {number} timeoutMs @param {Output} out
 */
async function waitUntilSent(relay, distribution, timeoutMs, out) {
  const deadline = Date.now() + timeoutMs;
  let warned = false;
  for (;;) {
    /** @type {Status} */
    const status = await relay.call('GET', '/admin/status');
    const d = status.distributions?.find((x) => x.distribution === distribution);
    const pending = pendingOf(d);
    if (pending === 0)
      return out.progress.done(
        `${distribution}: queue empty, everything sent (last hour: ${d?.lastHour?.calls ?? 0} calls, ${d?.lastHour?.paths ?? 0} paths)`,
      );
    if (d?.health === 'unauthorized' && !warned) {
      warned = true;
      out.progress.done(`warning: Gotipath refuses the relay's credentials (401/403); the paths stay queued`);
    }
    out.progress.update(
      `${distribution}: ${pending} pending (${list(nonZero(d?.pending))}), oldest ${seconds(d?.oldestPendingAgeMs)}, next send ${d?.nextSendAt ?? '–'}`,
    );
    if (Date.now() > deadline) {
      out.progress.done();
      throw new CliError(
        `${distribution} still has ${pending} path(s) queued after ${Math.round(timeoutMs / 1000)} s (they stay queued; see \`purge-relay status\`)`,
      );
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * @param {Relay} relay @param {string[]} paths @param {Output} out
 * @param {{ distribution?: string, file?: string, pattern?: string[], prefetch?: string[], all?: boolean,
 *   wait?: boolean, timeout?: string }} options
 */
export async function purgeCommand(relay, paths, options, out) {
  if (!options.distribution) throw new CliError('purge needs --distribution <name>', 2);
  const fromFile = options.file
    ? readFileSync(options.file, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  const body = {
    distribution: options.distribution,
    paths: [...paths, ...fromFile],
    patterns: options.pattern ?? [],
    prefetch: options.prefetch ?? [],
    all: Boolean(options.all),
  };
  if (!body.all && body.paths.length + body.patterns.length + body.prefetch.length === 0)
    throw new CliError('give paths, --file, --pattern, --prefetch or --all', 2);
  /** @type {Queued} */
  const queued = await relay.call('POST', '/admin/purge', body);
  out.log(
    `queued ${queued.all ? 'a purge of everything' : `${queued.paths} path(s)`}${queued.patterns ? ` and ${queued.patterns} pattern(s)` : ''}${queued.prefetch ? ` and ${queued.prefetch} prefetch(es)` : ''} on ${body.distribution} as ${queued.eventId}`,
  );
  if (options.wait) await waitUntilSent(relay, body.distribution, Number(options.timeout ?? 300) * 1000, out);
}

/** @param {Relay} relay @param {string[]} _args @param {{ json?: boolean }} options @param {Output} out */
export async function statusCommand(relay, _args, options, out) {
  /** @type {Status} */
  const status = await relay.call('GET', '/admin/status');
  out.log(options.json ? JSON.stringify(status, null, 2) : formatStatus(status));
}

/** @param {Relay} relay @param {string[]} args @param {{ source?: string, config?: string }} options @param {Output} out */
export async function sendSampleCommand(relay, [provider], options, out) {
  // Loaded only here: it needs the platforms' SDKs (dev dependencies) to sign.
  const { sendSample } = await import('../../scripts/send-sample.mjs');
  try {
    const result = await sendSample({ provider, url: relay.url, source: options.source, config: options.config });
    out.log(`POST ${result.path} → ${result.status} ${result.text}`);
    if (!result.ok) throw new CliError(`the relay refused the sample (${result.status})`);
  } catch (error) {
    throw error instanceof CliError ? error : new CliError(/** @type {Error} */ (error).message);
  }
}
