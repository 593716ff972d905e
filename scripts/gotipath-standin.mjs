// Local stand-in of the Gotipath CDN purge API (loopback only), for exercising purge-relay without the real CDN.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {'url' | 'pattern' | 'all' | 'prefetch'} RateKind
 * @typedef {{ max: number, paths?: number }} KindLimit
 * @typedef {Record<RateKind, KindLimit>} Limits
 * @typedef {{ clientId: string, libraryId: string, apiKey: string }} Credentials
 * @typedef {{
 *   errorRate?: number, errorStatus?: number, resetRate?: number, delayMs?: number,
 *   outageUntil?: number, unauthorized?: boolean, rejectPaths?: string[]
 * }} Faults
 * @typedef {{
 *   at: number, method: string, path: string, distributionId: string | null,
 *   kind: string | null, type: unknown, paths: unknown[], status: number, error?: string
 * }} Call  One recorded call; `status` 0 means the socket was reset by the resetRate fault.
 * @typedef {{
 *   port?: number, host?: string, log?: ((line: string) => void) | false | null,
 *   credentials?: Partial<Credentials>, distributions?: string[],
 *   limits?: { [K in RateKind]?: Partial<KindLimit> } & { windowMs?: number },
 *   windowMs?: number, faults?: Faults, seed?: number
 * }} StandinOptions
 * @typedef {{ status: number, error?: string, body?: unknown, headers?: Record<string, string> }} Outcome
 * @typedef {{ text: string, tooLarge: boolean }} RawBody
 */

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_PATH_LENGTH = 2048;
const DEFAULT_WINDOW_MS = 60_000;
const PURGE_TYPES = ['url', 'pattern', 'all'];
/** @type {RateKind[]} */
const RATE_KINDS = ['url', 'pattern', 'all', 'prefetch'];
const AUTH_HEADERS = /** @type {const} */ ([
  ['X-Auth-ClientId', 'clientId'],
  ['X-Auth-LibraryId', 'libraryId'],
  ['X-Auth-ApiKey', 'apiKey'],
]);
/** @type {Credentials} */
const DEFAULT_CREDENTIALS = {
  clientId: 'standin-client',
  libraryId: 'standin-library',
  apiKey: 'standin-key',
};
/** @type {Limits} */
const DEFAULT_LIMITS = {
  url: { max: 2, paths: 100 },
  pattern: { max: 1, paths: 10 },
  all: { max: 1 },
  prefetch: { max: 1, paths: 100 },
};
const ROUTE_RE = /^\/v1\/distributions\/([^/]+)(?:\/(purges|prefetches))?$/;
// A scheme ("http:"), a protocol-relative host ("//cdn.example"), or a full URL glued onto "/".
const HOST_RE = /^([a-z][a-z0-9+.-]*:|\/\/|\/[a-z][a-z0-9+.-]*:\/\/)/i;

/** @type {Record<keyof Faults, (v: unknown) => boolean>} */
const FAULT_CHECKS = {
  errorRate: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  resetRate: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  errorStatus: (v) => Number.isInteger(v) && Number(v) >= 400 && Number(v) <= 599,
  delayMs: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  outageUntil: (v) => typeof v === 'number' && Number.isFinite(v),
  unauthorized: (v) => typeof v === 'boolean',
  rejectPaths: (v) => Array.isArray(v) && v.every((p) => typeof p === 'string'),
};

/** Seeded PRNG (mulberry32) so errorRate/resetRate runs are reproducible. @param {number} seed */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON-quote a value for an error message, truncating long ones. @param {unknown} v */
function show(v) {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** @param {Faults} current @param {unknown} patch @returns {Faults} merged faults; null/undefined values remove a key */
function mergeFaults(current, patch) {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new TypeError('faults must be an object');
  /** @type {Record<string, unknown>} */
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const check = FAULT_CHECKS[/** @type {keyof Faults} */ (key)];
    if (!check) throw new TypeError(`unknown fault ${show(key)}`);
    if (value === null || value === undefined) delete next[key];
    else if (!check(value)) throw new TypeError(`invalid value for fault ${key}: ${show(value)}`);
    else next[key] = value;
  }
  return next;
}

