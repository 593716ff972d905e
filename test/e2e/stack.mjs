// The end-to-end stack the e2e tests share: the Gotipath stand-in and the relay under wrangler dev,
// both on 127.0.0.1, with a config loaded and a scratch folder that goes away afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGotipathStandin } from '../../scripts/gotipath-standin.mjs';
import { putConfig, startLocalRelay } from '../../scripts/local-relay.mjs';

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
      ...(process.env.E2E_LOG && { log: (line) => process.stderr.write(`[${name}] ${line}
`) }),
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
