// @ts-check
// End to end: the fault audit (scripts/audit-faults.mjs) with a 30 s outage — 503s, resets, slow answers,
// an outage, the relay killed mid-flush and a 401 period — then nothing acknowledged may be missing.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { printReport, runFaultAudit } from '../../scripts/audit-faults.mjs';

it('purges every acknowledged path through every fault, within the limits', { timeout: 300_000 }, async () => {
  const { report } = await runFaultAudit({ outageMs: 30_000, phaseMs: 10_000, rate: 4, log: () => {} });
  printReport(report);
  assert.ok(report.acked > 300, `most webhooks are acknowledged (${report.acked} of ${report.sent})`);
  assert.deepEqual(report.wrongCounts, [], 'every receipt counts the two paths of its event');
  assert.deepEqual(report.wrongRefusals, [], 'every refusal makes the platform resend (no answer, 5xx or 429)');
  assert.deepEqual(report.lost, [], 'no acknowledged path is missing from the purges Gotipath accepted');
  assert.equal(report.purged, report.pathsAcked);
  assert.equal(report.violations, 0, 'no call was refused for a rate limit');
  assert.ok(report.journeys.checked >= 10, `journeys checked: ${report.journeys.checked}`);
  assert.deepEqual(report.journeys.mismatches, [], "the relay's own journeys list each event's paths, each purged");
  assert.ok(report.maxUrlCallsInAnyWindow <= 2);
  assert.ok(report.answeredAfterKill >= 1, 'the relay was killed while a call was in flight');
  assert.equal(report.deadLetters, 0);
  // 0 is a timeout (the slow phase) or a reset, as the relay's own call log records it.
  for (const status of ['0', '401', '503']) assert.ok((report.relaySaw[status] ?? 0) > 0, `the relay met status ${status}`);
});
