// A local receiver of the relay's notifications on 127.0.0.1 (tests, local development): every webhook is verified
// with the official `standardwebhooks` library, every Slack message's Block Kit shape is checked, and faults
// (5xx answers, hangs) can be set per name. Each request is recorded, with what the check found.
//   POST /hook/{name}   a Standard Webhooks notification     POST /slack/{name}   a Slack incoming-webhook message
//   PUT  /__faults/{name} {"fail": 2, "status": 503, "hang": 1, "hangMs": 5000}   GET /__received/{name}
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

/**
 * What is wrong with a Slack incoming-webhook payload (https://api.slack.com/reference/block-kit/blocks), if anything.
 * @param {any} payload
 * @returns {string[]}
 */
export function slackShapeProblems(payload) {
  const problems = [];
  if (!payload || typeof payload !== 'object') return ['not a JSON object'];
  if (typeof payload.text !== 'string' || payload.text.trim() === '') problems.push('text must be a non-empty string');
  if (!Array.isArray(payload.blocks) || payload.blocks.length === 0) problems.push('blocks must be a non-empty array');
  for (const [i, block] of (Array.isArray(payload.blocks) ? payload.blocks : []).entries()) {
    if (block?.type === 'section') {
      if (block.text?.type !== 'mrkdwn' || typeof block.text.text !== 'string') problems.push(`blocks[${i}].text must be mrkdwn`);
      else if (block.text.text.length > 3000) problems.push(`blocks[${i}].text is longer than 3000 characters`);
    } else if (block?.type === 'context') {
      if (
        !Array.isArray(block.elements) ||
        block.elements.some((/** @type {any} */ e) => e?.type !== 'mrkdwn' || typeof e.text !== 'string')
      )
        problems.push(`blocks[${i}].elements must be mrkdwn texts`);
    } else problems.push(`blocks[${i}].type ${JSON.stringify(block?.type)} is not section or context`);
  }
  return problems;
}

/** @param {http.IncomingMessage} req @returns {Promise<string>} */
const readBody = (req) =>
  new Promise((resolve) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

/** @param {http.ServerResponse} res @param {number} status @param {unknown} value */
const json = (res, status, value) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

/**
 * @typedef {{ fail?: number, status?: number, hang?: number, hangMs?: number }} Fault
 * @typedef {Record<string, any>} Received
 */

/**
 * Starts the receiver; `secret` is the `whsec_` key webhooks must be signed with.
 * @param {{ secret: string, port?: number }} options
 */
export async function startNotifyReceiver({ secret, port = 0 }) {
  const webhook = new Webhook(secret);
  /** @type {Map<string, Received[]>} */
  const received = new Map();
  /** @type {Map<string, Fault>} */
  const faults = new Map();
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, area, name = ''] = url.pathname.split('/');
    const body = await readBody(req);
    if (area === '__faults' && req.method === 'PUT')
      return void (faults.set(name, JSON.parse(body || '{}')), json(res, 200, { ok: true }));
    if (area === '__received') return void json(res, 200, received.get(name) ?? []);
    if (req.method !== 'POST' || (area !== 'hook' && area !== 'slack')) return void json(res, 404, { error: 'no such route' });
    /** @type {Received} */
    const record = { at: Date.now(), kind: area === 'hook' ? 'webhook' : 'slack', headers: req.headers, body };
    try {
      record.payload =
        area === 'hook' ? webhook.verify(body, /** @type {Record<string, string>} */ (req.headers)) : JSON.parse(body);
      record.ok = true;
      if (area === 'slack') {
        record.problems = slackShapeProblems(record.payload);
        record.ok = record.problems.length === 0;
      }
    } catch (error) {
      record.ok = false;
      record.problems = [String(/** @type {Error} */ (error)?.message ?? error)];
    }
    received.set(name, [...(received.get(name) ?? []), record]);
    const fault = faults.get(name) ?? {};
    if ((fault.fail ?? 0) > 0) {
      fault.fail = (fault.fail ?? 0) - 1;
      record.answered = fault.status ?? 503;
      return void json(res, record.answered, { error: 'fault' });
    }
    if ((fault.hang ?? 0) > 0) {
      fault.hang = (fault.hang ?? 0) - 1;
      record.answered = 'hang';
      await new Promise((resolve) => setTimeout(resolve, fault.hangMs ?? 60_000));
      if (res.destroyed) return;
    }
    record.answered = record.ok ? 200 : 400;
    res.writeHead(record.answered, { 'content-type': 'text/plain' }).end(record.ok ? 'ok' : 'invalid');
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  server.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  return {
    url,
    /** @param {string} name */
    received: (name) => received.get(name) ?? [],
    /** @param {string} name @param {Fault} fault */
    setFault: (name, fault) => faults.set(name, { ...fault }),
    /** @returns {Promise<void>} */
    close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}
