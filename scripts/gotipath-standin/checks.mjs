// @ts-check
// What the stand-in checks in a request, in Gotipath's order: credentials, route and method, a known
// distribution, then for purges and prefetches the content type, the body's size and shape, and every path.
/** @import { IncomingHttpHeaders } from 'node:http' */
/** @import { Call, Outcome } from './api.mjs' */
/** @import { Limits, RateKind } from './limits.mjs' */

/**
 * @typedef {{ clientId: string, libraryId: string, apiKey: string }} Credentials
 * @typedef {{ text: string, tooLarge: boolean }} RawBody  A body as read: at most MAX_BODY_BYTES of it.
 * @typedef {{ url: string, pattern: string, all: string }} PurgeTypes  the body `type` accepted for each purge kind.
 */

export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_PATH_LENGTH = 2048;
/** The purge kinds, and the body `type` that names each unless a distribution's `purgeTypes` fault says otherwise. */
export const PURGE_KINDS = ['url', 'pattern', 'all'];
/** @type {PurgeTypes} */
export const DEFAULT_PURGE_TYPES = { url: 'url', pattern: 'pattern', all: 'all' };
const AUTH_HEADERS = /** @type {const} */ ([
  ['X-Auth-ClientId', 'clientId'],
  ['X-Auth-LibraryId', 'libraryId'],
  ['X-Auth-ApiKey', 'apiKey'],
]);
const ROUTE_RE = /^\/v1\/distributions\/([^/]+)(?:\/(purges|prefetches))?$/;
// A scheme ("http:"), a protocol-relative host ("//cdn.example"), or a full URL glued onto "/".
const HOST_RE = /^([a-z][a-z0-9+.-]*:|\/\/|\/[a-z][a-z0-9+.-]*:\/\/)/i;

/** JSON-quote a value for an error message, truncating long ones. @param {unknown} v */
export function show(v) {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** The distribution id an API path names, '' when it names none. @param {string} pathname */
export const distributionOf = (pathname) => ROUTE_RE.exec(pathname)?.[1] ?? '';

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

/**
 * @param {string} kind 'purge' when type is missing/invalid @param {Record<string, unknown>} body @param {Limits} limits
 * @param {PurgeTypes} types
 */
function validateParams(kind, body, limits, types) {
  const oneOf = Object.values(types).map(show).join(', ');
  if (kind === 'purge' && body.type === undefined) return `type is required (one of ${oneOf})`;
  if (kind === 'purge') return `type must be one of ${oneOf}: ${show(body.type)}`;
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

/** @param {IncomingHttpHeaders} headers @param {Credentials} creds @returns {string | null} */
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
export function parseBody(raw, contentType) {
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

/**
 * Checks 1-2: credentials, route, known distribution; fills in call.distributionId and call.kind.
 * @param {IncomingHttpHeaders} headers @param {Call} call @param {Credentials} creds
 * @param {Set<string> | null} known the distributions that exist (null: any id does)
 * @returns {Outcome | null}
 */
export function checkAccess(headers, call, creds, known) {
  const authError = checkAuth(headers, creds);
  if (authError) return { status: 401, error: authError };
  const route = matchRoute(call.method, call.path);
  if ('status' in route) return route;
  call.distributionId = route.distributionId;
  call.kind = route.kind;
  if (known && !known.has(route.distributionId)) return { status: 404, error: 'distribution not found' };
  return null;
}

/**
 * Checks 3-4 for purges and prefetches: the body and its parameters; fills in call.kind, call.type and call.paths.
 * @param {string | undefined} contentType @param {RawBody} raw @param {Call} call @param {Limits} limits
 * @param {PurgeTypes} [types] the `type` values this distribution accepts
 * @returns {Outcome | null}
 */
export function checkPayload(contentType, raw, call, limits, types = DEFAULT_PURGE_TYPES) {
  if (call.kind === 'distribution') return null;
  const { reject, body } = parseBody(raw, contentType);
  if (reject) return reject;
  if (call.kind === 'purge') {
    call.type = body.type;
    const kind = PURGE_KINDS.find((k) => types[/** @type {keyof PurgeTypes} */ (k)] === body.type);
    if (kind) call.kind = kind;
  }
  if (Array.isArray(body.paths)) call.paths = body.paths;
  const paramError = validateParams(String(call.kind), body, limits, types);
  return paramError ? { status: 422, error: paramError } : null;
}
