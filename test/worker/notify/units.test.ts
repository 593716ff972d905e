// Notifications, pure parts: sentences in the words of the content, Slack Block Kit and escaping, Standard Webhooks
// signatures (checked against the official library), routing, backoff, rate, status links.
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { humanType, titleOf, type ChangeNote } from '../../../src/notify/change';
import { dedupeKey, groupKey, type NotifyEvent } from '../../../src/notify/events';
import { backoffMs, meaning, nextSlot, wants } from '../../../src/notify/plan';
import { Notifications } from '../../../src/notify/schema';
import { slackMessage } from '../../../src/notify/slack';
import { webhookBody, webhookHeaders, webhookKey } from '../../../src/notify/standard-webhooks';
import { checkStatusLink, statusPath } from '../../../src/notify/status-link';
import { urlProblem } from '../../../src/notify/deliver';

const HELLO: ChangeNote = {
  eventId: 'evt_1',
  source: 'contentful',
  action: 'publish',
  at: 0,
  title: 'Hello world',
  contentType: 'blogPost',
  paths: 4,
};
const wording = { change: (id: string) => (id === 'evt_1' ? HELLO : undefined) };
const at = Date.UTC(2026, 11, 8, 10, 42);

const destination = (overrides: Record<string, unknown> = {}) =>
  Notifications.parse({
    destinations: [{ id: 'd', kind: 'slack', urlSecret: 'SLACK_URL', events: ['dead_letter.added', 'event.live'], ...overrides }],
  }).destinations[0]!;

const deadLetter = (path: string): NotifyEvent => ({
  type: 'dead_letter.added',
  distribution: 'main',
  kind: 'url',
  path,
  status: 400,
  message: 'invalid url',
  rule: 'blog-post',
  at,
});

describe('sentences', () => {
  it('says a change is live in the words of the content', () => {
    const live: NotifyEvent = { type: 'event.live', eventId: 'evt_1', distribution: 'main', pages: 4, seconds: 19, at };
    expect(slackMessage([live], wording, []).blocks[0]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: ':white_check_mark: *Hello world* (blog post) is live: 4 pages refreshed and verified in 19 s',
      },
    });
  });

  it('says why purges are on hold and what to do, with the console link', () => {
    const held: NotifyEvent = {
      type: 'distribution.held',
      distribution: 'main',
      reason: 'unauthorized',
      status: 401,
      message: 'Unauthorized',
      since: at,
      at,
    };
    const message = slackMessage([held], wording, [{ label: 'Console', url: 'https://relay.example/admin/ui' }]);
    expect(message.text).toBe(
      ':octagonal_sign: Purges for *main* are on hold: Gotipath answers 401 since 10:42 UTC; fix the API key and resume',
    );
    expect(message.blocks[1]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '<https://relay.example/admin/ui|Console>' }],
    });
  });

  it('folds a burst of 500 dead letters into one sentence that counts them', () => {
    const burst = Array.from({ length: 500 }, (_, i) => deadLetter(`/blog/${i}`));
    expect(slackMessage(burst, wording, []).text).toBe(
      ':warning: *main*: Gotipath refused 500 pages (/blog/0, /blog/1, /blog/2 and 497 more; first 400 "invalid url"); they are set aside as dead letters: retry or drop them in the console',
    );
  });

  it('escapes a title that holds Slack markup, so it cannot forge a link', () => {
    const note = { ...HELLO, title: '<https://evil.example|click> & *bold*' };
    const live: NotifyEvent = { type: 'event.live', eventId: 'evt_1', distribution: 'main', pages: 1, seconds: 2, at };
    const text = slackMessage([live], { change: () => note }, []).text;
    expect(text).toContain('*&lt;https://evil.example|click&gt; &amp; ∗bold∗*');
    expect(text).not.toContain('<https://evil');
  });

  it('reads titles and types as an editor names them', () => {
    expect(titleOf({ title: { 'en-US': 'Hello world' } })).toBe('Hello world');
    expect(titleOf({ name: 'Red shoes' })).toBe('Red shoes');
    expect(titleOf({ body: 'x' })).toBeUndefined();
    expect(humanType('blogPost')).toBe('blog post');
    expect(humanType('product_variant')).toBe('product variant');
  });
});

describe('Standard Webhooks', () => {
  const secret = 'whsec_' + btoa('a-signing-key-of-some-length-32b');

  it('signs so the official library verifies it', async () => {
    const body = webhookBody([deadLetter('/a')], wording, [], at);
    const headers = await webhookHeaders(webhookKey(secret)!, 'msg_1', Date.now(), body);
    const payload = new Webhook(secret).verify(body, headers) as { type: string; data: { count: number; text: string } };
    expect(payload.type).toBe('dead_letter.added');
    expect(payload.data.count).toBe(1);
    expect(payload.data.text).toContain('main: Gotipath refused /a (400 "invalid url")');
  });

  it('is refused by the official library once the body changes', async () => {
    const body = webhookBody([deadLetter('/a')], wording, [], at);
    const headers = await webhookHeaders(webhookKey(secret)!, 'msg_1', Date.now(), body);
    expect(() => new Webhook(secret).verify(body.replace('/a', '/b'), headers)).toThrow();
  });

  it('takes only whsec_ keys with base64 after the prefix', () => {
    expect(webhookKey('whsec_')).toBeUndefined();
    expect(webhookKey('plain-secret')).toBeUndefined();
    expect(webhookKey(secret)?.length).toBe(32);
  });
});

