// The CLI's connection to a relay: its URL, the admin token (never taken from the command line), and JSON
// requests whose failures become one clear message.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_URL = 'http://127.0.0.1:8787';

/** A failure to report as `purge-relay: <message>`; `code` 1 for a failed operation, 2 for bad usage. */
export class CliError extends Error {
  constructor(message, code = 1, details = undefined) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

function devVar(name) {
  for (const dir of [process.cwd(), ROOT]) {
    const file = `${dir}/.dev.vars`;
    if (!existsSync(file)) continue;
    const match = new RegExp(`^\\s*${name}\\s*=\\s*"?(.*?)"?\\s*$`, 'm').exec(readFileSync(file, 'utf8'));
    if (match) return match[1];
  }
  return undefined;
}

const isLoopback = (url) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

/** PURGE_RELAY_TOKEN; for a relay on this machine, ADMIN_TOKEN from .dev.vars as a fallback. */
export function resolveToken(url, env = process.env) {
  if (env.PURGE_RELAY_TOKEN) return env.PURGE_RELAY_TOKEN;
  // A local development token is never sent to a remote relay.
  const local = isLoopback(url) ? devVar('ADMIN_TOKEN') : undefined;
  if (local) return local;
  throw new CliError(
    `set PURGE_RELAY_TOKEN to the relay's ADMIN_TOKEN${isLoopback(url) ? ' (or run from a checkout with a .dev.vars)' : ''}`,
  );
}

/** A client for `/admin/...`: `call(method, path, body?)` resolves with the JSON answer or throws a CliError. */
export function createRelay({ url, env = process.env }) {
  const base = url.replace(/\/+$/, '');
  try {
    new URL(base);
  } catch {
    throw new CliError(`--url must be an http(s) URL, got "${url}"`, 2);
  }
  let token;
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
    } catch (error) {
      const why =
        error.name === 'TimeoutError' ? 'no answer within 30 s' : (error.cause?.code ?? error.cause?.message ?? error.message);
      throw new CliError(`could not reach the relay at ${base} (${why}); is it running (\`npm start\`) and is --url right?`);
    }
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new CliError(`${method} ${path} answered ${response.status} with something that is not JSON: ${text.slice(0, 200)}`);
    }
    if (!response.ok) throw new CliError(`${method} ${path} failed (${response.status}): ${json.error ?? text}`, 1, json);
    return json;
  }
  return { url: base, call };
}

/** One line of progress on stderr: rewritten in place on a terminal, a new line (only when it changes) otherwise. */
export function createProgress(stream = process.stderr) {
  let last = '';
  return {
    update(text) {
      if (text === last) return;
      last = text;
      if (stream.isTTY) stream.write(`\r\x1b[K${text}`);
      else stream.write(`${text}\n`);
    },
    done(text) {
      if (stream.isTTY) stream.write(`\r\x1b[K`);
      if (text) stream.write(`${text}\n`);
      last = '';
    },
  };
}
