// @ts-check
// `purge-relay tail`: follow the relay live, like `wrangler tail` for this relay: each webhook as it is answered
// (verified deliveries and refusals, GET /admin/deliveries) and each Gotipath call with its paths (GET /admin/activity).
/** @import { Output, Relay } from './relay.mjs' */

/**
 * @typedef {{ at: number, source: string, status: number, outcome: string, action?: string, contentType?: string,
 *   documentId?: string, eventId?: string, paths?: number, message?: string }} Delivery
 * @typedef {{ lastAt: number, source: string, status: number, outcome: string, message?: string, count: number, minute: number }} Refusal
 * @typedef {{ at: number, distribution: string, kind: string, status: number, attempt: number, paths: string[],
 *   events: string[], detail?: string }} Call
 */

/** Poll this often (the admin API is cheap; the relay's own log is the place for more). */
const POLL_MS = 1_000;
/** A call's paths shown on its line; the rest are counted. */
const SHOWN_PATHS = 5;

/** @param {number} at */
const clock = (at) => new Date(at).toISOString().slice(11, 19);

/** One line per verified delivery. @param {Delivery} d */
export function deliveryLine(d) {
  const what = [d.action, d.contentType, d.documentId].filter(Boolean).join(' ');
  const tail = d.eventId ? ` → ${d.eventId}${d.paths === undefined ? '' : ` (${d.paths} path${d.paths === 1 ? '' : 's'})`}` : '';
  return `${clock(d.at)}  webhook  ${d.source}  ${d.status} ${d.outcome}${what ? `  ${what}` : ''}${tail}${d.message ? `  ${d.message}` : ''}`;
}

/** One line per refusal row that grew. @param {Refusal} r @param {number} added */
export function refusalLine(r, added) {
  return `${clock(r.lastAt)}  webhook  ${r.source}  ${r.status} ${r.outcome}${added > 1 ? ` ×${added}` : ''}${r.message ? `  ${r.message}` : ''}`;
}

/** One line per Gotipath call. @param {Call} c */
export function callLine(c) {
  const shown = c.paths.slice(0, SHOWN_PATHS).map((p) => p || '(all)');
  const more = c.paths.length > SHOWN_PATHS ? ` +${c.paths.length - SHOWN_PATHS} more` : '';
  const answer = `${c.status || 'no answer'}${c.attempt > 1 ? ` attempt ${c.attempt}` : ''}`;
  return `${clock(c.at)}  call     ${c.distribution}  ${c.kind} ${answer}  ${c.paths.length} path${c.paths.length === 1 ? '' : 's'}: ${shown.join(' ')}${more}${c.events.length ? `  ← ${c.events.join(' ')}` : ''}${c.detail ? `  ${c.detail}` : ''}`;
}

/**
 * Follows until interrupted (or `--timeout` seconds): first what happened in the last minute, then each new thing.
 * @param {Relay} relay @param {string[]} _args @param {{ timeout?: string, source?: string, distribution?: string }} options
 * @param {Output} out
 */
export async function tailCommand(relay, _args, options, out) {
  const until = options.timeout === undefined ? Infinity : Date.now() + Number(options.timeout) * 1000;
  let since = Date.now() - 60_000;
  /** @type {Set<string>} */
  const seen = new Set();
  /** @type {Map<string, number>} refusal rows (minute, source, reason) and the count already shown */
  const counted = new Map();
  out.warn(`following ${relay.url} (webhooks and Gotipath calls); Ctrl-C to stop`);
  for (;;) {
    const query = new URLSearchParams({ limit: '200' });
    if (options.source) query.set('source', options.source);
    const activity = new URLSearchParams({ limit: '200', since: String(since) });
    if (options.distribution) activity.set('distribution', options.distribution);
    /** @type {[{ deliveries: Delivery[], refusals: Refusal[] }, { calls: Call[] }]} */
    const [deliveries, calls] = await Promise.all([
      relay.call('GET', `/admin/deliveries?${query}`),
      relay.call('GET', `/admin/activity?${activity}`),
    ]);
    /** @type {{ at: number, line: string }[]} */
    const lines = [];
    for (const d of deliveries.deliveries) {
      const key = `d ${d.at} ${d.source} ${d.eventId ?? ''} ${d.status}`;
      if (d.at < since || seen.has(key)) continue;
      seen.add(key);
      lines.push({ at: d.at, line: deliveryLine(d) });
    }
    for (const r of deliveries.refusals) {
      const key = `r ${r.minute} ${r.source} ${r.outcome} ${r.status} ${r.message ?? ''}`;
      const before = counted.get(key) ?? 0;
      if (r.lastAt < since || r.count <= before) continue;
      counted.set(key, r.count);
      lines.push({ at: r.lastAt, line: refusalLine(r, r.count - before) });
    }
    for (const c of calls.calls) {
      const key = `c ${c.distribution} ${c.at} ${c.kind} ${c.paths.length} ${c.paths[0] ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push({ at: c.at, line: callLine(c) });
    }
    for (const { line } of lines.sort((a, b) => a.at - b.at)) out.log(line);
    // A little overlap, so a call whose answer came while polling is not missed; `seen` drops the repeats.
    since = Math.max(since, Date.now() - 10_000);
    if (Date.now() + POLL_MS > until) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
