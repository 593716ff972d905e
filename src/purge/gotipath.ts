// The Gotipath CDN API client: purge and prefetch calls, each answered with a plain outcome, never a throw.
// API: POST /v1/distributions/{id}/purges with X-Auth-ClientId/-LibraryId/-ApiKey (see README).
import { log } from '../lib/log';
import type { RelayConfig } from '../rules/schema';
import { parseRetryAfter } from './planner';

export interface GotipathClientOptions {
  baseUrl: string;
  clientId: string;
  libraryId: string;
  apiKey: string;
  api: RelayConfig['gotipath'];
  fetch?: typeof fetch;
}

export type CallOutcome =
  | { ok: true; status: number }
  | {
      ok: false;
      /** HTTP status, or 0 when no answer came (timeout, reset, DNS). */
      status: number;
      /** Gotipath's message, or what went wrong on the wire; never includes credentials. */
      message: string;
      retryAfterMs?: number;
      /** No answer within the timeout: Gotipath may still act on the call. */
      timedOut?: true;
    };

export interface GotipathClient {
  purge(distributionId: string, kind: 'url' | 'pattern' | 'all', paths: readonly string[]): Promise<CallOutcome>;
  prefetch(distributionId: string, paths: readonly string[]): Promise<CallOutcome>;
  getDistribution(distributionId: string): Promise<CallOutcome>;
}

async function readMessage(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).slice(0, 500);
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const message = body.error ?? body.message ?? body.detail ?? body.errors;
    if (message !== undefined) return typeof message === 'string' ? message : JSON.stringify(message);
  } catch {
    // Not JSON: the raw text is the message.
  }
  return text || response.statusText || `HTTP ${response.status}`;
}

/** The API key cut out of a message, should Gotipath (or a proxy's error page) ever echo the request's headers. */
const redact = (text: string, secret: string) => (secret ? text.split(secret).join('[redacted]') : text);

export function createGotipathClient(options: GotipathClientOptions): GotipathClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers = {
    'X-Auth-ClientId': options.clientId,
    'X-Auth-LibraryId': options.libraryId,
    'X-Auth-ApiKey': options.apiKey,
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };

  // One JSON line per call: the endpoint, the type and number of paths, the outcome; never the X-Auth-* headers.
  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: { type?: string; paths: readonly string[] },
  ): Promise<CallOutcome> {
    const startedAt = Date.now();
    const outcome = await send(method, path, body);
    const fields = {
      method,
      path,
      type: body?.type,
      paths: body?.paths.length,
      status: outcome.status,
      durationMs: Date.now() - startedAt,
    };
    log(outcome.ok ? 'info' : 'warn', 'gotipath call', outcome.ok ? fields : { ...fields, error: outcome.message });
    return outcome;
  }

  async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<CallOutcome> {
    try {
      // Never follow a redirect: fetch would carry the X-Auth-* headers to whatever host it names.
      const response = await doFetch(`${base}${path}`, {
        method,
        redirect: 'manual',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.api.timeoutMs),
      });
      if (response.ok) {
        await response.body?.cancel();
        return { ok: true, status: response.status };
      }
      return {
        ok: false,
        status: response.status,
        message: redact(await readMessage(response), options.apiKey),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
      };
    } catch (error) {
      if ((error as Error).name === 'TimeoutError')
        return { ok: false, status: 0, message: `no answer within ${options.api.timeoutMs} ms`, timedOut: true };
      return { ok: false, status: 0, message: redact(`network error: ${(error as Error).message}`, options.apiKey) };
    }
  }

  const distribution = (id: string) => `/v1/distributions/${encodeURIComponent(id)}`;
  return {
    purge: (id, kind, paths) =>
      call('POST', `${distribution(id)}/purges`, { type: options.api.purgeTypes[kind], paths: kind === 'all' ? [] : paths }),
    prefetch: (id, paths) => call('POST', `${distribution(id)}${options.api.prefetchPath}`, { paths }),
    getDistribution: (id) => call('GET', distribution(id)),
  };
}
