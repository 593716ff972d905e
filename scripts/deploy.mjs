// @ts-check
// `npm run deploy`: `wrangler deploy`, never with a placeholder KV id, telling the Worker the cron triggers it is
// deployed with (DEPLOYED_CRONS, which `purge-relay doctor` compares the config's schedules with). Extra arguments
// go to wrangler (`npm run deploy -- --dry-run --outdir dist`).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cronTriggers, isPlaceholderId, kvNamespaces } from '../bin/lib/wrangler-toml.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * What to run, or why not (pure: the text of wrangler.toml and the extra arguments in, wrangler's arguments out).
 * @param {string} toml @param {string[]} extra @returns {{ args: string[] } | { refusal: string }}
 */
export function deployPlan(toml, extra) {
  for (const { binding, id } of kvNamespaces(toml))
    if (id !== undefined && isPlaceholderId(id))
      return {
        refusal: [
          `wrangler.toml gives the KV namespace ${binding} the placeholder id "${id}": the Worker would have no config.`,
          'Either delete that id line (the first deploy then creates the namespace for you and keeps using it),',
          `or create one with \`npx wrangler kv namespace create ${binding}\` and paste the id it prints.`,
        ].join('\n'),
      };
  return { args: ['deploy', '--var', `DEPLOYED_CRONS:${JSON.stringify(cronTriggers(toml))}`, ...extra] };
}

/** Runs the plan with the `wrangler` on PATH (npm puts node_modules/.bin first; a plain `node` run finds it last). */
function main() {
  const plan = deployPlan(readFileSync(join(ROOT, 'wrangler.toml'), 'utf8'), process.argv.slice(2));
  if ('refusal' in plan) {
    process.stderr.write(`npm run deploy: ${plan.refusal}\n`);
    return 1;
  }
  const PATH = [process.env.PATH, join(ROOT, 'node_modules', '.bin')].filter(Boolean).join(delimiter);
  const run = spawnSync('wrangler', plan.args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PATH } });
  if (run.error) {
    process.stderr.write(`npm run deploy: could not run wrangler (${run.error.message}); run npm install first\n`);
    return 1;
  }
  if (run.status === 0 && !plan.args.includes('--dry-run'))
    process.stdout.write(
      '\nDeployed. Next: set the secrets (npx wrangler secret put NAME), write a config (npx purge-relay init),\npush it (npx purge-relay config push <file> --url https://<your relay>), then npx purge-relay doctor.\n',
    );
  return run.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
