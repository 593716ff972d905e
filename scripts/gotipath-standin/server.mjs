// @ts-check
// The stand-in's HTTP side, on 127.0.0.1 only: Gotipath's routes answered by the API (api.mjs), the test-control
// routes under /__standin/, one log line per call, the caching edge's own port when asked for (edge-server.mjs),
// and the handle tests hold (calls, faults, cache, clear, close).
import http from 'node:http';
import { GotipathApi } from './api.mjs';
import { MAX_BODY_BYTES, parseBody, show } from './checks.mjs';
import { EdgeServer, checkOriginUrl } from './edge-server.mjs';
import { DEFAULT_ACCOUNT_LIMIT, DEFAULT_WINDOW_MS, mergeLimits } from './limits.mjs';
import { summarize } from './summary.mjs';
/** @import { AddressInfo } from 'node:net' */
/** @import { Call } from './api.mjs' */
/** @import { Credentials, RawBody } from './checks.mjs' */
/** @import { Entry } from './cache.mjs' */
/** @import { Faults } from './faults.mjs' */
/** @import { AccountLimit, AccountScope, KindLimit, RateKind } from './limits.mjs' */

/**
 * @typedef {{
 *   port?: number, host?: string, log?: ((line: string) => void) | false | null,
 *   credentials?: Partial<Credentials>, distributions?: string[],
 *   limits?: { [K in RateKind]?: Partial<KindLimit> } & { windowMs?: number },
 *   windowMs?: number, faults?: Faults, seed?: number, accountLimit?: AccountLimit | null, accountScope?: AccountScope,
 *   edge?: { originUrl: string, port?: number, evictAfterMs?: number }
 * }} StandinOptions  `accountLimit` Gotipath's general limit (4 requests/s by default; null: none), shared by
 *   every call of the client id, or with `accountScope: 'named'` only by distributions given an `account` fault.
 *   `edge` also serves a caching edge in front of `originUrl` (loopback) on its own port (`port`, default any free
 *   one); an accepted purge evicts `evictAfterMs` (default 0) after its 200.
 */

const HOST = '127.0.0.1';
/** @type {Credentials} */
const DEFAULT_CREDENTIALS = {
  clientId: 'standin-client',
  libraryId: 'standin-library',
  apiKey: 'standin-key',
};

/** Read the whole body, keeping at most MAX_BODY_BYTES of it. @param {http.IncomingMessage} req @returns {Promise<RawBody>} */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }));
    req.on('error', reject);
  });
}

/** @param {http.ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
function send(res, status, body, headers = {}) {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** What the control route and cache() show of one entry. @param {Entry} e @param {number} now */
const showEntry = (e, now) => ({
  path: e.key,
  status: e.status,
  etag: e.headers.etag,
  lastModified: e.headers['last-modified'],
  storedAt: e.storedAt,
  age: Math.floor((now - e.storedAt) / 1000),
  hits: e.hits,
});

/** @param {Call} call */
function formatLogLine(call) {
  let line = `[gotipath] ${call.status || 'RESET'} ${call.method} ${call.path}`;
  if (call.kind && call.kind !== 'distribution') line += ` ${call.kind}`;
  // Every path of the call: the terminal is where a newcomer checks what was purged.
  if (call.paths.length)
    line += ` ${call.paths.length} path${call.paths.length === 1 ? '' : 's'}: ${call.paths.map(String).join(' ')}`;
  return call.error ? `${line} — ${call.error}` : line;
}

/** A running stand-in: what tests read (calls, violations, inFlight) and what they set (faults). */
export class GotipathStandin {
  /** Every call answered (or reset), in order; the control routes are not recorded. @type {Call[]} */
  calls = [];
  url = '';
  port = 0;
  /** The caching edge's URL ('' when started without `edge`). */
  edgeUrl = '';
  /** @type {EdgeServer | null} */
  #edgeServer = null;
  /** Calls received but not answered yet (e.g. held by delayMs): a test can act while one is in flight. */
  #inFlight = 0;
  #closing = false;
  /** Wakes the requests held by delayMs, so close() does not wait for them. @type {Set<() => void>} */
  #sleepers = new Set();
  #api;
  #log;
  #server;

