// @ts-check
// `npm run audit:faults`: the relay under wrangler dev against a faulty Gotipath stand-in, signed webhooks
// throughout; afterwards every acknowledged path must have been purged. Flags: --outage-ms, --phase-ms, --rate.
import { fileURLToPath } from 'node:url';
import { summarize } from './gotipath-standin/index.mjs';
import {
  DISTRIBUTION_ID,
  SECRETS,
  audit,
  checkJourneys,
  auditConfig,
  numericFlags,
  printTable,
  sendWebhook,
  waitDrained,
} from './purge-audit.mjs';
import { startStack } from './stack.mjs';
/** @import { Call, Faults } from './gotipath-standin/index.mjs' */
/** @import { Delivery, RelayStatus } from './purge-audit.mjs' */
/** @import { Stack } from './stack.mjs' */

/**
 * @typedef {{ outageMs: number, phaseMs: number }} PhaseOptions
 * @typedef {{ name: string, from: number }} PhaseStart
 * @typedef {{ events: Delivery[], timeline: PhaseStart[], killedAt: number }} Run
 */

const WINDOW_MS = 4_000;
const TIMEOUT_MS = 2_000;
/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The phases, in order; between two the faults are cleared. `restart` kills the relay (SIGKILL) while a
 * purge call is in flight (held by the stand-in) and starts it again on the same persisted state.
 * @param {PhaseOptions} options
 * @returns {{ name: string, faults: Faults | (() => Faults), ms: number, restart?: boolean }[]}
 */
function phases({ outageMs, phaseMs }) {
  return [
    { name: 'baseline', faults: {}, ms: phaseMs / 2 },
    { name: '30 % 503', faults: { errorRate: 0.3, errorStatus: 503 }, ms: phaseMs },
    { name: '50 % connection resets', faults: { resetRate: 0.5 }, ms: phaseMs },
    {
      name: `answers after ${TIMEOUT_MS + 600} ms (timeout ${TIMEOUT_MS} ms)`,
      faults: { delayMs: TIMEOUT_MS + 600 },
      ms: phaseMs,
    },
    { name: `outage of ${outageMs / 1000} s`, faults: () => ({ outageUntil: Date.now() + outageMs }), ms: outageMs },
    { name: 'relay killed mid-flush, restarted', faults: { delayMs: 1_500 }, ms: phaseMs / 2, restart: true },
    { name: 'recovery', faults: {}, ms: phaseMs / 2 },
    { name: '401 period', faults: { unauthorized: true }, ms: phaseMs },
  ];
}

/**
 * Sends `rate` signed webhooks a second until stopped; every answer (or its absence) is kept.
 * @param {Stack} stack @param {number} rate @param {string} runId
 */
function startSender(stack, rate, runId) {
  /** @type {Promise<Delivery>[]} */
  const sent = [];
  let n = 0;
  // While the relay restarts, stack.relay is the stopped one: same URL, and the sends fail as they would.
  const timer = setInterval(() => sent.push(sendWebhook(stack.relay.url, `${runId}-${n++}`)), 1000 / rate);
  return { stop: async () => (clearInterval(timer), Promise.all(sent)) };
}

/**
 * Queues a burst that needs several calls, kills the relay while the stand-in holds the first of them,
 * then restarts it: the calls after the restart must still respect the window the lost call opened.
 * @param {Stack} stack @param {string} runId @param {(line: string) => void} log
 */
async function restartMidFlush(stack, runId, log) {
  const burst = await Promise.all(Array.from({ length: 120 }, (_, i) => sendWebhook(stack.relay.url, `${runId}-burst-${i}`)));
  const deadline = Date.now() + 30_000;
  while (stack.standin.inFlight === 0) {
    if (Date.now() > deadline) throw new Error('no purge call was in flight to interrupt within 30 s');
    await sleep(20);
  }
  const killedAt = Date.now();
  const startedAt = Date.now();
  await stack.restartRelay('SIGKILL');
  log(`  relay killed with a call in flight; back after ${Date.now() - startedAt} ms`);
  return { killedAt, burst };
}

/**
 * Runs the phases while the sender sends; returns every delivery, the phase start times and the kill time.
 * @param {Stack} stack @param {PhaseOptions & { rate: number, log: (line: string) => void }} options
 * @returns {Promise<Run>}
 */
async function runPhases(stack, { outageMs, phaseMs, rate, log }) {
  const runId = `f${Date.now().toString(36)}`;
  const sender = startSender(stack, rate, runId);
  /** @type {PhaseStart[]} */
  const timeline = [];
  /** @type {{ killedAt: number, burst: Delivery[] }} */
  let restart = { killedAt: 0, burst: [] };
  try {
    for (const phase of phases({ outageMs, phaseMs })) {
      log(`phase: ${phase.name} (${Math.round(phase.ms / 1000)} s)`);
      timeline.push({ name: phase.name, from: Date.now() });
      stack.standin.setFaults(typeof phase.faults === 'function' ? phase.faults() : phase.faults);
      const end = Date.now() + phase.ms;
      if (phase.restart) restart = await restartMidFlush(stack, runId, log);
      await sleep(Math.max(0, end - Date.now()));
      stack.standin.resetFaults();
    }
  } catch (error) {
    // A failed phase must not leave the sender running (the process would never exit).
    await sender.stop();
    throw error;
  }
  const events = [...(await sender.stop()), ...restart.burst];
  timeline.push({ name: 'settling', from: Date.now() });
  return { events, timeline, killedAt: restart.killedAt };
}

