// The Notifier Durable Object against a real loopback receiver (scripts/notify-receiver.mjs, started in global
// setup) that verifies every webhook with the official standardwebhooks library and checks every Slack message.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { notifierStub } from '../../../src/notify/client';
import type { NotifyEvent } from '../../../src/notify/events';
import { putConfig, waitFor } from '../support/helpers';

const stub = notifierStub(env);
const HOOK = {
  id: 'ops-hook',
  kind: 'webhook',
  urlSecret: 'NOTIFY_HOOK_URL_OPS',
  signingSecret: 'NOTIFY_SIGNING_KEY',
  events: ['dead_letter.added', 'distribution.held'],
  groupWindowMs: 0,
  retryBaseMs: 100,
  timeoutMs: 1_000,
  maxAttempts: 4,
  ratePerMinute: 100,
};
const SLACK = {
  id: 'ops-slack',
  kind: 'slack',
  urlSecret: 'NOTIFY_SLACK_URL_OPS',
  events: ['dead_letter.added', 'distribution.held'],
  groupWindowMs: 0,
};

type Received = {
  at: number;
  kind: string;
  ok: boolean;
  problems?: string[];
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  answered: number | string;
};

let since = 0;
async function received(kind: 'webhook' | 'slack'): Promise<Received[]> {
  const all = await (await fetch(`${env.NOTIFY_RECEIVER_URL}/__received/ops`)).json<Received[]>();
  return all.filter((r) => r.kind === kind && r.at >= since);
}
const fault = (value: Record<string, unknown>) =>
  fetch(`${env.NOTIFY_RECEIVER_URL}/__faults/ops`, { method: 'PUT', body: JSON.stringify(value) });

async function configure(...destinations: Record<string, unknown>[]) {
  await putConfig({
    distributions: { main: { id: 'notify-main' } },
    notifications: { baseUrl: 'https://relay.example', destinations },
  });
}

/** Runs the Notifier's alarms as they come due until `done` holds. */
async function drive(done: () => Promise<boolean>, timeoutMs = 10_000) {
  await waitFor(async () => {
    if (await done()) return true;
    const at = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    if (at !== null && at <= Date.now()) await runDurableObjectAlarm(stub);
    return false;
  }, timeoutMs);
}

const deadLetter = (path: string, at = Date.now()): NotifyEvent => ({
  type: 'dead_letter.added',
  distribution: 'main',
  kind: 'url',
  path,
  status: 400,
  message: 'invalid url',
  at,
});
const held = (since: number): NotifyEvent => ({
  type: 'distribution.held',
  distribution: 'main',
  reason: 'unauthorized',
  status: 401,
  message: 'Unauthorized',
  since,
  at: since,
});

beforeEach(async () => {
  await fault({});
  since = Date.now();
});

describe('delivery', () => {
  it('sends a webhook the official library verifies and a Slack message of the right shape', async () => {
    await configure(HOOK, SLACK);
    expect(await stub.post([held(Date.now())])).toEqual({ queued: 2 });
    await drive(async () => (await received('webhook')).length === 1 && (await received('slack')).length === 1);
    const [hook] = await received('webhook');
    expect(hook).toMatchObject({ ok: true, answered: 200, payload: { type: 'distribution.held', data: { count: 1 } } });
    expect(hook!.headers['webhook-id']).toMatch(/^msg_/);
    const [slack] = await received('slack');
    expect(slack).toMatchObject({ ok: true, problems: [] });
    expect(slack!.payload.text).toMatch(
      /Purges for \*main\* are on hold: Gotipath answers 401 since \d\d:\d\d UTC; fix the API key and resume/,
    );
    expect(JSON.stringify(slack!.payload.blocks)).toContain('<https://relay.example/admin/ui|Console>');
  });

  it('folds a burst of 500 dead letters into one message per destination', async () => {
    await configure({ ...HOOK, groupWindowMs: 1_500 }, { ...SLACK, groupWindowMs: 1_500 });
    const at = Date.now();
    for (let batch = 0; batch < 5; batch++)
      await stub.post(Array.from({ length: 100 }, (_, i) => deadLetter(`/burst/${batch * 100 + i}`, at)));
    await drive(async () => (await received('webhook')).length >= 1 && (await received('slack')).length >= 1);
    // Nothing else comes of the burst.
    await new Promise((r) => setTimeout(r, 500));
    await runDurableObjectAlarm(stub);
    const hooks = await received('webhook');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.payload).toMatchObject({ type: 'dead_letter.added', data: { count: 500 } });
    expect((hooks[0]!.payload.data as { events: unknown[] }).events).toHaveLength(100);
    const slack = await received('slack');
    expect(slack).toHaveLength(1);
    expect(slack[0]!.payload.text).toContain('Gotipath refused 500 pages');
  });

  it('sends an event posted twice once', async () => {
    await configure(HOOK);
    const event = deadLetter('/twice');
    await stub.post([event]);
    expect(await stub.post([event])).toEqual({ queued: 0 });
    await drive(async () => (await received('webhook')).length === 1);
    expect((await received('webhook'))[0]!.payload).toMatchObject({ data: { count: 1 } });
  });
});