/** @param {StandinOptions['limits']} given @returns {Limits} */
function mergeLimits(given = {}) {
  const out = /** @type {Limits} */ ({});
  for (const kind of RATE_KINDS) out[kind] = { ...DEFAULT_LIMITS[kind], ...given[kind] };
  return out;
}

/** Sliding-window limiter over accepted calls, keyed by distribution and kind. @param {() => number} windowMs */
function createLimiter(windowMs) {
  /** @type {Map<string, number[]>} */
  const accepted = new Map();
  /** @param {string} key @param {number} now */
  const inWindow = (key, now) => (accepted.get(key) ?? []).filter((t) => t > now - windowMs());
  return {
    /** @param {string} key @param {number} max @param {number} now @returns {number} seconds to wait, 0 if allowed */
    check(key, max, now) {
      const times = inWindow(key, now);
      accepted.set(key, times);
      if (times.length < max) return 0;
      return Math.max(1, Math.ceil(((times[0] ?? now) + windowMs() - now) / 1000));
    },
    /** @param {string} key @param {number} now */
    record: (key, now) => accepted.set(key, [...inWindow(key, now), now]),
    clear: () => accepted.clear(),
  };
}

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

/** @param {unknown} p @param {string} kind @returns {string | null} what is wrong with one path */
function checkPath(p, kind) {
  if (typeof p !== 'string') return `must be a string: ${show(p)}`;
  if (p.length > MAX_PATH_LENGTH) return `must be at most ${MAX_PATH_LENGTH} characters (has ${p.length}): ${show(p)}`;
  if (HOST_RE.test(p)) return `must not contain a scheme or host: ${show(p)}`;
  if (!p.startsWith('/')) return `must start with "/": ${show(p)}`;
  if (/[\s\p{Cc}]/u.test(p)) return `must not contain whitespace or control characters: ${show(p)}`;
  if (kind !== 'pattern' && p.includes('*')) return `may contain "*" only in a pattern purge: ${show(p)}`;
  return null;
}

/** @param {string} kind 'purge' when type is missing/invalid @param {Record<string, unknown>} body @param {Limits} limits */
function validateParams(kind, body, limits) {
  if (kind === 'purge' && body.type === undefined) return 'type is required (one of "url", "pattern", "all")';
  if (kind === 'purge') return `type must be one of "url", "pattern", "all": ${show(body.type)}`;
  const { paths } = body;
  const label = kind === 'prefetch' ? 'a prefetch' : `a ${kind} purge`;
  if (paths === undefined && kind === 'all') return null;
  if (paths === undefined) return `paths is required for ${label}`;
  if (!Array.isArray(paths)) return `paths must be an array of strings, got ${show(paths)}`;
  if (kind === 'all') return paths.length ? `paths must be empty for type "all" (got ${paths.length})` : null;
  if (paths.length === 0) return `paths must not be empty for ${label}`;
  const max = limits[/** @type {RateKind} */ (kind)].paths ?? Infinity;
  if (paths.length > max) return `too many paths: ${paths.length} given, at most ${max} per ${label}`;
  /** @type {Map<unknown, number>} */
  const seen = new Map();
  for (const [i, p] of paths.entries()) {
    const problem = checkPath(p, kind);
    if (problem) return `paths[${i}] ${problem}`;
    if (seen.has(p)) return `paths[${i}] duplicates paths[${seen.get(p)}]: ${show(p)}`;
    seen.set(p, i);
  }
  return null;
}

/**
 * Check 2: route and method.
 * @param {string} method @param {string} pathname
 * @returns {Outcome | { kind: string, distributionId: string }}
 */