describe('routing, backoff and rate', () => {
  it('sends a destination only the events, severities and subjects it asked for', () => {
    expect(wants(destination(), deadLetter('/a'))).toBe(true);
    expect(wants(destination({ events: ['event.live'] }), deadLetter('/a'))).toBe(false);
    expect(wants(destination({ minSeverity: 'critical' }), deadLetter('/a'))).toBe(false);
    expect(wants(destination({ filter: { distributions: ['other'] } }), deadLetter('/a'))).toBe(false);
    expect(wants(destination({ filter: { rules: ['blog-post'] } }), deadLetter('/a'))).toBe(true);
    expect(wants(destination({ filter: { sources: ['contentful'] } }), deadLetter('/a'))).toBe(false);
  });

  it('groups events of a kind per distribution and keeps a hold apart from its end', () => {
    expect(groupKey(deadLetter('/a'))).toBe(groupKey(deadLetter('/b')));
    expect(dedupeKey(deadLetter('/a'))).not.toBe(dedupeKey(deadLetter('/b')));
    const held: NotifyEvent = {
      type: 'distribution.held',
      distribution: 'main',
      reason: 'refused',
      status: 400,
      message: '',
      since: at,
      at,
    };
    expect(groupKey(held)).not.toBe(groupKey({ type: 'distribution.resumed', distribution: 'main', pending: 0, at }));
  });

  it('backs off exponentially with jitter, at most an hour', () => {
    expect(backoffMs(1, 1_000, 0)).toBe(500);
    expect(backoffMs(1, 1_000, 1)).toBe(1_000);
    expect(backoffMs(4, 1_000, 1)).toBe(8_000);
    expect(backoffMs(30, 1_000, 1)).toBe(3_600_000);
  });

  it('waits for a slot when the minute holds as many attempts as the rate allows', () => {
    expect(nextSlot([1_000, 2_000], 3, 10_000)).toBe(10_000);
    expect(nextSlot([1_000, 2_000, 3_000], 3, 10_000)).toBe(61_000);
    expect(nextSlot([1_000, 2_000, 3_000], 2, 10_000)).toBe(62_000);
  });

  it('retries what may pass later and gives up on a refusal', () => {
    expect([200, 204].map(meaning)).toEqual(['sent', 'sent']);
    expect([0, 408, 429, 500, 503].map(meaning)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);
    expect([400, 403, 404, 410].map(meaning)).toEqual(['failed', 'failed', 'failed', 'failed']);
  });

  it('accepts https, and http only to loopback', () => {
    expect(urlProblem('https://hooks.slack.com/services/T/B/x')).toBeUndefined();
    expect(urlProblem('http://127.0.0.1:9010/hook')).toBeUndefined();
    expect(urlProblem('http://hooks.example.com/x')).toMatch(/https/);
    expect(urlProblem('not a url')).toBe('is not a URL');
  });
});

describe('status links', () => {
  const key = new Uint8Array(32).fill(7);
  const parts = (path: string) => {
    const url = new URL(path, 'https://relay.example');
    return {
      id: decodeURIComponent(url.pathname.split('/')[2]!),
      exp: url.searchParams.get('exp')!,
      sig: url.searchParams.get('sig')!,
    };
  };

  it('accepts a link as it was made, until it expires', async () => {
    const { id, exp, sig } = parts(await statusPath(key, 'evt_1', 7, at));
    expect(await checkStatusLink(key, id, exp, sig, at)).toBe('ok');
    expect(await checkStatusLink(key, id, exp, sig, at + 8 * 86_400_000)).toBe('expired');
  });

  it('refuses a changed event, expiry or signature, and another key', async () => {
    const { id, exp, sig } = parts(await statusPath(key, 'evt_1', 7, at));
    expect(await checkStatusLink(key, 'evt_2', exp, sig, at)).toBe('tampered');
    expect(await checkStatusLink(key, id, String(Number(exp) + 86_400), sig, at)).toBe('tampered');
    expect(
      await checkStatusLink(
        key,
        id,
        exp,
        sig.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        at,
      ),
    ).toBe('tampered');
    expect(await checkStatusLink(key, id, undefined, sig, at)).toBe('tampered');
    expect(await checkStatusLink(new Uint8Array(32).fill(8), id, exp, sig, at)).toBe('tampered');
  });
});
