// @ts-check
// The example site's origin (loopback only): the pages examples/config.json purges for each sample webhook, served
// with validators a cache and purge-relay's verification compare, and control routes the samples use to change them.
//   PUT /__origin/pages?path=/x  JSON { title, body?, updatedAt? } sets a page;  DELETE /__origin/pages?path=/x removes it
//   PUT /__origin/pages?path=/x&delayMs=20000  sets it that much later (a build that takes 20 s, an API that lags): 202
//   GET /__origin/pages          every page (path, title, updatedAt, etag)
import { createHash } from 'node:crypto';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SEED_PAGES } from './pages.mjs';
/** @import { AddressInfo } from 'node:net' */
/** @import { PageInput } from './server.d.mts' */

const HOST = '127.0.0.1';
const MAX_CONTROL_BYTES = 64 * 1024;
/** Longest delay a change may be given (10 minutes). */
const MAX_DELAY_MS = 600_000;
/** Page requests remembered at most (the oldest are forgotten first). */
const MAX_REQUESTS = 100_000;
/** @type {Record<string, string>} */
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** @param {string} s */
const escape = (s) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** @typedef {{ title: string, updatedAt: string, html: string, etag: string }} Page */

/** A page's HTML: the title in <title> and <h1>, updatedAt in a meta tag. @param {PageInput} input @param {string} updatedAt @returns {Page} */
function render(input, updatedAt) {
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escape(input.title)}</title>
<meta name="updated-at" content="${escape(updatedAt)}"></head>
<body><h1>${escape(input.title)}</h1>
<p>${escape(input.body ?? 'An example page served by examples/origin/server.mjs.')}</p></body></html>
`;
  // A strong ETag (RFC 9110 §8.8.3): a digest of the exact bytes served.
  const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 22)}"`;
  return { title: input.title, updatedAt, html, etag };
}

/** What is wrong with a PUT body, or null. @param {unknown} v @returns {string | null} */
function problemWith(v) {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return 'the body must be a JSON object { title, body?, updatedAt? }';
  const { title, body, updatedAt } = /** @type {Record<string, unknown>} */ (v);
  if (typeof title !== 'string' || title === '') return 'title must be a non-empty string';
  if (body !== undefined && typeof body !== 'string') return 'body must be a string';
  if (updatedAt !== undefined && (typeof updatedAt !== 'string' || Number.isNaN(Date.parse(updatedAt))))
    return 'updatedAt must be a date-time string such as 2026-11-23T10:00:00Z';
  return null;
}

/** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** @param {http.IncomingMessage} req @returns {Promise<string | null>} null when larger than MAX_CONTROL_BYTES */
async function readText(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_CONTROL_BYTES) return null;
  }
  return text;
}

/**
 * Start the example origin on 127.0.0.1, seeded with the sample pages.
 * @param {{ port?: number, pages?: Record<string, PageInput> }} [options]
 */
export async function startExampleOrigin({ port = 0, pages: seed = SEED_PAGES } = {}) {
  /** @type {Map<string, Page>} */
  const pages = new Map();
  /** @param {string} path @param {PageInput} input */
  const setPage = (path, input) => {
    const problem = problemWith(input) ?? (path.startsWith('/') ? null : 'path must start with "/"');
    if (problem) throw new TypeError(problem);
    pages.set(path, render(input, new Date(input.updatedAt ?? Date.now()).toISOString()));
  };
  /** @param {string} path */
  const removePage = (path) => pages.delete(path);
  for (const [path, input] of Object.entries(seed)) setPage(path, input);
  /** Every request for a page (control routes apart), in order: how much the origin was asked. @type {string[]} */
  const requests = [];
  /** Changes given a delay, not applied yet. @type {Set<ReturnType<typeof setTimeout>>} */
  const delayed = new Set();

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url */
  const control = async (req, res, url) => {
    if (url.pathname !== '/__origin/pages') return sendJson(res, 404, { error: `no control route ${url.pathname}` });
    if (req.method === 'GET') {
      return sendJson(
        res,
        200,
        [...pages].map(([path, p]) => ({ path, title: p.title, updatedAt: p.updatedAt, etag: p.etag })),
      );
    }
    const path = url.searchParams.get('path');
    if (!path?.startsWith('/')) return sendJson(res, 400, { error: 'path: give ?path=/the/page (starting with "/")' });
    if (req.method === 'DELETE') return sendJson(res, 200, { path, removed: removePage(path) });
    if (req.method !== 'PUT')
      return sendJson(res, 405, { error: `use GET, PUT or DELETE on /__origin/pages, not ${req.method}` });
    const text = await readText(req);
    if (text === null) return sendJson(res, 413, { error: `body larger than ${MAX_CONTROL_BYTES} bytes` });
    let input;
    try {
      input = JSON.parse(text);
    } catch {
      return sendJson(res, 400, { error: 'the body is not valid JSON' });
    }
    const problem = problemWith(input);
    if (problem) return sendJson(res, 400, { error: problem });
    const delay = url.searchParams.get('delayMs');
    if (delay !== null) {
      const delayMs = Number(delay);
      if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS)
        return sendJson(res, 400, { error: `delayMs must be a whole number of ms from 0 to ${MAX_DELAY_MS}` });
      // The origin keeps serving the old page until then (a build under way, an API that lags the webhook).
      const timer = setTimeout(() => (delayed.delete(timer), setPage(path, input)), delayMs);
      delayed.add(timer);
      return sendJson(res, 202, { path, appliesAt: new Date(Date.now() + delayMs).toISOString() });
    }
    setPage(path, input);
    return sendJson(res, 200, { path, etag: pages.get(path)?.etag });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (url.pathname.startsWith('/__origin/')) {
      control(req, res, url).catch((err) => sendJson(res, 500, { error: String(err.message) }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      return void res.end(`use GET or HEAD, not ${req.method}\n`);
    }
    requests.push(`${url.pathname}${url.search}`);
    if (requests.length > MAX_REQUESTS) requests.splice(0, requests.length - MAX_REQUESTS);
    // The page for the path with its query (/collections/all?page=2), else for the path alone.
    const page = pages.get(`${url.pathname}${url.search}`) ?? pages.get(url.pathname);
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(req.method === 'HEAD' ? undefined : `no page at ${url.pathname}${url.search}\n`);
    }
    const headers = {
      'content-type': 'text/html; charset=utf-8',
      etag: page.etag,
      'last-modified': new Date(page.updatedAt).toUTCString(),
      'x-content-updated-at': page.updatedAt,
      'cache-control': 'public, max-age=3600',
    };
    if (req.headers['if-none-match'] === page.etag) return void (res.writeHead(304, headers), res.end());
    res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(page.html)) });
    res.end(req.method === 'HEAD' ? undefined : page.html);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve(undefined));
  });
  const url = `http://${HOST}:${/** @type {AddressInfo} */ (server.address()).port}`;
  /** @returns {Promise<void>} */
  const close = () =>
    new Promise((resolve) => {
      for (const timer of delayed) clearTimeout(timer);
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, close, setPage, removePage, requests, pages };
}

// `node examples/origin/server.mjs [--port 8790]`: the origin alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8790' } } });
  const origin = await startExampleOrigin({ port: Number(values.port) });
  console.log(`example origin listening on ${origin.url} (${origin.pages.size} pages; GET ${origin.url}/__origin/pages)`);
  process.once('SIGINT', () => void origin.close());
  process.once('SIGTERM', () => void origin.close());
}
