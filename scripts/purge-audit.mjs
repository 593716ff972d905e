// @ts-check
// Shared by the fault audit and the load script: signed Standard Webhooks, the test config, and the audit
// that compares every path the relay acknowledged with what the Gotipath stand-in accepted.
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

/**
 * @typedef {{ id: string, sentAt: number, at: number, status: number, paths: number | null,
 *   retryAfter: string | null, eventId?: string, error?: string }} Delivery
 *   One webhook sent and its answer: status 0 when none came; paths null when the receipt was cut off.
 * @typedef {{ paths?: number | null, eventId?: string, error?: string }} Receipt  The relay's answer to a webhook.
 * @typedef {{ pending: Record<string, number>, deadLetters: number, lastHour: { byStatus: Record<string, number> } }} DistributionStatus
 * @typedef {{ distributions: DistributionStatus[] }} RelayStatus  What the audits read of GET /admin/status.
 * @typedef {{ distributions: { paths: { path: string, steps: { step: string, status?: number }[] }[] }[] }} Journey
 *   What the audits read of GET /admin/events/{id}.
 */

/** The Worker's vars for these runs (test values only; the webhook secret is a `whsec_` base64 key). */
export const SECRETS = {
  GOTIPATH_CLIENT_ID: 'audit-client',
  GOTIPATH_LIBRARY_ID: 'audit-library',
  GOTIPATH_API_KEY: 'audit-key',
  ADMIN_TOKEN: 'audit-admin-token-0123456789',
  AUDIT_WHSEC: `whsec_${Buffer.from('purge-relay audit secret, 32 bytes').toString('base64')}`,
};
export const DISTRIBUTION_ID = 'dist-audit';
const SOURCE = 'std';

/**
 * A config whose scheduler limits match the stand-in's window (plus 100 ms of margin): 2 URL calls of up to
 * 100 paths per window; short backoffs and probes so a run settles in seconds once the faults end.
 * @param {{ windowMs: number, timeoutMs: number, escalation?: string }} options
 */
export function auditConfig({ windowMs, timeoutMs, escalation = 'patterns' }) {
  return {
    distributions: {
      site: {
        id: DISTRIBUTION_ID,
        coalesceMs: 300,
        limits: { windowMs: windowMs + 100 },
        escalation,
        retry: { baseMs: 200, maxMs: 4_000, authProbeMs: 2_000 },
      },
    },
    gotipath: { timeoutMs },
    sources: { [SOURCE]: { provider: 'standard-webhooks', secrets: ['AUDIT_WHSEC'] } },
    rules: [
      { id: 'page', distribution: 'site', match: { sources: [SOURCE] }, purge: ['/p/{fields.slug}', '/p/{fields.slug}/amp'] },
    ],
  };
}

/** The paths the rule above produces for one slug (slugs are plain [a-z0-9-], so nothing is encoded). */
/** @param {string} slug */
export const pathsFor = (slug) => [`/p/${slug}`, `/p/${slug}/amp`];

const signer = new Webhook(SECRETS.AUDIT_WHSEC);

/**
 * One genuinely signed Standard Webhooks delivery (signed by the `standardwebhooks` package).
 * @param {string} id the delivery id (`webhook-id`), also the page slug, so every event has its own paths
 */
export function signedWebhook(id) {
  const body = JSON.stringify({ type: 'page.published', timestamp: new Date().toISOString(), data: { id, slug: id } });
  const when = new Date();
  return {
    path: `/webhooks/${SOURCE}`,
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
      'webhook-signature': signer.sign(id, when, body),
    },
  };
}

/**
 * Sends one signed webhook; resolves to its record (status 0 when no answer came: relay down, reset).
 * @param {string} url @param {string} id @returns {Promise<Delivery>}
 */
export async function sendWebhook(url, id) {
  const { path, body, headers } = signedWebhook(id);
  const sentAt = Date.now();
  try {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
    // A receipt cut off by the relay's death after its status went out: acknowledged, count unknown.
    /** @type {Receipt} */
    const receipt = await response.json().catch(() => ({ paths: null }));
    const retryAfter = response.headers.get('retry-after');
    const paths = receipt.paths === null ? null : Number(receipt.paths ?? 0);
    return { id, sentAt, at: Date.now(), status: response.status, paths, retryAfter, eventId: receipt.eventId };
  } catch {
    return { id, sentAt, at: Date.now(), status: 0, paths: 0, retryAfter: null };
  }
}