function matchRoute(method, pathname) {
  const m = ROUTE_RE.exec(pathname);
  if (!m) return { status: 404, error: `Not Found: no route for ${method} ${pathname}` };
  const allow = m[2] ? 'POST' : 'GET';
  if (method !== allow) {
    return {
      status: 405,
      error: `Method Not Allowed: use ${allow} for ${pathname}`,
      headers: { Allow: allow },
    };
  }
  const kind = m[2] === 'purges' ? 'purge' : m[2] === 'prefetches' ? 'prefetch' : 'distribution';
  return { distributionId: m[1] ?? '', kind };
}

/** @param {http.IncomingHttpHeaders} headers @param {Credentials} creds @returns {string | null} */
function checkAuth(headers, creds) {
  const missing = AUTH_HEADERS.filter(([h]) => !headers[h.toLowerCase()]).map(([h]) => h);
  if (missing.length) return `Unauthorized: missing header ${missing.join(', ')}`;
  const wrong = AUTH_HEADERS.filter(([h, k]) => headers[h.toLowerCase()] !== creds[k]).map(([h]) => h);
  return wrong.length ? `Unauthorized: header ${wrong.join(', ')} does not match the configured credentials` : null;
}

/**
 * Check 3: content type, size and JSON object body.
 * @param {RawBody} raw @param {string | undefined} contentType
 * @returns {{ reject: Outcome, body?: undefined } | { reject?: undefined, body: Record<string, unknown> }}
 */
