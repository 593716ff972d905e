// @ts-check
// The console in a real browser: Debian's Chromium driven by playwright-core against wrangler dev and the
// Gotipath stand-in. Installs Chromium itself on a fresh (root, Debian) machine. Screenshots are kept in
// test-results/screenshots/ (git-ignored) and listed in the output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { SIGNERS } from '../../scripts/sdk-signers.mjs';
import { startStack } from '../../scripts/stack.mjs';
/** @import { TestContext } from 'node:test' */
/** @import { BrowserContext, Cookie, Page } from 'playwright-core' */
/** @import { GotipathStandin } from '../../scripts/gotipath-standin/index.mjs' */
/** @import { LocalRelay, Stack } from '../../scripts/stack.mjs' */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SECRETS = {
  GOTIPATH_CLIENT_ID: 'ui-client',
  GOTIPATH_LIBRARY_ID: 'ui-library',
  GOTIPATH_API_KEY: 'ui-key',
  ADMIN_TOKEN: 'ui-admin-token-0123456789',
  CONTENTFUL_SECRET: 'u'.repeat(64),
};
const CONFIG = {
  distributions: { main: { id: 'dist-ui', coalesceMs: 300, limits: { windowMs: 2_100 } } },
  sources: { contentful: { provider: 'contentful', secrets: ['CONTENTFUL_SECRET'] } },
  rules: [
    {
      id: 'post',
      distribution: 'main',
      match: { contentTypes: ['blogPost'], actions: ['publish', 'unpublish'] },
      purge: ['/blog/{fields.slug}', '/blog'],
    },
  ],
};

