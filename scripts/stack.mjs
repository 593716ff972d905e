// @ts-check
// The end-to-end stack the e2e suites, the fault audit and the load check share: the Gotipath stand-in and
// the relay under wrangler dev, both on 127.0.0.1, with a config loaded and a scratch folder that goes away
// afterwards; and the purge-relay CLI run against it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGotipathStandin } from './gotipath-standin/index.mjs';
import { putConfig, startLocalRelay } from './local-relay.mjs';

/**
 * @typedef {import('./gotipath-standin/index.mjs').GotipathStandin} GotipathStandin
 * @typedef {import('./gotipath-standin/index.mjs').StandinOptions} StandinOptions
 * @typedef {Awaited<ReturnType<typeof startLocalRelay>>} LocalRelay
 * @typedef {Record<string, string> & { GOTIPATH_CLIENT_ID: string, GOTIPATH_LIBRARY_ID: string,
 *   GOTIPATH_API_KEY: string, ADMIN_TOKEN: string }} StackSecrets
 * @typedef {{
 *   standin: GotipathStandin, relay: LocalRelay, dir: string, stop(): Promise<void>,
 *   restartRelay(signal?: NodeJS.Signals): Promise<LocalRelay>
 * }} Stack
 */

/**
 * @param {{ name: string, secrets: StackSecrets, config: unknown | ((standin: GotipathStandin) => unknown),
 *   windowMs: number, portBase: number,
 *   edge?: StandinOptions['edge'] }} options
 * `secrets` holds the Worker's vars and secrets (the Gotipath credentials among them); `portBase`
 * keeps the suites apart when more than one runs at a time; `edge` gives the stand-in a caching edge (a config
 * given as a function is made with the started stand-in, e.g. to name its `edgeUrl`).
 * @returns {Promise<Stack>}
 */
export async function startStack({ name, secrets, config, windowMs, portBase, edge }) {
  const standin = await startGotipathStandin({
    log: false,
    windowMs,
    edge,
    credentials: {
      clientId: secrets.GOTIPATH_CLIENT_ID,
      libraryId: secrets.GOTIPATH_LIBRARY_ID,
      apiKey: secrets.GOTIPATH_API_KEY,
    },
  });
  const dir = mkdtempSync(join(tmpdir(), `purge-relay-${name}-`));
  /** Stops what has started: the relay if there is one, the stand-in, and the scratch folder. @param {LocalRelay} [relay] */
  const stopAll = async (relay) => {
    await relay?.stop();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const port = portBase + Math.floor(Math.random() * 2_000);
  const start = () =>
    startLocalRelay({
      port,
      persistTo: join(dir, 'state'),
      vars: { ...secrets, GOTIPATH_API_BASE: standin.url },
      // E2E_LOG=1 shows wrangler's output (the relay's JSON log lines among it) while debugging a suite.
      ...(process.env.E2E_LOG && {
        log: (/** @type {string} */ line) =>
          process.stderr.write(`[${name}] ${line}
`),
      }),
    });
  /** @type {LocalRelay | undefined} */
  let relay;
  try {
    relay = await start();
    await putConfig(relay.url, secrets.ADMIN_TOKEN, typeof config === 'function' ? config(standin) : config);
  } catch (error) {
    await stopAll(relay);
    throw error;
  }
  /** @type {Stack} */
  const stack = {
    standin,
    dir,
    relay,
    stop: () => stopAll(stack.relay),
    /**
     * Kills the relay (SIGKILL: a crash, by default) and starts it again on the same port and persisted state;
     * until the new one answers, `relay` is the stopped one (same URL).
     */
    restartRelay: async (signal = 'SIGKILL') => {
      await stack.relay.stop(signal);
      stack.relay = await start();
      return stack.relay;
    },
  };
  return stack;
}

const CLI = fileURLToPath(new URL('../bin/purge-relay.mjs', import.meta.url));

/**
 * Runs the purge-relay CLI without blocking this process (the stand-in answers from it); resolves with its output.
 * `input` is piped to its stdin (none: no stdin, as in CI).
 * @param {string[]} args @param {{ url: string, token: string, cwd?: string, env?: NodeJS.ProcessEnv, input?: string }} options
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
export function runCli(args, { url, token, cwd, env = {}, input }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--url', url], {
      cwd,
      env: { PATH: process.env.PATH, PURGE_RELAY_TOKEN: token, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c) => (stdout += c));
    child.stderr?.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