describe('faults at the receiver', () => {
  it('retries 5xx answers with growing delays and records each attempt', async () => {
    await configure(HOOK);
    await fault({ fail: 2, status: 503 });
    await stub.post([held(Date.now())]);
    await drive(async () => (await received('webhook')).some((r) => r.answered === 200));
    const tries = await received('webhook');
    expect(tries.map((r) => r.answered)).toEqual([503, 503, 200]);
    // One id for every try of a message, as the spec asks; every try verifies.
    expect(new Set(tries.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(tries.every((r) => r.ok)).toBe(true);
    // Backoff: at least half of 100 ms, then of 200 ms.
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(50);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(100);
    const [report] = await stub.report();
    expect(report!.attempts.slice(0, 3).map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [3, 200, 'sent'],
      [2, 503, 'retry'],
      [1, 503, 'retry'],
    ]);
  });

  it('times out a receiver that hangs and tries again', async () => {
    await configure(HOOK);
    await fault({ hang: 1, hangMs: 5_000 });
    await stub.post([held(Date.now())]);
    await drive(async () => (await received('webhook')).some((r) => r.answered === 200));
    const [report] = await stub.report();
    expect(report!.attempts.slice(0, 2)).toMatchObject([
      { attempt: 2, status: 200, outcome: 'sent' },
      { attempt: 1, status: 0, outcome: 'retry', error: 'no answer within 1000 ms' },
    ]);
  });

  it('gives up at once when the receiver refuses the message (404)', async () => {
    await configure(HOOK);
    await fault({ fail: 1, status: 404 });
    await stub.post([held(Date.now())]);
    await drive(async () => (await stub.report())[0]!.failed === 1);
    const [report] = await stub.report();
    expect(report).toMatchObject({ pending: 0, failed: 1 });
    expect(report!.attempts[0]).toMatchObject({ attempt: 1, status: 404, outcome: 'failed', error: 'answered 404' });
  });

  it('keeps to the destination rate: the third message of the minute waits', async () => {
    await configure({ ...HOOK, id: 'rate-hook', ratePerMinute: 2 });
    const t = Date.now();
    await stub.post([held(t), held(t + 1), held(t + 2)]);
    await drive(async () => (await received('webhook')).length === 2);
    await runDurableObjectAlarm(stub);
    expect(await received('webhook')).toHaveLength(2);
    const [report] = await stub.report();
    expect(report).toMatchObject({ sent: 2, pending: 1 });
    const alarm = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(alarm! - Date.now()).toBeGreaterThan(50_000);
  });
});

describe('test messages', () => {
  it('sends a test to one destination and returns the attempt', async () => {
    await configure(HOOK, SLACK);
    expect(await stub.sendTest('ops-slack')).toMatchObject({ attempt: 1, status: 200, outcome: 'sent', type: 'test' });
    const [slack] = await received('slack');
    expect(slack!.payload.text).toBe(':wave: Test message from purge-relay to *ops-slack*: notifications reach this destination');
    expect(await stub.sendTest('nobody')).toBeUndefined();
  });
});
