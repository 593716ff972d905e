// @ts-check
// The CLI's connection to a relay: its URL, the admin token (never taken from the command line), and JSON
// requests whose failures become one clear message.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_URL = 'http://127.0.0.1:8787';

/**
 * @typedef {{ error?: string, issues?: { path: string, message: string }[] }} RelayRefusal  An admin API error body.
 * @typedef {ReturnType<typeof createRelay>} Relay
 * @typedef {ReturnType<typeof createProgress>} Progress
 * @typedef {{ log(text: string): void, write(text: string): void, warn(text: string): void, progress: Progress }} Output
 *   Where a command prints: its result (log, write), warnings, and one line of progress.
 */

/** A failure to report as `purge-relay: <message>`; `code` 1 for a failed operation, 2 for bad usage. */
export class CliError extends Error {
  /** @param {string} message @param {number} [code] @param {RelayRefusal} [details] the relay's answer, if it refused */
  constructor(message, code = 1, details = undefined) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** @param {string} name @returns {string | undefined} */
function devVar(name) {
  for (const dir of [process.cwd(), ROOT]) {
    const file = `${dir}/.dev.vars`;
    if (!existsSync(file)) continue;
    const match = new RegExp(`^\\s*${name}\\s*=\\s*"?(.*?)"?\\s*$`, 'm').exec(readFileSync(file, 'utf8'));
    if (match) return match[1];
  }
  return undefined;
}

/** @param {string} url */
const isLoopback = (url) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

/** PURGE_RELAY_TOKEN; for a relay on this machine, ADMIN_TOKEN from .dev.vars as a fallback. @param {string} url */
export function resolveToken(url, env = process.env) {
  if (env.PURGE_RELAY_TOKEN) return env.PURGE_RELAY_TOKEN;
  // A local development token is never sent to a remote relay.
  const local = isLoopback(url) ? devVar('ADMIN_TOKEN') : undefined;
  if (local) return local;
  throw new CliError(
    `set PURGE_RELAY_TOKEN to the relay's ADMIN_TOKEN${isLoopback(url) ? ' (or run from a checkout with a .dev.vars)' : ''}`,
  );
}

/**
 * A client for `/admin/...`: `call(method, path, body?)` resolves with the JSON answer or throws a CliError.
 * @param {{ url: string, env?: NodeJS.ProcessEnv }} options
 */
export function createRelay({ url, env = process.env }) {
  const base = url.replace(/\/+$/, '');
  try {
    new URL(base);
  } catch {
    throw new CliError(`--url must be an http(s) URL, got "${url}"`, 2);
  }
  /** @type {string | undefined} */
  let token;
  /**
   * The answer's shape is the admin API's (src/admin/): the caller names the type it reads.
   * @template T @param {string} method @param {string} path @param {unknown} [body] @returns {Promise<T>}
   */
  async function call(method, path, body) {
    token ??= resolveToken(base, env);
    let response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (caught) {
      const error = /** @type {Error & { cause?: { code?: string, message?: string } }} */ (caught);
      const why =
        error.name === 'TimeoutError' ? 'no answer within 30 s' : (error.cause?.code ?? error.cause?.message ?? error.message);
      throw new CliError(`could not reach the relay at ${base} (${why}); is it running (\`npm start\`) and is --url right?`);
    }
    const text = await response.text();
    /** @type {unknown} */
    let json;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new CliError(`${method} ${path} answered ${response.status} with something that is not JSON: ${text.slice(0, 200)}`);
    }
    // Boundary: JSON from the relay, typed by the caller (an error body is an object with `error`).
    if (!response.ok) {
      const refusal = /** @type {RelayRefusal} */ (json);
      throw new CliError(`${method} ${path} failed (${response.status}): ${refusal.error ?? text}`, 1, refusal);
    }
    return /** @type {T} */ (json);
  }
  return { url: base, call };
}

/** One line of progress on stderr: rewritten in place on a terminal, a new line (only when it changes) otherwise. */
/** @param {NodeJS.WriteStream} [stream] */
export function createProgress(stream = process.stderr) {
  let last = '';
  return {
    /** @param {string} text */
    update(text) {
      if (text === last) return;
      last = text;
      if (stream.isTTY) stream.write(`\r\x1b[K${text}`);
      else stream.write(`${text}\n`);
    },
    /** @param {string} [text] */
    done(text) {
      if (stream.isTTY) stream.write(`\r\x1b[K`);
      if (text) stream.write(`${text}\n`);
      last = '';
    },
  };
}