/** GET /admin/status; undefined while the relay does not answer. @param {string} url @returns {Promise<RelayStatus | undefined>} */
export async function relayStatus(url) {
  try {
    const response = await fetch(`${url}/admin/status`, { headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}` } });
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits until every distribution's queue is empty (purges and prefetches); returns the last status.
 * @param {string} url @param {number} timeoutMs @returns {Promise<RelayStatus>}
 */
export async function waitDrained(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await relayStatus(url);
    const pending = status?.distributions.reduce((n, d) => n + Object.values(d.pending).reduce((a, b) => a + b, 0), 0);
    if (status && pending === 0) return status;
    if (Date.now() > deadline)
      throw new Error(`the queue did not drain within ${timeoutMs} ms (pending ${pending ?? 'unknown'})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Cross-checks the relay's own record: for up to `sample` acknowledged events, GET /admin/events/{id} must
 * list exactly the event's paths, each ending at an accepted call (or covered). Returns the mismatches.
 * @param {string} url @param {Delivery[]} events
 */
export async function checkJourneys(url, events, sample = 20) {
  const acked = events.filter((e) => e.status >= 200 && e.status < 300 && e.eventId);
  const step = Math.max(1, Math.floor(acked.length / sample));
  const chosen = acked.filter((_, i) => i % step === 0).slice(0, sample);
  /** @type {string[]} */
  const mismatches = [];
  for (const event of chosen) {
    const response = await fetch(`${url}/admin/events/${event.eventId}`, {
      headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}` },
    });
    /** @type {Journey} */
    const journey = response.ok ? await response.json() : { distributions: [] };
    const paths = journey.distributions.flatMap((d) => d.paths);
    const listed = paths.map((p) => p.path).sort();
    const done = paths.every((p) => p.steps.some((s) => (s.step === 'call' && s.status === 200) || s.step === 'covered'));
    // `chosen` holds only events with an eventId.
    if (JSON.stringify(listed) !== JSON.stringify(pathsFor(event.id).sort()) || !done) mismatches.push(event.eventId ?? '');
  }
  return { checked: chosen.length, mismatches };
}

/** Gotipath's `*` matches any characters (docs/scheduler.md, "Folding"). @param {string} pattern @param {string} path */
const matches = (pattern, path) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(path);

/**
 * The audit: each acknowledged path must be covered by a call the stand-in accepted (200): a URL purge
 * naming it, or — made after the webhook was sent — a pattern purge matching it or a purge-all.
 * @param {Delivery[]} events
 * @param {Array<{ at: number, kind: string | null, paths: unknown[], status: number }>} calls the stand-in's record
 */
export function audit(events, calls) {
  const acked = events.filter((e) => e.status >= 200 && e.status < 300);
  const accepted = calls.filter((c) => c.status === 200);
  /** @type {Map<string, number[]>} */
  const urlHits = new Map();
  for (const c of accepted.filter((c) => c.kind === 'url'))
    for (const p of c.paths) urlHits.set(String(p), [...(urlHits.get(String(p)) ?? []), c.at]);
  const broad = accepted.filter((c) => c.kind === 'pattern' || c.kind === 'all');
  /** @type {string[]} */
  const lost = [];
  const wrongCounts = acked
    .filter((e) => e.paths !== null && e.paths !== pathsFor(e.id).length)
    .map((e) => `${e.id}: ${e.status} ${e.paths} path(s)`);
  let purged = 0;
  let duplicates = 0;
  let maxStalenessMs = 0;
  for (const event of acked) {
    for (const path of pathsFor(event.id)) {
      const hits = urlHits.get(path) ?? [];
      const covering = broad.filter(
        (c) => c.at >= event.sentAt && (c.kind === 'all' || c.paths.some((p) => matches(String(p), path))),
      );
      const first = Math.min(...hits, ...covering.map((c) => c.at));
      if (!Number.isFinite(first)) {
        lost.push(path);
        continue;
      }
      purged++;
      if (hits.length > 1) duplicates++;
      maxStalenessMs = Math.max(maxStalenessMs, first - event.at);
    }
  }
  /** @type {Record<string, number>} */
  const nonAcked = {};
  for (const e of events.filter((e) => !(e.status >= 200 && e.status < 300))) nonAcked[e.status] = (nonAcked[e.status] ?? 0) + 1;
  // Anything not acknowledged must make the platform resend: no answer, a 5xx, or a 429.
  const wrongRefusals = Object.keys(nonAcked).filter((s) => !(s === '0' || s === '429' || Number(s) >= 500));
  return {
    cutReceipts: acked.filter((e) => e.paths === null).length,
    sent: events.length,
    wrongRefusals,
    acked: acked.length,
    nonAcked,
    pathsAcked: acked.length * 2,
    purged,
    lost,
    duplicates,
    wrongCounts,
    maxStalenessMs,
  };
}

/** Prints `label  value` rows, aligned. @param {Array<[string, unknown]>} rows */
export function printTable(rows) {
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows)
    console.log(`  ${label.padEnd(width)}  ${typeof value === 'object' ? JSON.stringify(value) : value}`);
}

/**
 * Numeric `--name=N` flags, camelCased (`--outage-ms=5` → `{ outageMs: 5 }`); anything else throws with the usage.
 * @param {string[]} argv @param {string[]} names @returns {Record<string, number>}
 */
export function numericFlags(argv, names) {
  const usage = names.map((n) => `--${n}=N`).join(', ');
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) }));
  } catch (error) {
    throw new Error(`${/** @type {Error} */ (error).message} (use ${usage})`);
  }
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      if (!/^\d+$/.test(String(value))) throw new Error(`--${name} needs a whole number (use ${usage})`);
      return [name.replace(/-([a-z])/g, (_, c) => c.toUpperCase()), Number(value)];
    }),
  );
}
