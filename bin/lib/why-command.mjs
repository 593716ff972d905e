// @ts-check
// `purge-relay why </path | URL>`: why a URL is (or is not) stale. Checks origin and edge now (POST
// /admin/paths/check; --recorded reads only what the relay recorded, GET /admin/paths) and prints the verdict
// in plain words, the check's evidence, the events that produced the path and its history.
import { CliError } from './relay.mjs';
/** @import { Output, Relay } from './relay.mjs' */

/**
 * What the CLI reads of the answer (src/admin/paths.ts, src/purge/freshness/verdict.ts).
 * @typedef {{ url: string, status: number, etag?: string, lastModified?: string, digest?: string, age?: number,
 *   cacheStatus?: string, marker?: boolean, error?: string }} Seen
 * @typedef {{ reason: string, validator?: string, origin?: Seen, edge?: Seen }} Evidence
 * @typedef {{ at: number, step: string, kind: string, path: string, status?: number, attempt?: number, batch?: number,
 *   detail?: string, evidence?: Evidence }} HistoryRow
 * @typedef {{
 *   distribution: string, path: string, verdict: { state: string, sentence: string, since?: string },
 *   check?: { verdict: string, evidence: Evidence, at: number },
 *   events: { event: string, queuedAt: number, source?: string, rule?: string, detail?: string }[],
 *   history: HistoryRow[], tags: { tag: string }[], producers: { ruleId: string, template: string }[]
 * }} Story
 */

/** States where the edge serves what it should: exit 0; any other: 1. */
const SETTLED = new Set(['fresh', 'gone']);

/** @param {number} at */
const time = (at) => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One response as seen: status, validators, Age and cache status. @param {string} name @param {Seen | undefined} s */
function seenLine(name, s) {
  if (!s) return [];
  const parts = [
    s.status ? String(s.status) : 'no answer',
    s.url,
    s.etag && `ETag ${s.etag}`,
    s.lastModified && `Last-Modified ${s.lastModified}`,
    s.age !== undefined && `Age ${s.age} s`,
    s.cacheStatus && `cache ${s.cacheStatus}`,
    s.marker !== undefined && (s.marker ? 'marker found' : 'marker missing'),
    s.error,
  ];
  return [`  ${name.padEnd(8)}${parts.filter(Boolean).join('  ')}`];
}

/** @param {HistoryRow} r */
function historyLine(r) {
  const what = r.kind === 'url' ? r.path : `${r.kind} ${r.path || '(all)'}`;
  const bits = [
    r.status !== undefined && String(r.status),
    r.attempt && `attempt ${r.attempt}`,
    r.batch !== undefined && `batch ${r.batch}`,
    r.detail,
    r.evidence?.reason,
  ];
  return `  ${time(r.at)}  ${r.step.padEnd(9)}${what}  ${bits.filter(Boolean).join(', ')}`.trimEnd();
}

/** The answer as text: the verdict first, then its evidence, the events and the history. @param {Story} story */
export function formatStory(story) {
  const lines = [story.verdict.sentence, '', `path      ${story.path} on ${story.distribution} (${story.verdict.state})`];
  if (story.producers.length > 0) lines.push(`rules     ${story.producers.map((p) => `${p.ruleId} (${p.template})`).join(', ')}`);
  if (story.tags.length > 0) lines.push(`tags      ${story.tags.map((t) => t.tag).join(', ')}`);
  if (story.check) {
    const { verdict, evidence } = story.check;
    lines.push(
      `checked   ${verdict} at ${time(story.check.at)}: ${evidence.reason}${evidence.validator ? ` (by ${evidence.validator})` : ''}`,
    );
    lines.push(...seenLine('origin', evidence.origin), ...seenLine('edge', evidence.edge));
  }
  if (story.events.length > 0) {
    lines.push('', 'events');
    for (const e of story.events)
      lines.push(
        `  ${time(e.queuedAt)}  ${e.event}  ${[e.source, e.rule && `rule ${e.rule}`, e.detail].filter(Boolean).join(', ')}`,
      );
  }
  if (story.history.length > 0) lines.push('', 'history', ...story.history.map(historyLine));
  return lines.join('\n');
}

/**
 * @param {Relay} relay @param {string[]} args @param {Output} out
 * @param {{ distribution?: string, recorded?: boolean, json?: boolean }} options
 */
export async function whyCommand(relay, [path, ...rest], options, out) {
  if (!path || rest.length > 0) throw new CliError('why needs one path or URL: purge-relay why /blog/hello', 2);
  /** @type {Story} */
  const story = options.recorded
    ? await relay.call(
        'GET',
        `/admin/paths?path=${encodeURIComponent(path)}${options.distribution ? `&distribution=${encodeURIComponent(options.distribution)}` : ''}`,
      )
    : await relay.call('POST', '/admin/paths/check', {
        path,
        ...(options.distribution && { distribution: options.distribution }),
      });
  out.log(options.json ? JSON.stringify(story, null, 2) : formatStory(story));
  return SETTLED.has(story.verdict.state) ? 0 : 1;
}