  /** @param {GotipathApi} api @param {((line: string) => void) | null} log */
  constructor(api, log) {
    this.#api = api;
    this.#log = log;
    this.#server = http.createServer((req, res) => {
      this.#onRequest(req, res).catch((err) => send(res, 500, { error: `Internal Server Error: ${err.message}` }));
    });
  }

  /** @param {number} port @param {number | null} edgePort null: no caching edge */
  async listen(port, edgePort) {
    await new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, HOST, () => resolve(undefined));
    });
    this.port = /** @type {AddressInfo} */ (this.#server.address()).port;
    this.url = `http://${HOST}:${this.port}`;
    if (edgePort === null) return;
    this.#edgeServer = new EdgeServer(this.#api.edge);
    await this.#edgeServer.listen(edgePort).catch(async (err) => (await this.close(), Promise.reject(err)));
    this.edgeUrl = this.#edgeServer.url;
  }

  /** Number of calls answered 429 (a distribution's window or the account's general limit) since start or clear(). */
  get violations() {
    return this.#api.rates.violations + this.#api.account.violations;
  }

  /** Of those, the calls over the account's general limit. */
  get accountViolations() {
    return this.#api.account.violations;
  }

  /** Calls received and not yet answered. */
  get inFlight() {
    return this.#inFlight;
  }

  /**
   * Merge faults over the current ones (null/undefined removes one); returns the active faults. With a
   * distribution id, the faults apply to that distribution's calls only, so test files sharing one stand-in
   * do not disturb each other. @param {Faults | unknown} f @param {string} [distribution]
   */
  setFaults(f, distribution) {
    return this.#api.faults.set(f, distribution);
  }

  resetFaults() {
    this.#api.faults.reset();
  }

  /** Forget recorded calls, the violation count and the rate-window history. */
  clear() {
    this.calls.length = 0;
    this.#api.clear();
  }

  /**
   * What the caching edge holds (path, status, validators, age in seconds, hits), the purges not yet in effect, each
   * path's eviction (`evicted`, `lost`, `kept`, `absent`) and its request counts. Empty without an edge.
   */
  cache() {
    const edge = this.#api.edge;
    const now = Date.now();
    return {
      entries: (edge.cache?.list() ?? []).map((e) => showEntry(e, now)),
      pending: edge.pending(),
      evictions: [...edge.evictions],
      stats: { ...edge.stats },
    };
  }

  /** Empty the edge's cache, drop pending evictions, forget evictions and request counts. */
  clearCache() {
    this.#api.edge.clear();
  }

  /** summarize() of the recorded calls, using this stand-in's window. */
  summary() {
    return summarize(this.calls, this.#api.rates.windowMs);
  }

  /** Stop listening (the edge too), drop open connections, pending delays and pending evictions. @returns {Promise<void>} */
  async close() {
    this.#api.edge.close();
    await Promise.all([
      this.#edgeServer?.close(),
      new Promise((resolve) => {
        this.#closing = true;
        for (const wake of [...this.#sleepers]) wake();
        this.#server.close(() => resolve(undefined));
        this.#server.closeAllConnections();
      }),
    ]);
  }

  /** @param {number} ms */
  #sleep(ms) {
    return new Promise((resolve) => {
      const wake = () => (clearTimeout(timer), this.#sleepers.delete(wake), resolve(undefined));
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async #onRequest(req, res) {
    const { pathname } = new URL(req.url ?? '/', `http://${HOST}`);
    if (pathname.startsWith('/__standin/')) return this.#control(req, res, pathname);
    this.#inFlight++;
    const raw = await readBody(req).catch((err) => (this.#inFlight--, Promise.reject(err)));
    const faults = this.#api.faults.forPath(pathname);
    if (faults.delayMs) await this.#sleep(faults.delayMs);
    this.#inFlight--;
    if (this.#closing) return;
    const request = { method: req.method ?? 'GET', path: pathname, headers: req.headers, raw };
    const { call, outcome } = this.#api.answer(request, faults);
    this.calls.push(call);
    if (this.#log) this.#log(formatLogLine(call));
    if (outcome === 'reset') return void req.socket.destroy();
    send(res, outcome.status, outcome.error ? { error: outcome.error } : outcome.body, outcome.headers);
  }

  /** Test-control endpoints under /__standin/ (no auth, not recorded). @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} pathname */
  async #control(req, res, pathname) {
    const route = `${req.method} ${pathname}`;
    if (route === 'GET /__standin/calls') return send(res, 200, this.calls);
    if (route === 'GET /__standin/faults') return send(res, 200, this.#api.faults.global);
    if (route === 'POST /__standin/reset') return (this.clear(), this.resetFaults(), this.clearCache(), send(res, 200, {}));
    if (route === 'GET /__standin/cache') return send(res, 200, this.cache());
    if (route === 'DELETE /__standin/cache') return (this.clearCache(), send(res, 200, {}));
    if (route !== 'POST /__standin/faults') return send(res, 404, { error: `Not Found: no control route ${route}` });
    const { reject, body } = parseBody(await readBody(req), req.headers['content-type']);
    if (reject) return send(res, reject.status, { error: reject.error });
    try {
      const { distribution, ...patch } = body;
      if (distribution === undefined) return send(res, 200, { faults: this.setFaults(patch) });
      if (typeof distribution !== 'string') throw new TypeError('distribution must be a distribution id');
      return send(res, 200, { distribution, faults: this.setFaults(patch, distribution) });
    } catch (err) {
      return send(res, 400, { error: `Bad Request: ${/** @type {Error} */ (err).message}` });
    }
  }
}

/**
 * Start the stand-in on 127.0.0.1.
 * @param {StandinOptions} [options]
 */
export async function startGotipathStandin(options = {}) {
  if (options.host !== undefined && options.host !== HOST)
    throw new Error(`host must be ${HOST} (loopback only), got ${show(options.host)}`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${show(port)}`);
  const { edge } = options;
  const edgePort = edge ? (edge.port ?? 0) : null;
  if (edgePort !== null && (!Number.isInteger(edgePort) || edgePort < 0 || edgePort > 65535))
    throw new Error(`invalid edge.port ${show(edgePort)}`);
  const evictAfterMs = edge?.evictAfterMs ?? 0;
  if (!Number.isFinite(evictAfterMs) || evictAfterMs < 0) throw new Error(`invalid edge.evictAfterMs ${show(evictAfterMs)}`);
  const log = options.log === undefined ? console.log : options.log || null;
  const api = new GotipathApi({
    credentials: { ...DEFAULT_CREDENTIALS, ...options.credentials },
    distributions: options.distributions ?? null,
    limits: mergeLimits(options.limits),
    windowMs: options.windowMs ?? options.limits?.windowMs ?? DEFAULT_WINDOW_MS,
    faults: options.faults ?? {},
    seed: options.seed ?? 1,
    accountLimit: options.accountLimit === undefined ? DEFAULT_ACCOUNT_LIMIT : options.accountLimit,
    accountScope: options.accountScope ?? 'client',
    edge: edge ? { originUrl: checkOriginUrl(edge.originUrl), evictAfterMs, log } : null,
  });
  const standin = new GotipathStandin(api, log);
  await standin.listen(port, edgePort);
  return standin;
}
