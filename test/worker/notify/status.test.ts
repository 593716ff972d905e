// The editor's status link: in the 202 receipt, a public page with each page's state, and clear 403/410/404 pages
// for a tampered, expired or unknown link; and notification config refused at the exact field.
import { env } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { statusLinkKey, statusPath } from '../../../src/notify/status-link';
import { schedulerFor } from '../../../src/purge/scheduler';
import { admin, baseConfig, ORIGIN, postWebhook, putConfig, secret, waitFor, workerFetch } from '../support/helpers';

const HOUR_MS = 3_600_000;

async function publish(slug: string, title: string) {
  const body = JSON.stringify({ type: 'post.published', data: { id: `doc-${slug}`, title, slug } });
  const id = `msg_status_${slug}_${Date.now()}`;
  const at = new Date();
  const signature = new Webhook(secret('STANDARD_SECRET')).sign(id, at, body);
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return postWebhook('standard', body, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature });
}

const page = (url: string) => workerFetch(url.replace(/^https:\/\/relay\.example/, ORIGIN));

beforeAll(async () => {
  await putConfig(baseConfig({ notifications: { statusLinkDays: 7 } }));
});

describe('the status link', () => {
  it('comes in the 202 receipt and shows the change and each page, without any token', async () => {
    const response = await publish('hello', 'Hello world');
    expect(response.status).toBe(202);
    const receipt = await response.json<{ eventId: string; statusUrl: string }>();
    expect(receipt.statusUrl).toMatch(new RegExp(`^${ORIGIN}/status/${receipt.eventId}\\?exp=\\d+&sig=[\\w-]+$`));
    const html = await waitFor(async () => {
      const answer = await page(receipt.statusUrl);
      const text = await answer.text();
      return answer.status === 200 && text.includes('Hello world') ? { answer, text } : undefined;
    });
    expect(html.text).toContain('<h1>Hello world (post)</h1>');
    expect(html.text).toContain('/p/hello');
    expect(html.answer.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-/);
    expect(html.answer.headers.get('cache-control')).toBe('no-store');
    // Once the scheduler has sent it, the page says so.
    await waitFor(async () => (await (await page(receipt.statusUrl)).text()).includes('sent to the CDN'), 15_000);
    expect(await (await page(receipt.statusUrl)).text()).toContain('All 1 pages were sent to the CDN to refresh.');
    expect((await schedulerFor(env, 'dist-main').journey(receipt.eventId)).length).toBe(1);
  });

  it('answers 403 with a clear page when the signature, the expiry or the event is changed', async () => {
    const receipt = await (await publish('tamper', 'Tampered')).json<{ eventId: string; statusUrl: string }>();
    const url = new URL(receipt.statusUrl);
    const variants = [
      receipt.statusUrl.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`),
      receipt.statusUrl.replace(/exp=(\d+)/, (_, exp: string) => `exp=${Number(exp) + 86_400}`),
      receipt.statusUrl.replace(receipt.eventId, 'evt_someone_else'),
      `${url.origin}${url.pathname}`,
    ];
    for (const variant of variants) {
      const answer = await page(variant);
      expect(answer.status).toBe(403);
      expect(await answer.text()).toContain('This status link is not valid');
    }
  });

  it('answers 410 once the link has expired, and 404 for a valid link to an event the relay never saw', async () => {
    const key = await statusLinkKey(env);
    const expired = await page(`${ORIGIN}${await statusPath(key, 'evt_old', 1, Date.now() - 25 * HOUR_MS)}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This status link has expired');
    const unknown = await page(`${ORIGIN}${await statusPath(key, 'evt_never_seen', 1, Date.now())}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No record of this change');
  });
});

describe('notification config', () => {
  const destination = (overrides: Record<string, unknown>) => ({
    id: 'd1',
    kind: 'webhook',
    urlSecret: 'NOTIFY_HOOK_URL_STATUS',
    signingSecret: 'NOTIFY_SIGNING_KEY',
    events: ['distribution.held'],
    ...overrides,
  });
  async function refused(overrides: Record<string, unknown>) {
    const response = await admin('/config', {
      method: 'PUT',
      body: JSON.stringify(baseConfig({ notifications: { destinations: [destination(overrides)] } })),
    });
    expect(response.status).toBe(422);
    return (await response.json<{ issues: { path: string; message: string }[] }>()).issues;
  }

  it('accepts a destination whose secrets are set', async () => {
    const response = await admin('/config?dryRun=1', {
      method: 'PUT',
      body: JSON.stringify(baseConfig({ notifications: { destinations: [destination({})] } })),
    });
    expect(response.status).toBe(200);
  });

  it('refuses an unknown event name at its index', async () => {
    expect(await refused({ events: ['distribution.held', 'page.exploded'] })).toContainEqual({
      path: 'notifications.destinations[0].events[1]',
      message: expect.stringContaining('"event.live"'),
    });
  });

  it('refuses a URL secret that is not set, or that holds a plain-http URL to another host', async () => {
    expect(await refused({ urlSecret: 'NOTIFY_NOT_SET' })).toEqual([
      {
        path: 'notifications.destinations[0].urlSecret',
        message: expect.stringContaining('NOTIFY_NOT_SET (urlSecret) is not set'),
      },
    ]);
    expect(await refused({ urlSecret: 'NOTIFY_PLAIN_HTTP_URL' })).toEqual([
      { path: 'notifications.destinations[0].urlSecret', message: expect.stringContaining('must be an https URL') },
    ]);
  });

  it("refuses one of the relay's own settings as a secret, and a webhook without a signing key", async () => {
    expect(await refused({ urlSecret: 'ADMIN_TOKEN' })).toContainEqual({
      path: 'notifications.destinations[0].urlSecret',
      message: expect.stringContaining("is one of the relay's own settings"),
    });
    expect(await refused({ signingSecret: undefined })).toContainEqual({
      path: 'notifications.destinations[0].signingSecret',
      message: 'a webhook destination needs signingSecret (a Standard Webhooks key, whsec_…)',
    });
    expect(await refused({ signingSecret: 'NOTIFY_SLACK_URL_STATUS' })).toEqual([
      {
        path: 'notifications.destinations[0].signingSecret',
        message: expect.stringContaining('must be whsec_ followed by base64'),
      },
    ]);
  });

  it('refuses a filter that names a distribution the config does not have', async () => {
    expect(await refused({ filter: { distributions: ['main', 'nope'] } })).toEqual([
      { path: 'notifications.destinations[0].filter.distributions[1]', message: 'no distribution "nope" in this config' },
    ]);
  });
});