/**
 * What the stand-in and the relay recorded, audited.
 * @param {Stack} stack @param {Run & { status: RelayStatus, started: number }} run
 */
async function buildReport(stack, { events, timeline, killedAt, status, started }) {
  const journeys = await checkJourneys(stack.relay.url, events);
  // Outages, 401s and resets are answered before the stand-in reads the route: keep them by path.
  const calls = stack.standin.calls.filter((c) => c.path.startsWith(`/v1/distributions/${DISTRIBUTION_ID}`));
  const summary = summarize(calls, WINDOW_MS);
  return {
    ...audit(events, calls),
    calls: calls.length,
    byStatus: { ...summary.rejected, 200: summary.accepted },
    journeys,
    relaySaw: status.distributions[0]?.lastHour.byStatus ?? {},
    violations: stack.standin.violations,
    maxUrlCallsInAnyWindow: summary.maxCallsInAnyWindow.url,
    answeredAfterKill: calls.filter((c) => killedAt > 0 && c.at >= killedAt && c.at < killedAt + 5_000).length,
    deadLetters: status.distributions.reduce((n, d) => n + d.deadLetters, 0),
    phases: timeline.map((p, i) => ({ name: p.name, calls: byStatus(calls, p.from, timeline[i + 1]?.from ?? Infinity) })),
    durationS: Math.round((Date.now() - started) / 1000),
  };
}

/**
 * Runs every phase, waits for the queue to drain, and audits.
 * @param {{ outageMs?: number, phaseMs?: number, rate?: number, log?: (line: string) => void }} [options]
 */
export async function runFaultAudit({ outageMs = 120_000, phaseMs = 12_000, rate = 4, log = console.log } = {}) {
  const config = auditConfig({ windowMs: WINDOW_MS, timeoutMs: TIMEOUT_MS, escalation: 'off' });
  const stack = await startStack({ name: 'faults', secrets: SECRETS, config, windowMs: WINDOW_MS, portBase: 24_000 });
  const started = Date.now();
  try {
    const run = await runPhases(stack, { outageMs, phaseMs, rate, log });
    log('faults cleared; waiting for the queue to drain');
    const status = await waitDrained(stack.relay.url, 180_000);
    // A call the relay gave up on (timeout) may still be answered: let the stand-in's record settle.
    await sleep(TIMEOUT_MS + 1_000);
    const report = await buildReport(stack, { ...run, status, started });
    const ok =
      report.lost.length === 0 &&
      report.violations === 0 &&
      report.wrongCounts.length === 0 &&
      report.wrongRefusals.length === 0 &&
      report.journeys.mismatches.length === 0;
    return { report, ok };
  } finally {
    await stack.stop();
  }
}

/** Calls answered in [from, to), counted by status (0: connection reset). @param {Call[]} calls @param {number} from @param {number} to */
function byStatus(calls, from, to) {
  /** @type {Record<number, number>} */
  const counts = {};
  for (const c of calls.filter((c) => c.at >= from && c.at < to)) counts[c.status] = (counts[c.status] ?? 0) + 1;
  return counts;
}

/** The summary table. @param {Awaited<ReturnType<typeof runFaultAudit>>['report']} report */
export function printReport(report) {
  printTable([
    ['events sent', report.sent],
    ['events acked (2xx)', report.acked],
    ['events not acked', report.nonAcked],
    ['paths acked', report.pathsAcked],
    ['paths purged', report.purged],
    ['lost', report.lost.length],
    ['receipts with a wrong path count', report.wrongCounts.length],
    ['acks whose body was cut by the kill', report.cutReceipts],
    ['refusals the platform would not retry', report.wrongRefusals],
    ['duplicates (paths purged twice)', report.duplicates],
    ['journeys checked / wrong (GET /admin/events)', `${report.journeys.checked} / ${report.journeys.mismatches.length}`],
    ['Gotipath calls', report.calls],
    ['calls by status (0: reset)', report.byStatus],
    ["the relay's answers (0: timeout/reset)", report.relaySaw],
    ['429s (limit violations)', report.violations],
    ['max URL calls in any window', report.maxUrlCallsInAnyWindow],
    ['calls answered after the kill', report.answeredAfterKill],
    ['dead letters', report.deadLetters],
    ['max staleness (ms)', report.maxStalenessMs],
    ['run time (s)', report.durationS],
    ...report.phases.map(/** @returns {[string, unknown]} */ (p) => [`calls during "${p.name}"`, p.calls]),
  ]);
  if (report.lost.length > 0) console.log(`lost paths: ${report.lost.slice(0, 20).join(' ')}`);
  if (report.wrongCounts.length > 0) console.log(`wrong receipts: ${report.wrongCounts.slice(0, 20).join('; ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { report, ok } = await runFaultAudit(numericFlags(process.argv.slice(2), ['outage-ms', 'phase-ms', 'rate']));
  printReport(report);
  console.log(ok ? 'audit passed: nothing lost, no limit exceeded' : 'AUDIT FAILED');
  process.exitCode = ok ? 0 : 1;
}
