// @ts-check
// `npm test`: every suite in turn (workerd, Node, end to end), then one closing line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = 'node_modules/.bin';
const report = join(tmpdir(), `purge-relay-vitest-${process.pid}.json`);
const only = process.argv.slice(2);

/**
 * @typedef {{ passed: number, failed: number }} Counts
 * @typedef {{ name: string, command: [string, ...string[]], count?: () => Counts | undefined }} Suite
 *   `count` reads the runner's own report; without it, its TAP output is counted.
 */

/** @type {Suite[]} */
const SUITES = [
  {
    name: 'worker',
    command: [`${BIN}/vitest`, 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`],
    count: () => {
      if (!existsSync(report)) return undefined;
      const json = JSON.parse(readFileSync(report, 'utf8'));
      rmSync(report, { force: true });
      return { passed: json.numPassedTests, failed: json.numFailedTests + (json.numTotalTestSuites === 0 ? 1 : 0) };
    },
  },
  // The stand-in's tests, the deploy script's (a stub wrangler) and the CLI's pure parts.
  { name: 'node', command: [process.execPath, '--test', '--test-reporter=tap', 'scripts/', 'bin/'] },
  { name: 'e2e', command: [process.execPath, '--test', '--test-reporter=tap', '--test-concurrency=1', 'test/e2e/'] },
];

/** node --test's TAP summary: "# pass N" and "# fail N". @param {string} output @returns {Counts | undefined} */
function tapCounts(output) {
  /** @param {string} word */
  const pick = (word) => Number(new RegExp(`^# ${word} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
  const passed = pick('pass');
  const failed = pick('fail') + pick('cancelled');
  return Number.isNaN(passed) ? undefined : { passed, failed };
}

let passed = 0;
let failed = 0;
for (const suite of SUITES.filter((s) => only.length === 0 || only.includes(s.name))) {
  console.log(`\n=== ${suite.name}: ${suite.command.join(' ')}`);
  const run = spawnSync(suite.command[0], suite.command.slice(1), {
    encoding: 'utf8',
    stdio: ['ignore', suite.count ? 'inherit' : 'pipe', 'inherit'],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
  });
  if (run.stdout) process.stdout.write(run.stdout);
  const counts = suite.count ? suite.count() : tapCounts(run.stdout ?? '');
  // A runner that crashed before counting is a failure, whatever it printed.
  const result = counts ?? { passed: 0, failed: 1 };
  if (run.status !== 0 && result.failed === 0) result.failed = 1;
  console.log(`=== ${suite.name}: ${result.passed} passed, ${result.failed} failed`);
  passed += result.passed;
  failed += result.failed;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