/** Debian's Chromium, installed with apt-get when missing (CI runs as root on a fresh Debian machine). */
function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing: install it with \`sudo apt-get install -y chromium\``);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const run = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
    if (run.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (${run.status ?? run.error})`);
  }
}

/** @type {Stack | undefined} */
let stack;
/** @type {GotipathStandin} */
let standin;
/** @type {LocalRelay} */
let relay;
/** @type {string} */
let dir;
/** @type {BrowserContext} */
let context;
/** @type {Page} */
let page;
/** @type {string[]} */
const requests = [];
/** @type {string[]} */
const cspViolations = [];
/** @type {string[]} */
const shots = [];

/** @param {TestContext} t @param {string} name */
async function shot(t, name) {
  const path = join(SHOTS, `${String(shots.length + 1).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
  t.diagnostic(`screenshot: ${path.replace(ROOT, '')}`);
}

/** @param {string} path */
const api = async (path) =>
  (await fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}` } })).json();

before(async () => {
  ensureChromium();
  // Only this run's screenshots in the folder.
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ name: 'ui', secrets: SECRETS, config: CONFIG, windowMs: 2_000, portBase: 22_000 });
  ({ standin, relay, dir } = stack);
  // A fresh profile each run: no cookies, cache or extensions carried over.
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  context.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && /Content Security Policy/i.test(m.text()) && cspViolations.push(m.text()));
  page.on('dialog', (d) => d.accept());
});

after(async () => {
  await context?.close();
  await stack?.stop();
  if (shots.length)
    console.log(`screenshots kept in test-results/screenshots/:\n${shots.map((s) => `  ${s.replace(ROOT, '')}`).join('\n')}`);
});

describe('the console in Chromium', { timeout: 180_000 }, () => {
  it('asks for the admin token, refuses a wrong one and logs in with the right one', async (t) => {
    await page.goto(`${relay.url}/admin/ui`);
    assert.match(page.url(), /\/admin\/ui\/login\?next=%2Fadmin%2Fui$/);
    await shot(t, 'login');
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    assert.match(await page.getByRole('alert').innerText(), /does not match/);
    await page.getByLabel('Admin token').fill(SECRETS.ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // Reading a missing cookie below fails the test.
    const cookie = /** @type {Cookie} */ ((await context.cookies()).find((c) => c.name === 'purge_relay_session'));
    assert.deepEqual(
      { httpOnly: cookie.httpOnly, secure: cookie.secure, sameSite: cookie.sameSite, path: cookie.path },
      { httpOnly: true, secure: true, sameSite: 'Strict', path: '/admin' },
    );
    await shot(t, 'overview');
  });

  it('lists deliveries with their verification result and opens an event', async (t) => {
    const body = JSON.stringify({
      sys: { id: 'ui-1', type: 'Entry', contentType: { sys: { id: 'blogPost' } } },
      fields: { slug: { 'en-US': 'from the browser test' } },
    });
    const headers = { 'content-type': 'application/json', 'x-contentful-topic': 'ContentManagement.Entry.publish' };
    const signed = SIGNERS.contentful({ secret: SECRETS.CONTENTFUL_SECRET, body, path: '/webhooks/contentful', headers });
    const accepted = await fetch(`${relay.url}/webhooks/contentful`, {
      method: 'POST',
      headers: { ...headers, ...signed },
      body,
    });
    const { eventId } = await accepted.json();
    await fetch(`${relay.url}/webhooks/contentful`, {
      method: 'POST',
      headers: { ...headers, ...signed },
      body: body.replace('ui-1', 'ui-2'),
    });
    await page.getByRole('link', { name: 'Deliveries' }).click();
    // Verified deliveries and refusals are two tables (issue 14, F10): a flood of refusals cannot push one out.
    const verified = page.getByRole('table', { name: 'Recent webhooks, newest first' }).locator('tbody tr');
    assert.match(await verified.nth(0).innerText(), /contentful\s+accepted 202\s+publish\s+blogPost ui-1\s+2\s+evt_/);
    const refused = page.getByRole('table', { name: 'Refused and repeated webhooks, counted per minute and reason' });
    assert.match(
      await refused.locator('tbody tr').nth(0).innerText(),
      /contentful\s+rejected 401\s+1\s.*signature does not match/s,
    );
    await shot(t, 'deliveries');
    await page.getByRole('link', { name: eventId }).click();
    await page.getByRole('heading', { name: `Event ${eventId}` }).waitFor();
    // One row per path with its coloured status; the ledger's raw steps one click away.
    const standing = page.getByRole('table', { name: 'Where each path of the event stands' });
    assert.match(await standing.innerText(), /main\s+\/blog\/from%20the%20browser%20test\s+post\s+(queued|sent|live)/);
    const journey = page.getByRole('table', { name: 'What happened to each path the event queued' });
    assert.equal(await journey.isVisible(), false);
    await page.getByText('Raw steps (the ledger, one row a step)').click();
    assert.match(await journey.innerText(), /main\s+\/blog\/from%20the%20browser%20test\s+post\s+queued/);
    await shot(t, 'event');
  });

  it('runs the playground: normalized event, matched rules and paths, nothing purged', async (t) => {
    await page.getByRole('link', { name: 'Playground' }).click();
    await page.getByLabel('Source').selectOption('contentful');
    // The topic counts as sent when the webhook signs it (docs/providers.md): otherwise an unpublish must
    // carry a DeletedEntry tombstone, and this Entry body would be refused.
    await page
      .getByLabel(/^Headers/)
      .fill('X-Contentful-Topic: ContentManagement.Entry.unpublish\nX-Contentful-Signed-Headers: x-contentful-topic');
    const payload = {
      sys: { id: 'pg-1', type: 'Entry', contentType: { sys: { id: 'blogPost' } } },
      fields: { slug: { 'en-US': 'playground post' } },
    };
    await page.getByLabel(/^Payload/).fill(JSON.stringify(payload, null, 2));
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: 'Matched rules' }).waitFor();
    assert.match(await page.locator('tbody tr').first().innerText(), /^post\s+main\s+\/blog\/playground%20post\s+\/blog/);
    assert.match(await page.locator('pre').first().innerText(), /"action": "unpublish"/);
    await shot(t, 'playground');
    assert.equal(
      standin.calls.some((c) => c.paths.includes('/blog/playground%20post')),
      false,
    );
  });

  it('shows a config error at its field, jumps to it in the editor, and saves nothing', async (t) => {
    const before = (await api('/admin/config')).version;
    await page.getByRole('link', { name: 'Config' }).click();
    const editor = page.getByLabel('Config document (JSON)');
    const text = await editor.inputValue();
    await editor.fill(text.replace('"publish"', '"publsh"'));
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    const bad = page.locator('li.bad');
    assert.match(await bad.innerText(), /"publsh",?\s*↑ rules\[0\]\.match\.actions\[0\]: expected one of "publish"/);
    await page.locator('#problems a').first().click();
    const selected = await editor.evaluate((/** @type {HTMLTextAreaElement} */ el) =>
      el.value.slice(el.selectionStart, el.selectionEnd),
    );
    assert.match(selected, /^\s*"publsh",?$/);
    await shot(t, 'config-error');
    assert.equal((await api('/admin/config')).version, before);
  });

  it('checks a change, shows its diff against the live version, and saves it', async (t) => {
    const editor = page.getByLabel('Config document (JSON)');
    const fixed = (await editor.inputValue()).replace('"publsh"', '"publish"').replace('"coalesceMs": 300', '"coalesceMs": 200');
    await editor.fill(fixed);
    await page.getByRole('button', { name: 'Check and show the diff' }).click();
    assert.match(await page.locator('.notice.ok').innerText(), /The document is valid/);
    const diff = await page.getByLabel('Changes from the live version').innerText();
    assert.match(diff, /^- +"coalesceMs": 300,$/m);
    assert.match(diff, /^\+ +"coalesceMs": 200,$/m);
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    assert.match(await page.locator('.notice.ok').innerText(), /Saved as version 2/);
    await shot(t, 'config-saved');
    assert.equal((await api('/admin/config')).config.distributions.main.coalesceMs, 200);
  });

  it('shows an old version with its changes against the live one, and rolls back to it', async (t) => {
    await page.getByRole('link', { name: 'Config' }).click();
    const history = page.locator('section[aria-labelledby="versions"]');
    assert.match(await history.innerText(), /2 \(live\)/);
    await history.getByRole('link', { name: '1', exact: true }).click();
    await page.getByRole('heading', { name: 'Changes from the live version (2) to version 1' }).waitFor();
    assert.match(await page.locator('main table').innerText(), /distributions\.main\.coalesceMs\s+changed\s+200\s+300/);
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    assert.match(await page.locator('.notice.ok').innerText(), /Version 1 is live again, as version 3/);
    assert.match(await history.innerText(), /3 \(live\) rollback to 1/);
    await shot(t, 'rolled-back');
    const live = await api('/admin/config');
    assert.equal(live.version, 3);
    assert.equal(live.config.distributions.main.coalesceMs, 300);
  });

  it('queues a manual purge that the stand-in then receives, and charts it on the overview', async (t) => {
    await page.getByRole('link', { name: 'Purge', exact: true }).click();
    // Checked as typed: a space is flagged before anything is submitted.
    await page.getByLabel(/^Paths to purge/).fill('/manual/one\n/manual two');
    assert.match(await page.locator('#paths-check').innerText(), /^Line 2: has a space or control character/);
    await shot(t, 'purge-typed-check');
    await page.getByLabel(/^Paths to purge/).fill('/manual/one\n/manual/two');
    assert.equal(await page.locator('#paths-check').innerText(), '');
    await page.getByRole('button', { name: 'Purge' }).click();
    assert.match(await page.locator('.notice.ok').innerText(), /Queued 2 path\(s\) as event man_\w+/);
    await shot(t, 'purge');
    const deadline = Date.now() + 10_000;
    while (!standin.calls.some((c) => c.paths.includes('/manual/one'))) {
      assert.ok(Date.now() < deadline, 'the stand-in received the manual purge');
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.getByRole('link', { name: 'Overview' }).click();
    const chart = page.getByRole('img', { name: /Purged paths and calls per minute/ });
    // An element's textContent is a string (null only for a document or a doctype).
    assert.match(
      /** @type {string} */ (await chart.locator('desc').textContent()),
      /^[1-9]\d* paths purged in [1-9]\d* calls, 0 failed/,
    );
    assert.ok((await chart.locator('rect').count()) >= 1);
    await shot(t, 'overview-chart');
  });

  it('finds a URL from the search box on any page and tells its story on the Path page', async (t) => {
    await page.getByRole('link', { name: 'Dead letters' }).click();
    const search = page.getByRole('search').getByLabel('Why is this URL stale?');
    await search.fill('/manual/one');
    await search.press('Enter');
    await page.getByRole('heading', { name: 'Path /manual/one' }).waitFor();
    assert.match(await page.locator('#verdict').innerText(), /^unchecked\s+purged at \S+Z; not checked at the edge since$/);
    const events = page.getByRole('table', { name: 'Events that produced the path' });
    assert.match(await events.innerText(), /man_\w+\s+manual purge\s+manual/);
    const history = page.getByRole('table', { name: 'Everything recorded about the path, oldest first' });
    assert.match(await history.innerText(), /queued\s+\/manual\/one[\s\S]*call attempt 1\s+\/manual\/one\s+200/);
    await shot(t, 'path');
    // Check now: this relay has no site to compare (no publicBaseUrl), and says so in the verdict.
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByRole('heading', { name: 'Check made now' }).waitFor();
    assert.match(
      await page.locator('#verdict').innerText(),
      /could not tell whether the edge is fresh: the answers carry nothing to compare \(origin: publicBaseUrl is not set\)/,
    );
    await shot(t, 'path-checked');
    // A path no rule produces names the nearest rules.
    await search.fill('/blog/2024/a-post');
    await search.press('Enter');
    assert.match(
      await page.locator('#verdict').innerText(),
      /no rule produces this path \(nearest rules: post \(\/blog\/\{fields\.slug\}\)\)/,
    );
    // Another site's URL is refused with what to give instead.
    await search.fill('https://elsewhere.example/blog/x');
    await search.press('Enter');
    assert.match(await page.getByRole('alert').innerText(), /no publicBaseUrl|is not this distribution's site/);
    await shot(t, 'path-refused');
  });

  it('shows the dead letters of each distribution', async (t) => {
    await page.getByRole('link', { name: 'Dead letters' }).click();
    assert.match(await page.locator('main').innerText(), /main\s+No dead letters/);
    await shot(t, 'dead-letters');
  });

  it('serves the API docs and the OpenAPI document to the logged-in operator', async (t) => {
    await page.getByRole('link', { name: 'API docs' }).click();
    await page.getByRole('heading', { name: /PUT \/admin\/config/ }).waitFor();
    const doc = await (await page.request.get(`${relay.url}/admin/openapi.json`)).json();
    assert.equal(doc.openapi, '3.1.0');
    await shot(t, 'docs');
  });

  it('fits a 390 px wide phone: no page scrolls sideways, tables scroll inside their box', async (t) => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const events = await api('/admin/deliveries?limit=1');
      const eventId = events.deliveries.find((/** @type {{ eventId?: string }} */ d) => d.eventId)?.eventId;
      const pages = [
        ['', 'overview'],
        ['/activity', 'activity'],
        ['/deliveries', 'deliveries'],
        ['/purge', 'purge'],
        ['/config', 'config'],
        ['/dead-letters', 'dead-letters'],
        ...(eventId ? [[`/events/${eventId}`, 'event']] : []),
      ];
      for (const [path, name] of pages) {
        await page.goto(`${relay.url}/admin/ui${path}`);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `${name} is ${width} px wide at 390 px`);
        await shot(t, `mobile-${name}`);
      }
      // The icon is served to the login page too (no session needed).
      const icon = await page.request.get(`${relay.url}/admin/ui/favicon.svg`);
      assert.equal(icon.headers()['content-type'], 'image/svg+xml');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('loaded nothing from another host and broke no Content-Security-Policy rule', () => {
    assert.deepEqual(
      requests.filter((url) => !url.startsWith(relay.url)),
      [],
    );
    assert.deepEqual(cspViolations, []);
  });

  it('logs out, after which the console asks for the token again', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Admin token').waitFor();
    await page.goto(`${relay.url}/admin/ui/config`);
    assert.match(page.url(), /\/admin\/ui\/login\?next=%2Fadmin%2Fui%2Fconfig$/);
  });
});