function parseBody(raw, contentType) {
  const media = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (media !== 'application/json') {
    const error = `Unsupported Media Type: Content-Type must be application/json, got ${show(contentType ?? '')}`;
    return { reject: { status: 415, error } };
  }
  if (raw.tooLarge) {
    return { reject: { status: 413, error: `Payload Too Large: body exceeds ${MAX_BODY_BYTES} bytes` } };
  }
  try {
    const body = JSON.parse(raw.text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return { body };
    return { reject: { status: 400, error: 'Bad Request: body must be a JSON object' } };
  } catch {
    return { reject: { status: 400, error: 'Bad Request: body is not valid JSON' } };
  }
}

/** @param {Call} call */
function formatLogLine(call) {
  let line = `[gotipath] ${call.status || 'RESET'} ${call.method} ${call.path}`;
  if (call.kind && call.kind !== 'distribution') line += ` ${call.kind}`;
  if (call.paths.length) {
    const shown = call.paths.slice(0, 5).map(String).join(' ');
    const more = call.paths.length > 5 ? ` … +${call.paths.length - 5} more` : '';
    line += ` ${call.paths.length} path${call.paths.length === 1 ? '' : 's'}: ${shown}${more}`;
  }
  return call.error ? `${line} — ${call.error}` : line;
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
  const creds = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const known = options.distributions ? new Set(options.distributions) : null;
  const limits = mergeLimits(options.limits);
  const windowMs = options.windowMs ?? options.limits?.windowMs ?? DEFAULT_WINDOW_MS;
  const log = options.log === undefined ? console.log : options.log || null;
  const random = mulberry32(options.seed ?? 1);
  const limiter = createLimiter(() => windowMs);
  /** @type {Call[]} */
  const calls = [];
  /** @type {Faults} */
  let faults = mergeFaults({}, options.faults ?? {});
  /** Faults set for one distribution id only (POST faults with "distribution"); they win over the global ones. */
  /** @type {Map<string, Faults>} */
  const scoped = new Map();
  /** The faults a request to `pathname` meets. @param {string} pathname @returns {Faults} */
  const faultsFor = (pathname) => ({ ...faults, ...scoped.get(ROUTE_RE.exec(pathname)?.[1] ?? '') });
  let violations = 0;
  /** Calls received but not answered yet (e.g. held by delayMs): a test can act while one is in flight. */
  let inFlight = 0;
  let closing = false;
  /** @type {Set<() => void>} */
  const sleepers = new Set();

  /** @param {number | undefined} rate */
  const chance = (rate) => (rate ? rate >= 1 || random() < rate : false);

  /** @param {number} ms */
  const sleep = (ms) =>
    new Promise((resolve) => {
      const wake = () => (clearTimeout(timer), sleepers.delete(wake), resolve(undefined));
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  /** Answer every call the same way while an outage or forced 401 is set. @param {Call} call @param {Faults} faults @returns {Outcome | null} */
  function forcedFailure(call, faults) {
    if (faults.outageUntil !== undefined && call.at < faults.outageUntil) {
      return { status: 503, error: 'Service Unavailable: outage (stand-in fault)' };
    }
    if (faults.unauthorized) return { status: 401, error: 'Unauthorized: credentials rejected (stand-in fault)' };
    return null;
  }

  /** Checks 1-2: credentials, route, known distribution. @param {http.IncomingMessage} req @param {Call} call @returns {Outcome | null} */
  function checkAccess(req, call) {
    const authError = checkAuth(req.headers, creds);
    if (authError) return { status: 401, error: authError };
    const route = matchRoute(call.method, call.path);
    if ('status' in route) return route;
    call.distributionId = route.distributionId;
    call.kind = route.kind;
    if (known && !known.has(route.distributionId)) return { status: 404, error: 'distribution not found' };
    return null;
  }

  /** Checks 3-4 (and the rejectPaths fault) for purges and prefetches; fills in call.kind/type/paths. */
  function checkPayload(
    /** @type {http.IncomingMessage} */ req,
    /** @type {RawBody} */ raw,
    /** @type {Call} */ call,
    /** @type {Faults} */ faults,
  ) {
    if (call.kind === 'distribution') return null;
    const { reject, body } = parseBody(raw, req.headers['content-type']);
    if (reject) return reject;
    if (call.kind === 'purge') {
      call.type = body.type;
      if (typeof body.type === 'string' && PURGE_TYPES.includes(body.type)) call.kind = body.type;
    }
    if (Array.isArray(body.paths)) call.paths = body.paths;
    const paramError = validateParams(String(call.kind), body, limits);
    if (paramError) return { status: 422, error: paramError };
    const bad = call.paths.findIndex((p) => typeof p === 'string' && faults.rejectPaths?.includes(p));
    return bad < 0 ? null : { status: 422, error: `paths[${bad}] is invalid: ${call.paths[bad]}` };
  }

  /** The errorRate fault, decided before the rate check. @param {Faults} faults @returns {Outcome | null} */
  function injectedError(faults) {
    if (!chance(faults.errorRate)) return null;
    return {
      status: faults.errorStatus ?? 503,
      error: 'Service Unavailable: injected error (stand-in fault)',
    };
  }

  /** Check 5: the sliding-window rate limit; accepted calls enter the window. @param {Call} call @returns {Outcome} */
  function admit(call) {
    if (call.kind === 'distribution') return { status: 200, body: { id: call.distributionId, status: 'active' } };
    const kind = /** @type {RateKind} */ (call.kind);
    const key = `${call.distributionId}\u0000${kind}`;
    const wait = limiter.check(key, limits[kind].max, call.at);
    if (wait === 0) {
      limiter.record(key, call.at);
      return { status: 200, body: {} };
    }
    violations++;
    const error = `Too Many Requests: at most ${limits[kind].max} ${kind} call(s) per ${windowMs} ms for distribution ${call.distributionId}; retry in ${wait} s`;
    return { status: 429, error, headers: { 'Retry-After': String(wait) } };
  }

  /** Run the checks in order, filling in `call`. @param {http.IncomingMessage} req @param {RawBody} raw @param {Call} call @param {Faults} faults @returns {Outcome | 'reset'} */
  function decide(req, raw, call, faults) {
    if (chance(faults.resetRate)) return 'reset';
    return (
      forcedFailure(call, faults) ??
      checkAccess(req, call) ??
      checkPayload(req, raw, call, faults) ??
      injectedError(faults) ??
      admit(call)
    );
  }

  /** @param {http.ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
  function send(res, status, body, headers = {}) {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  /** Test-control endpoints under /__standin/ (no auth, not recorded). */
  async function handleControl(
    /** @type {http.IncomingMessage} */ req,
    /** @type {http.ServerResponse} */ res,
    /** @type {string} */ pathname,
  ) {
    const route = `${req.method} ${pathname}`;
    if (route === 'GET /__standin/calls') return send(res, 200, calls);
    if (route === 'GET /__standin/faults') return send(res, 200, faults);
    if (route === 'POST /__standin/reset') return (handle.clear(), handle.resetFaults(), send(res, 200, {}));
    if (route !== 'POST /__standin/faults') return send(res, 404, { error: `Not Found: no control route ${route}` });
    const { reject, body } = parseBody(await readBody(req), req.headers['content-type']);
    if (reject) return send(res, reject.status, { error: reject.error });
    try {
      const { distribution, ...patch } = body;
      if (distribution === undefined) return send(res, 200, { faults: handle.setFaults(patch) });
      if (typeof distribution !== 'string') throw new TypeError('distribution must be a distribution id');
      return send(res, 200, { distribution, faults: handle.setFaults(patch, distribution) });
    } catch (err) {
      return send(res, 400, { error: `Bad Request: ${/** @type {Error} */ (err).message}` });
    }
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function onRequest(req, res) {
    const { pathname } = new URL(req.url ?? '/', `http://${HOST}`);
    if (pathname.startsWith('/__standin/')) return handleControl(req, res, pathname);
    inFlight++;
    const raw = await readBody(req).catch((err) => (inFlight--, Promise.reject(err)));
    const faults = faultsFor(pathname);
    if (faults.delayMs) await sleep(faults.delayMs);
    inFlight--;
    if (closing) return;
    /** @type {Call} */
    const call = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: pathname,
      distributionId: null,
      kind: null,
      type: undefined,
      paths: [],
      status: 0,
    };
    const outcome = decide(req, raw, call, faults);
    if (outcome === 'reset') call.error = 'connection reset (stand-in fault)';
    else call.status = outcome.status;
    if (outcome !== 'reset' && outcome.error) call.error = outcome.error;
    calls.push(call);
    if (log) log(formatLogLine(call));
    if (outcome === 'reset') return void req.socket.destroy();
    send(res, outcome.status, outcome.error ? { error: outcome.error } : outcome.body, outcome.headers);
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((err) => send(res, 500, { error: `Internal Server Error: ${err.message}` }));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve(undefined));
  });
  const actualPort = /** @type {import('node:net').AddressInfo} */ (server.address()).port;

  const handle = {
    url: `http://${HOST}:${actualPort}`,
    port: actualPort,
    calls,
    /** Number of calls answered 429 since start or the last clear(). */
    get violations() {
      return violations;
    },
    /** Calls received and not yet answered. */
    get inFlight() {
      return inFlight;
    },
    /**
     * Merge faults over the current ones (null/undefined removes one); returns the active faults. With a
     * distribution id, the faults apply to that distribution's calls only, so test files sharing one stand-in
     * do not disturb each other. @param {Faults | unknown} f @param {string} [distribution]
     */
    setFaults: (f, distribution) => {
      if (distribution === undefined) return (faults = mergeFaults(faults, f));
      const merged = mergeFaults(scoped.get(distribution) ?? {}, f);
      scoped.set(distribution, merged);
      return merged;
    },
    resetFaults: () => void ((faults = {}), scoped.clear()),
    /** Forget recorded calls, the violation count and the rate-window history. */
    clear: () => void ((calls.length = 0), (violations = 0), limiter.clear()),
    /** summarize() of the recorded calls, using this stand-in's window. */
    summary: () => summarize(calls, windowMs),
    /** Stop listening, drop open connections and pending delays. @returns {Promise<void>} */
    close: () =>
      new Promise((resolve) => {
        closing = true;
        for (const wake of [...sleepers]) wake();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return handle;
}

/** Largest number of timestamps (sorted) falling in any window (t - windowMs, t]. @param {number[]} times @param {number} windowMs */
function maxInWindow(times, windowMs) {
  let best = 0;
  let lo = 0;
  times.forEach((t, hi) => {
    while ((times[lo] ?? t) <= t - windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  });
  return best;
}

/**
 * Summarize recorded calls. `paths` holds the paths accepted in url purges; `duplicates` counts how many of
 * those distinct paths were accepted more than once; `maxCallsInAnyWindow` is per kind, across distributions.
 * @param {Call[]} calls
 * @param {number} [windowMs]
 */
export function summarize(calls, windowMs = DEFAULT_WINDOW_MS) {
  /** @type {Record<string, number>} */
  const rejected = {};
  /** @type {Map<unknown, number>} */
  const urlPaths = new Map();
  /** @type {Map<string, { kind: RateKind, times: number[] }>} */
  const byKey = new Map();
  let accepted = 0;
  for (const call of calls) {
    if (call.status !== 200) {
      rejected[call.status] = (rejected[call.status] ?? 0) + 1;
      continue;
    }
    accepted++;
    if (call.kind === 'url') for (const p of call.paths) urlPaths.set(p, (urlPaths.get(p) ?? 0) + 1);
    const kind = RATE_KINDS.find((k) => k === call.kind);
    if (!kind) continue;
    const key = `${kind}\u0000${call.distributionId}`;
    if (!byKey.has(key)) byKey.set(key, { kind, times: [] });
    byKey.get(key)?.times.push(call.at);
  }
  /** @type {Record<RateKind, number>} */
  const maxCallsInAnyWindow = { url: 0, pattern: 0, all: 0, prefetch: 0 };
  for (const { kind, times } of byKey.values()) {
    times.sort((a, b) => a - b);
    maxCallsInAnyWindow[kind] = Math.max(maxCallsInAnyWindow[kind], maxInWindow(times, windowMs));
  }
  const duplicates = [...urlPaths.values()].filter((n) => n > 1).length;
  return { accepted, rejected, paths: new Set(urlPaths.keys()), duplicates, maxCallsInAnyWindow };
}

/** @param {string[]} argv @returns {StandinOptions} */
function parseArgs(argv) {
  /** @type {StandinOptions} */
  const opts = { port: 8788 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? '';
    const int = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer`);
      return n;
    };
    if (flag === '--port') opts.port = int();
    else if (flag === '--window-ms') opts.windowMs = int();
    else if (flag === '--distributions') opts.distributions = value().split(',').filter(Boolean);
    else throw new Error(`unknown argument ${argv[i]} (use --port N, --window-ms N, --distributions a,b)`);
  }
  const env = process.env;
  opts.credentials = {
    ...(env.GOTIPATH_CLIENT_ID && { clientId: env.GOTIPATH_CLIENT_ID }),
    ...(env.GOTIPATH_LIBRARY_ID && { libraryId: env.GOTIPATH_LIBRARY_ID }),
    ...(env.GOTIPATH_API_KEY && { apiKey: env.GOTIPATH_API_KEY }),
  };
  return opts;
}

async function main() {
  /** @type {StandinOptions} */
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(/** @type {Error} */ (err).message);
    process.exitCode = 2;
    return;
  }
  const standin = await startGotipathStandin(opts);
  console.log(`Gotipath stand-in listening on ${standin.url}`);
  const stop = async () => {
    await standin.close();
    console.log('Gotipath stand-in stopped');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
