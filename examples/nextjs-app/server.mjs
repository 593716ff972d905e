// @ts-check
// A Node "Next.js-style" app in front of the example origin (loopback only), for the origin steps' tests and demos:
// changes staged here reach the origin after a delay, on revalidation (like ISR regenerating a page) or on their own
// (a static build, a lagging API); every call is logged.
//   POST /api/revalidate   x-revalidate-secret checked (401 otherwise); JSON {paths, tags}; applies staged pages
//   PURGE /any/path        a caching proxy's purge, logged;   POST /hooks/build   a build hook, logged (201)
//   PUT /__stage?path=&delayMs=&on=revalidate|time   JSON {title, updatedAt?}
//   POST /__fail?times=N   the next N revalidations answer 500;   GET /__calls   the log
import http from 'node:http';
/** @import { AddressInfo } from 'node:net' */
/** @import { AppCall } from './server.d.mts' */

/** @typedef {{ page: { title: string, updatedAt?: string }, delayMs: number, on: 'revalidate' | 'time' }} Staged */

const MAX_BODY = 65_536;

/** @param {http.IncomingMessage} req @returns {Promise<unknown>} undefined when empty, too large or not JSON */
async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_BODY) return undefined;
  }
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
const send = (res, status, body) => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** @param {{ originUrl: string, secret: string, port?: number }} options */
export async function startNextjsApp(options) {
  /** @type {AppCall[]} */
  const calls = [];
  /** @type {Map<string, Staged>} */
  const staged = new Map();
  /** @type {Set<ReturnType<typeof setTimeout>>} */
  const timers = new Set();
  let failures = 0;

  /** Sets the page at the example origin after `delayMs`, and logs when it did. @param {string} path @param {Staged} s */
  const applyLater = (path, s) => {
    const timer = setTimeout(async () => {
      timers.delete(timer);
      const response = await fetch(`${options.originUrl}/__origin/pages?path=${encodeURIComponent(path)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(s.page),
      });
      calls.push({ at: Date.now(), method: 'APPLIED', path, status: response.status });
    }, s.delayMs);
    timers.add(timer);
  };

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    /** @param {number} status @param {Partial<AppCall>} [extra] */
    const log = (status, extra = {}) =>
      calls.push({ at: Date.now(), method: req.method ?? '', path: url.pathname, status, ...extra });
    if (url.pathname === '/__calls') return send(res, 200, calls);
    if (url.pathname === '/__fail') {
      failures = Number(url.searchParams.get('times') ?? '1');
      return send(res, 200, { failures });
    }
    if (url.pathname === '/__stage') {
      const page = /** @type {Staged['page'] | undefined} */ (await readJson(req));
      const path = url.searchParams.get('path');
      if (!path || !page?.title) return send(res, 400, { error: 'path and a JSON {title} are required' });
      /** @type {Staged} */
      const s = {
        page,
        delayMs: Number(url.searchParams.get('delayMs') ?? '0'),
        on: url.searchParams.get('on') === 'time' ? 'time' : 'revalidate',
      };
      if (s.on === 'time') applyLater(path, s);
      else staged.set(path, s);
      return send(res, 200, { staged: path });
    }
    if (req.method === 'PURGE') {
      req.resume();
      log(200);
      return send(res, 200, { purged: url.pathname });
    }
    if (url.pathname === '/hooks/build' && req.method === 'POST') {
      log(201, { body: await readJson(req) });
      return send(res, 201, { job: 'queued' });
    }
    if (url.pathname === '/api/revalidate' && req.method === 'POST') {
      const body = /** @type {{ paths?: string[], tags?: string[] } | undefined} */ (await readJson(req));
      if (req.headers['x-revalidate-secret'] !== options.secret) {
        log(401);
        return send(res, 401, { revalidated: false, message: 'invalid secret' });
      }
      if (failures > 0) {
        failures--;
        log(500, { body });
        return send(res, 500, { revalidated: false, message: 'revalidation failed (an injected fault)' });
      }
      log(200, { body });
      for (const path of body?.paths ?? []) {
        const s = staged.get(path);
        if (s) (staged.delete(path), applyLater(path, s));
      }
      return send(res, 200, { revalidated: true, now: Date.now() });
    }
    req.resume();
    log(404);
    send(res, 404, { error: 'not found' });
  }

  const server = http.createServer((req, res) => void handle(req, res).catch(() => send(res, 500, { error: 'failed' })));
  server.listen(options.port ?? 0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = /** @type {AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => {
      for (const t of timers) clearTimeout(t);
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
