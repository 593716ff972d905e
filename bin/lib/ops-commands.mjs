// @ts-check
// `purge-relay status|preview|resume|send-sample`: look at the schedulers, try a payload, lift a hold, send a sample.
import { existsSync, readFileSync } from 'node:fs';
import { CliError } from './relay.mjs';
/** @import { Output, Relay } from './relay.mjs' */

/**
 * What the CLI reads of the admin API's answers (src/admin/, src/purge/status.ts).
 * @typedef {Record<string, number>} Counts
 * @typedef {{
 *   distribution: string, distributionId: string, health: string, pending?: Counts, oldestPendingAgeMs?: number,
 *   nextSendAt?: string, tokens?: Counts, lastHour?: { calls: number, paths: number, byStatus?: Counts },
 *   deadLetters?: number, lastError?: { status: number, kind: string, message: string },
 *   hold?: { kind: string, status: number, message: string }, nextProbeAt?: string, unconfirmed?: number,
 *   waiting?: { paths: number, why?: string },
 *   freshness?: { windowMs: number, fresh: number, stale: number, stuck: number, gone: number, unknown: number,
 *     repurges: number, pending: number, liveP50Ms?: number, liveP95Ms?: number }
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
    if (d.waiting?.why) lines.push(`  waiting       ${d.waiting.paths} path(s): ${d.waiting.why}`);
    const f = d.freshness;
    if (f)
      lines.push(
        `  live          ${f.liveP50Ms === undefined ? 'no page verified live yet' : `publish → live p50 ${seconds(f.liveP50Ms)}, p95 ${seconds(f.liveP95Ms)}`} (last ${seconds(f.windowMs)})`,
        `  verified      fresh ${f.fresh} · stale ${f.stale} · stuck ${f.stuck} · gone ${f.gone} · unknown ${f.unknown}; re-purges ${f.repurges}; checks pending ${f.pending}`,
      );
    if (d.hold)
      lines.push(
        `  held          Gotipath refuses every ${d.hold.kind} call (${d.hold.status}: ${d.hold.message}); next try ${d.nextProbeAt ?? '–'}`,
      );
    if (d.unconfirmed)
      lines.push(`  unconfirmed   ${d.unconfirmed} path(s) refused alone, kept queued until a call without them is accepted`);
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

/** @param {Relay} relay @param {string[]} _args @param {{ json?: boolean }} options @param {Output} out */
export async function statusCommand(relay, _args, options, out) {
  /** @type {Status} */
  const status = await relay.call('GET', '/admin/status');
  out.log(options.json ? JSON.stringify(status, null, 2) : formatStatus(status));
}

/** Lifts a distribution's hold and backoffs (after a fix): POST /admin/distributions/{name}/resume. */
/** @param {Relay} relay @param {string[]} _args @param {{ distribution?: string }} options @param {Output} out */
export async function resumeCommand(relay, _args, options, out) {
  if (!options.distribution) throw new CliError('resume needs --distribution <name>', 2);
  /** @type {DistributionStatus} */
  const status = await relay.call('POST', `/admin/distributions/${encodeURIComponent(options.distribution)}/resume`);
  out.log(`${options.distribution}: resumed, health ${status.health}, ${pendingOf(status)} path(s) pending`);
}

/** @param {Relay} relay @param {string[]} args @param {{ source?: string, config?: string }} options @param {Output} out */
export async function sendSampleCommand(relay, [provider], options, out) {
  // Loaded only here: it needs the platforms' SDKs (dev dependencies) to sign.
  const { formatSample, sendSample } = await import('../../scripts/send-sample.mjs');
  try {
    const result = await sendSample({ provider, url: relay.url, source: options.source, config: options.config, relay });
    out.log(formatSample(result));
    if (!result.ok) throw new CliError(`the relay refused the sample (${result.status})`);
  } catch (error) {
    throw error instanceof CliError ? error : new CliError(/** @type {Error} */ (error).message);
  }
}
