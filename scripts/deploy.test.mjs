// @ts-check
// `npm run deploy` with a stub `wrangler` on PATH (no test may reach Cloudflare): it refuses a placeholder KV id,
// and otherwise runs `wrangler deploy` with the cron triggers of wrangler.toml as DEPLOYED_CRONS.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deployPlan } from './deploy.mjs';

const SCRIPT = fileURLToPath(new URL('./deploy.mjs', import.meta.url));
const stub = mkdtempSync(join(tmpdir(), 'purge-relay-wrangler-'));
after(() => rmSync(stub, { recursive: true, force: true }));

describe('npm run deploy', () => {
  it('refuses a placeholder KV id, saying both ways out', () => {
    const plan = deployPlan('[[kv_namespaces]]\nbinding = "CONFIG"\nid = "00000000000000000000000000000000"\n', []);
    assert.ok('refusal' in plan);
    assert.match(plan.refusal, /placeholder id "0{32}"/);
    assert.match(plan.refusal, /delete that id line/);
    assert.match(plan.refusal, /npx wrangler kv namespace create CONFIG/);
  });

  it('deploys with a real id or none, passing the triggers and the extra arguments', () => {
    const toml =
      '[[kv_namespaces]]\nbinding = "CONFIG"\nid = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"\n[triggers]\ncrons = ["0 3 * * *"]\n';
    assert.deepEqual(deployPlan(toml, ['--dry-run']), {
      args: ['deploy', '--var', 'DEPLOYED_CRONS:["0 3 * * *"]', '--dry-run'],
    });
    assert.deepEqual(deployPlan('[[kv_namespaces]]\nbinding = "CONFIG"\n', []), {
      args: ['deploy', '--var', 'DEPLOYED_CRONS:[]'],
    });
  });

  it('runs the wrangler on PATH with this repository’s triggers (a stub here: nothing reaches Cloudflare)', () => {
    const log = join(stub, 'args.json');
    const wrangler = join(stub, 'wrangler');
    writeFileSync(
      wrangler,
      `#!/usr/bin/env node\nrequire('node:fs').writeFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)));\n`,
    );
    chmodSync(wrangler, 0o755);
    const run = spawnSync(process.execPath, [SCRIPT, '--dry-run'], {
      encoding: 'utf8',
      env: { PATH: [stub, process.env.PATH].join(delimiter) },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(readFileSync(log, 'utf8')), [
      'deploy',
      '--var',
      'DEPLOYED_CRONS:["*/5 * * * *","0 3 * * *"]',
      '--dry-run',
    ]);
  });
});
