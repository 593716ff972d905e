// @ts-check
// `npm start` as a newcomer runs it (scripts/dev.mjs on ports of its own, state in a temporary folder): what it prints
// is what the README says it prints, the sample webhook and the stand-in's lines too; a second start keeps the saved
// config; a port in use stops it with one line naming the option.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { readDevVars } from '../../scripts/local-relay.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PORTS = { port: 23_787, 'standin-port': 23_788, 'edge-port': 23_789, 'origin-port': 23_790 };
const DEFAULTS = { port: 8787, 'standin-port': 8788, 'edge-port': 8789, 'origin-port': 8790 };
const state = mkdtempSync(join(tmpdir(), 'purge-relay-start-'));

/** The fenced block after `<!-- marker -->` in the README, with the default ports made the test's. @param {string} marker */
function readmeBlock(marker) {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const marked = readme.indexOf(`<!-- ${marker} -->`);
  assert.ok(marked >= 0, `README has a block marked "${marker}"`);
  const open = readme.indexOf('```\n', marked) + 4;
  const body = readme.slice(open, readme.indexOf('\n```', open));
  let text = body;
  for (const [name, port] of Object.entries(DEFAULTS))
    text = text.replaceAll(`:${port}`, `:${PORTS[/** @type {keyof PORTS} */ (name)]}`);
  return text.split('\n');
}

/** A README line as a pattern: literal text, `…` standing for anything. @param {string} line */
const pattern = (line) =>
  new RegExp(
    `^${line
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*?')}$`,
  );

/** Every README line matches an output line, in order. @param {string[]} expected @param {string[]} output @param {string} what */
function assertPrinted(expected, output, what) {
  let at = 0;
  for (const line of expected.filter((l) => l.trim() !== '')) {
    const re = pattern(line);
    const found = output.findIndex((o, i) => i >= at && re.test(o));
    assert.ok(found >= 0, `${what}: no line matches the README's\n  ${line}\nin:\n${output.join('\n')}`);
    at = found + 1;
  }
}

/** Runs `npm start`'s script until it says it is ready (or exits). @param {string[]} extra */
function start(extra = []) {
  const args = [
    'scripts/dev.mjs',
    ...Object.entries(PORTS).flatMap(([k, v]) => [`--${k}`, String(v)]),
    '--persist-to',
    state,
    ...extra,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  /** @type {string[]} */
  const lines = [];
  let stderr = '';
  child.stdout.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean)));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const ready = new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (lines.some((l) => l.endsWith('Ctrl-C to stop.'))) (clearInterval(timer), resolve(undefined));
    }, 100);
    child.once(
      'exit',
      (code) => (clearInterval(timer), reject(Object.assign(new Error(`exited ${code}: ${stderr}`), { code, stderr }))),
    );
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  return { child, lines, ready, stop, stderr: () => stderr };
}

/** @param {string[]} args */
function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, PURGE_RELAY_URL: `http://127.0.0.1:${PORTS.port}` },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

after(() => rmSync(state, { recursive: true, force: true }));

describe('npm start', { timeout: 180_000 }, () => {
  it('prints what the README says, and so do send-sample and the stand-in', async () => {
    const relay = start();
    try {
      await relay.ready;
      const token = readDevVars(`${ROOT}.dev.vars`).ADMIN_TOKEN ?? '';
      const banner = readmeBlock('npm start prints').map((l) => l.replace('dev-admin-token-change-me', token));
      assertPrinted(banner, relay.lines, 'npm start');
      const sent = /** @type {{ code: number, stdout: string, stderr: string }} */ (
        await run(['scripts/send-sample.mjs', 'contentful'])
      );
      assert.equal(sent.code, 0, sent.stderr);
      assertPrinted(readmeBlock('send-sample prints'), sent.stdout.split('\n'), 'send-sample');
      // The purge, its eviction and the prefetch after it come within seconds (coalescing 2 s, eviction 2 s, warming).
      const deadline = Date.now() + 20_000;
      while (!relay.lines.some((l) => l.includes('/prefetches prefetch')) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      assertPrinted(readmeBlock('the stand-in prints'), relay.lines, 'the stand-in');
    } finally {
      await relay.stop();
    }
  });

  it('keeps the config saved before a restart, and loads the example again with --reset', async () => {
    const again = start();
    try {
      await again.ready;
      assert.ok(
        again.lines.some((l) =>
          /with the config it already had \(version 1; --reset loads examples\/config\.json again\)\.$/.test(l),
        ),
        again.lines.join('\n'),
      );
    } finally {
      await again.stop();
    }
    const reset = start(['--reset']);
    try {
      await reset.ready;
      assert.ok(
        reset.lines.some((l) => /with examples\/config\.json \(config version 2\)\.$/.test(l)),
        reset.lines.join('\n'),
      );
    } finally {
      await reset.stop();
    }
  });

  it('stops with one line naming the option when a port is in use', async () => {
    const squatter = createServer().listen(PORTS['edge-port'], '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    try {
      const blocked = start();
      const failure = await blocked.ready.then(
        () => assert.fail('started although the port was taken'),
        (/** @type {{ code: number, stderr: string }} */ error) => error,
      );
      assert.equal(failure.code, 1);
      assert.equal(
        failure.stderr.trim(),
        `npm start: port ${PORTS['edge-port']} is already in use (another npm start?): stop that, or choose another with --edge-port <port>`,
      );
    } finally {
      squatter.close();
    }
  });
});
