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
 * @param {{ name: string, secrets: Record<string, string>, config: unknown, windowMs: number, portBase: number }} options
 * `secrets` holds the Worker's vars and secrets (the Gotipath credentials among them); `portBase`
 * keeps the suites apart when more than one runs at a time.
 */
export async function startStack({ name, secrets, config, windowMs, portBase }) {
  const standin = await startGotipathStandin({
    log: false,
    windowMs,
    credentials: {
      clientId: secrets.GOTIPATH_CLIENT_ID,
      libraryId: secrets.GOTIPATH_LIBRARY_ID,
      apiKey: secrets.GOTIPATH_API_KEY,
    },
  });
  const dir = mkdtempSync(join(tmpdir(), `purge-relay-${name}-`));
  const stack = { standin, dir, relay: undefined };
  stack.stop = async () => {
    await stack.relay?.stop();
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
        log: (line) =>
          process.stderr.write(`[${name}] ${line}
`),
      }),
    });
  /** Kills the relay (SIGKILL: a crash, by default) and starts it again on the same port and persisted state. */
  stack.restartRelay = async (signal = 'SIGKILL') => {
    await stack.relay?.stop(signal);
    stack.relay = undefined;
    stack.relay = await start();
    return stack.relay;
  };
  try {
    stack.relay = await start();
    await putConfig(stack.relay.url, secrets.ADMIN_TOKEN, config);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

const CLI = fileURLToPath(new URL('../bin/purge-relay.mjs', import.meta.url));

/**
 * Runs the purge-relay CLI without blocking this process (the stand-in answers from it); resolves with its output.
 * @param {string[]} args @param {{ url: string, token: string, cwd?: string, env?: Record<string, string> }} options
 */
export function runCli(args, { url, token, cwd, env = {} }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--url', url], {
      cwd,
      env: { PATH: process.env.PATH, PURGE_RELAY_TOKEN: token, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
