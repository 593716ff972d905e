// @ts-check
// `npm run load`: thousands of signed webhooks through autocannon as fast as loopback allows, then every
// acknowledged path must reach the Gotipath stand-in. Flags: --requests=N (5000), --connections=N (50).
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { summarize } from './gotipath-standin/index.mjs';
import {
  DISTRIBUTION_ID,
  SECRETS,
  audit,
  checkJourneys,
  auditConfig,
  numericFlags,
  printTable,
  signedWebhook,
  waitDrained,
} from './purge-audit.mjs';
import { startStack } from './stack.mjs';
/** @import { Delivery, Receipt } from './purge-audit.mjs' */
/** @import { Stack } from './stack.mjs' */

const WINDOW_MS = 2_000;

/**
 * Fires the webhooks; returns autocannon's result and one record per delivery id it set up.
 * @param {string} url @param {{ requests: number, connections: number, runId: string }} options
 */
async function fire(url, { requests, connections, runId }) {
  /** @type {Map<string, Delivery>} */
  const events = new Map();
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    amount: requests,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        // Each request is its own delivery: a fresh id (and slug, so its own paths) and a fresh signature.
        setupRequest: (request, context) => {
          const id = `${runId}-${n++}`;
          const { path, headers, body } = signedWebhook(id);
          // The connection's context is ours to fill: it carries the delivery id to onResponse.
          /** @type {{ id?: string }} */ (context).id = id;
          events.set(id, { id, sentAt: Date.now(), at: 0, status: 0, paths: 0, retryAfter: null });
          return { ...request, path, headers, body };
        },
        onResponse: (status, body, context, headers = {}) => {
          const event = events.get(/** @type {{ id?: string }} */ (context).id ?? '');
          if (!event) return;
          /** @type {Receipt} */
          let receipt = {};
          try {
            receipt = JSON.parse(body);
          } catch {
            // Not JSON: no receipt.
          }
          Object.assign(event, {
            at: Date.now(),
            status,
            paths: Number(receipt.paths ?? 0),
            retryAfter: headers['retry-after'] ?? null,
            eventId: receipt.eventId,
            error: receipt.error ?? (status >= 300 ? String(body).slice(0, 200) : undefined),
          });
        },
      },
    ],
  });
  return { result, events: [...events.values()] };
}

/**
 * What the stand-in and the relay recorded, audited, with autocannon's figures.
 * @param {Stack} stack
 * @param {Awaited<ReturnType<typeof fire>> & { drainMs: number }} run
 */
async function buildReport(stack, { result, events, drainMs }) {
  const status = await waitDrained(stack.relay.url, 1_000);
  const journeys = await checkJourneys(stack.relay.url, events);
  const calls = stack.standin.calls.filter((c) => c.path.startsWith(`/v1/distributions/${DISTRIBUTION_ID}`));
  return {
    ...audit(events, calls),
    missingRetryAfter: events.filter((e) => e.status === 429 && !e.retryAfter).length,
    journeys,
    requestsPerSecond: Math.round(result.requests.average),
    durationS: result.duration,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    drainMs,
    calls: calls.length,
    relaySaw: status.distributions[0]?.lastHour.byStatus ?? {},
    refusals: [...new Set(events.filter((e) => e.error).map((e) => `${e.status} ${e.error}`))],
    violations: stack.standin.violations,
    maxUrlCallsInAnyWindow: summarize(calls, WINDOW_MS).maxCallsInAnyWindow.url,
  };
}

/**
 * Runs the load against a fresh stack and audits it.
 * @param {{ requests?: number, connections?: number, log?: (line: string) => void }} [options]
 */
export async function runLoad({ requests = 5_000, connections = 50, log = console.log } = {}) {
  const config = auditConfig({ windowMs: WINDOW_MS, timeoutMs: 5_000 });
  const stack = await startStack({ name: 'load', secrets: SECRETS, config, windowMs: WINDOW_MS, portBase: 26_000 });
  try {
    const runId = `l${Date.now().toString(36)}`;
    log(`sending ${requests} signed webhooks over ${connections} connections`);
    const { result, events } = await fire(stack.relay.url, { requests, connections, runId });
    log('waiting for the queue to drain');
    // 200 paths per window at the limits above, plus a margin.
    const drainStarted = Date.now();
    await waitDrained(stack.relay.url, Math.ceil((requests * 2) / 200) * (WINDOW_MS + 100) + 60_000);
    const drainMs = Date.now() - drainStarted;
    const report = await buildReport(stack, { result, events, drainMs });
    const ok =
      report.lost.length === 0 &&
      report.wrongRefusals.length === 0 &&
      report.wrongCounts.length === 0 &&
      report.missingRetryAfter === 0 &&
      report.journeys.mismatches.length === 0 &&
      report.violations === 0;
    return { report, ok };
  } finally {
    await stack.stop();
  }
}

/** @param {Awaited<ReturnType<typeof runLoad>>['report']} report */
export function printLoadReport(report) {
  printTable([
    ['requests', report.sent],
    ['requests/s (mean)', report.requestsPerSecond],
    ['latency p50 / p99 (ms)', `${report.latencyP50} / ${report.latencyP99}`],
    ['acked (2xx)', report.acked],
    ['not acked, by status (0: no answer)', report.nonAcked],
    ['429 without Retry-After', report.missingRetryAfter],
    ['refusals the platform would not retry', report.wrongRefusals],
    ['paths acked / purged / lost', `${report.pathsAcked} / ${report.purged} / ${report.lost.length}`],
    ['duplicates (paths purged twice)', report.duplicates],
    ['journeys checked / wrong (GET /admin/events)', `${report.journeys.checked} / ${report.journeys.mismatches.length}`],
    ['refusal messages', report.refusals.join('; ') || '-'],
    ['Gotipath calls / 429s', `${report.calls} / ${report.violations}`],
    ["the relay's answers (0: timeout)", report.relaySaw],
    ['max URL calls in any window', report.maxUrlCallsInAnyWindow],
    ['drained in (s)', (report.drainMs / 1000).toFixed(1)],
  ]);
  if (report.lost.length > 0) console.log(`lost paths: ${report.lost.slice(0, 20).join(' ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { report, ok } = await runLoad(numericFlags(process.argv.slice(2), ['requests', 'connections']));
  printLoadReport(report);
  console.log(ok ? 'check passed: every acknowledged path was purged; every refusal is retryable' : 'CHECK FAILED');
  process.exitCode = ok ? 0 : 1;
}
