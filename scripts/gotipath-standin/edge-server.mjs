// @ts-check
// The caching edge's HTTP side, on its own 127.0.0.1 port: GET and HEAD through the cache (edge.mjs), with `Age`
// and `X-Cache: HIT|MISS`; the origin's status, ETag, Last-Modified and body as the origin sent them.
import http from 'node:http';
/** @import { AddressInfo } from 'node:net' */
/** @import { Edge } from './edge.mjs' */

const HOST = '127.0.0.1';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The edge's origin, checked: an http(s) URL on the loopback interface. @param {unknown} originUrl */
export function checkOriginUrl(originUrl) {
  let url;
  try {
    url = new URL(String(originUrl));
  } catch {
    throw new Error(`edge.originUrl must be a URL, got ${JSON.stringify(originUrl)}`);
  }
  if (!/^https?:$/.test(url.protocol) || !LOOPBACK.has(url.hostname))
    throw new Error(`edge.originUrl must be an http URL on 127.0.0.1 (loopback only), got ${JSON.stringify(originUrl)}`);
  return url.href.replace(/\/+$/, '');
}

/** @param {http.ServerResponse} res @param {number} status @param {Record<string, string>} headers @param {Buffer | string} body @param {boolean} head */
function reply(res, status, headers, body, head) {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(head ? undefined : body);
}

/** The edge's HTTP server: one per stand-in started with `edge`. */
export class EdgeServer {
  url = '';
  port = 0;
  #edge;
  #server;

  /** @param {Edge} edge */
  constructor(edge) {
    this.#edge = edge;
    this.#server = http.createServer((req, res) => {
      this.#onRequest(req, res).catch((err) => {
        const text = `Bad Gateway: the origin could not be reached (${err.cause?.code ?? err.message})\n`;
        reply(res, 502, { 'content-type': 'text/plain; charset=utf-8', 'x-cache': 'MISS' }, text, req.method === 'HEAD');
      });
    });
  }

  /** @param {number} port */
  async listen(port) {
    await new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, HOST, () => resolve(undefined));
    });
    this.port = /** @type {AddressInfo} */ (this.#server.address()).port;
    this.url = `http://${HOST}:${this.port}`;
  }

  /** @returns {Promise<void>} */
  close() {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async #onRequest(req, res) {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      const text = `Method Not Allowed: the edge serves GET and HEAD, got ${req.method}\n`;
      return reply(res, 405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' }, text, false);
    }
    const target = req.url ?? '/';
    if (!target.startsWith('/')) {
      return reply(res, 400, { 'content-type': 'text/plain; charset=utf-8' }, 'Bad Request: the target must be a path\n', head);
    }
    const answer = await this.#edge.serve(target);
    // Age (RFC 9111 §5.1): whole seconds since the edge stored the answer (0 on the miss that stored it).
    /** @type {Record<string, string>} */
    const headers = { ...answer.headers, 'x-cache': answer.hit ? 'HIT' : 'MISS' };
    if (answer.entry) headers.age = String(Math.max(0, Math.floor((Date.now() - answer.entry.storedAt) / 1000)));
    reply(res, answer.status, headers, answer.body, head);
  }
}
