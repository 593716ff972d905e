// @ts-check
// End to end: 1,500 signed webhooks through autocannon (scripts/load.mjs) as fast as loopback allows; every
// acknowledged path must be purged, and every refusal must be one the platform retries.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { printLoadReport, runLoad } from '../../scripts/load.mjs';

it('purges every path of every acknowledged webhook under load; refusals are retryable', { timeout: 240_000 }, async () => {
  const { report } = await runLoad({ requests: 1_500, connections: 50, log: () => {} });
  printLoadReport(report);
  assert.ok(report.sent >= 1_500, `every request was set up (${report.sent})`);
  assert.ok(report.acked > 0);
  assert.deepEqual(report.wrongCounts, [], 'every receipt counts the two paths of its event');
  assert.deepEqual(report.wrongRefusals, [], 'nothing refused with a status the platform would not retry');
  assert.equal(report.missingRetryAfter, 0, 'every 429 carries Retry-After');
  assert.deepEqual(report.lost, [], 'every acknowledged path was purged');
  assert.equal(report.purged, report.pathsAcked);
  assert.equal(report.violations, 0, 'no call was refused for a rate limit');
  assert.ok(report.journeys.checked >= 10, `journeys checked: ${report.journeys.checked}`);
  assert.deepEqual(report.journeys.mismatches, [], "the relay's own journeys list each event's paths, each purged");
});
