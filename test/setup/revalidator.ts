// A Node "Next.js-style" app in front of the example origin (loopback only): changes staged here reach the origin
// after a delay, on revalidation (ISR) or on their own (a static build, a lagging API), and every call is logged.
//   POST /api/revalidate       x-revalidate-secret checked (401 otherwise); JSON {paths, tags}; applies staged pages
//   PURGE|BAN /any/path        a caching proxy's purge, logged;  POST /hooks/build  a build hook, logged
//   PUT /__stage?path=&delayMs=&on=revalidate|time  JSON {title, updatedAt?}   POST /__fail?times=N   GET /__calls
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RevalidatorCall {
  at: number;
  method: string;
  path: string;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Staged {
  page: { title: string; updatedAt?: string };
  delayMs: number;
  on: 'revalidate' | 'time';
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 65_536) return undefined;
  }
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function startRevalidator(options: { originUrl: string; secret: string }) {
  const calls: RevalidatorCall[] = [];
  const staged = new Map<string, Staged>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let failures = 0;

  /** Sets the page at the example origin after `delayMs`, and logs when it did. */
  const applyLater = (path: string, s: Staged) => {
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

  const send = (res: http.ServerResponse, status: number, body: unknown) =>
    void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const log = (status: number, extra: Partial<RevalidatorCall> = {}) =>
      calls.push({ at: Date.now(), method: req.method ?? '', path: url.pathname, status, ...extra });
    if (url.pathname === '/__calls') return send(res, 200, calls);
    if (url.pathname === '/__fail') {
      failures = Number(url.searchParams.get('times') ?? '1');
      return send(res, 200, { failures });
    }
    if (url.pathname === '/__stage') {
      const page = (await readJson(req)) as Staged['page'] | undefined;
      const path = url.searchParams.get('path');
      if (!path || !page?.title) return send(res, 400, { error: 'path and a JSON {title} are required' });
      const s: Staged = {
        page,
        delayMs: Number(url.searchParams.get('delayMs') ?? '0'),
        on: url.searchParams.get('on') === 'time' ? 'time' : 'revalidate',
      };
      if (s.on === 'time') applyLater(path, s);
      else staged.set(path, s);
      return send(res, 200, { staged: path });
    }
    if (req.method === 'PURGE' || req.method === 'BAN') {
      req.resume();
      const ban = req.headers['x-ban-url'];
      log(200, typeof ban === 'string' ? { headers: { 'x-ban-url': ban } } : {});
      return send(res, 200, { purged: url.pathname });
    }
    if (url.pathname === '/hooks/build' && req.method === 'POST') {
      const body = await readJson(req);
      log(201, { body });
      return send(res, 201, { job: 'queued' });
    }
    if (url.pathname === '/api/revalidate' && req.method === 'POST') {
      const body = (await readJson(req)) as { paths?: string[]; tags?: string[] } | undefined;
      if (req.headers['x-revalidate-secret'] !== options.secret) {
        log(401);
        return send(res, 401, { revalidated: false, message: 'invalid secret' });
      }
      if (failures > 0) {
        failures--;
        log(500, { body });
        return send(res, 500, { revalidated: false, message: 'revalidation failed (a fault of the test)' });
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
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const t of timers) clearTimeout(t);
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
