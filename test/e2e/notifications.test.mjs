// Notifications end to end under `wrangler dev`: a local receiver on 127.0.0.1 verifies each webhook with the official
// standardwebhooks library and checks each Slack message; a 503 at the receiver is retried; the CLI's and the
// console's "send a test" (the console in Chromium).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { startGotipathStandin } from '../../scripts/gotipath-standin/index.mjs';
import { putConfig, startLocalRelay } from '../../scripts/local-relay.mjs';
import { startNotifyReceiver } from '../../scripts/notify-receiver.mjs';
import { runCli } from '../../scripts/stack.mjs';

const KEY = `whsec_${Buffer.from('e2e-notify-signing-key-0123456789').toString('base64')}`;
const TOKEN = 'notify-e2e-admin-token-0123';
const CHROMIUM = '/usr/bin/chromium';

/** @type {Awaited<ReturnType<typeof startNotifyReceiver>>} */
let receiver;
/** @type {Awaited<ReturnType<typeof startGotipathStandin>>} */
let standin;
/** @type {Awaited<ReturnType<typeof startLocalRelay>>} */
let relay;
/** @type {string} */
let dir;

/** @param {() => boolean} check @param {number} [timeoutMs] */
async function until(check, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  receiver = await startNotifyReceiver({ secret: KEY });
  standin = await startGotipathStandin({
    log: false,
    windowMs: 1_000,
    credentials: { clientId: 'c', libraryId: 'l', apiKey: 'k' },
  });
  dir = mkdtempSync(join(tmpdir(), 'purge-relay-notify-'));
  relay = await startLocalRelay({
    // The helper's own port range (9010-9029).
    port: 9010 + Math.floor(Math.random() * 20),
    persistTo: join(dir, 'state'),
    vars: {
      GOTIPATH_API_BASE: standin.url,
      GOTIPATH_CLIENT_ID: 'c',
      GOTIPATH_LIBRARY_ID: 'l',
      GOTIPATH_API_KEY: 'k',
      ADMIN_TOKEN: TOKEN,
      CONTENTFUL_SECRET: 'n'.repeat(64),
      E2E_HOOK_URL: `${receiver.url}/hook/e2e-hook`,
      E2E_SLACK_URL: `${receiver.url}/slack/e2e-slack`,
      E2E_HOOK_KEY: KEY,
    },
  });
  const events = ['source.failing', 'distribution.held', 'dead_letter.added'];
  await putConfig(relay.url, TOKEN, {
    distributions: { main: { id: 'dist-notify-e2e' } },
    sources: { contentful: { provider: 'contentful', secrets: ['CONTENTFUL_SECRET'] } },
    notifications: {
      destinations: [
        {
          id: 'e2e-hook',
          kind: 'webhook',
          urlSecret: 'E2E_HOOK_URL',
          signingSecret: 'E2E_HOOK_KEY',
          events,
          groupWindowMs: 200,
          retryBaseMs: 200,
        },
        { id: 'e2e-slack', kind: 'slack', urlSecret: 'E2E_SLACK_URL', events, groupWindowMs: 200 },
      ],
    },
  });
});

after(async () => {
  await relay?.stop();
  await standin?.close();
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('notifications under wrangler dev', { timeout: 120_000 }, () => {
  it('tells the receivers when a source is refused five times in a row, past a 503 at the webhook receiver', async () => {
    receiver.setFault('e2e-hook', { fail: 1, status: 503 });
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const answer = await fetch(`${relay.url}/webhooks/contentful`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-contentful-topic': 'ContentManagement.Entry.publish' },
        body: '{}',
      });
      assert.equal(answer.status, 401);
      // The refusal is answered at once: notifying is not on its path.
      assert.ok(Date.now() - started < 2_000);
    }
    await until(() => receiver.received('e2e-hook').some((r) => r.answered === 200));
    const hooks = receiver.received('e2e-hook');
    assert.deepEqual(
      hooks.map((r) => [r.answered, r.ok]),
      [
        [503, true],
        [200, true],
      ],
    );
    assert.equal(hooks[1]?.payload.type, 'source.failing');
    assert.match(hooks[1]?.payload.data.text, /^Webhooks from contentful are refused: 5 in a row since \d\d:\d\d UTC \(401/);
    await until(() => receiver.received('e2e-slack').length === 1);
    const [slack] = receiver.received('e2e-slack');
    assert.deepEqual(slack?.problems, []);
    assert.match(slack?.payload.text, /Webhooks from \*contentful\* are refused: 5 in a row/);
  });

  it('sends a test from the CLI: purge-relay notify test <id>', async () => {
    const run = await runCli(['notify', 'test', 'e2e-hook'], { url: relay.url, token: TOKEN });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^e2e-hook: test message sent \(answered 200 in \d+ ms\)$/m);
    const last = receiver.received('e2e-hook').at(-1);
    assert.equal(last?.payload.type, 'test');
    assert.equal(last?.ok, true);
  });

  it('shows the attempts and sends a test from the console in Chromium', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${relay.url}/admin/ui/notifications`);
      await page.getByLabel('Admin token').fill(TOKEN);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Notifications' }).waitFor();
      assert.match(await page.getByRole('region', { name: 'e2e-hook (webhook)' }).innerText(), /source\.failing/);
      const before = receiver.received('e2e-slack').length;
      await page.getByRole('button', { name: 'Send a test to e2e-slack' }).click();
      assert.match(
        await page.getByRole('status').first().innerText(),
        /^Test message sent to e2e-slack: answered 200 in \d+ ms\.$/,
      );
      assert.equal(receiver.received('e2e-slack').length, before + 1);
    } finally {
      await browser.close();
    }
  });
});
