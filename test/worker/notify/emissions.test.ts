// What the schedulers and sources tell the Notifier, end to end inside workerd: a hold and its end, dead letters,
// an escalation, a source refused in a row, an event verified live; and a hanging receiver never delays purging.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notifierStub } from '../../../src/notify/client';
import { postWebhook, putConfig, waitFor } from '../support/helpers';
import { items, range, scheduler, testDistribution } from '../support/scheduler-harness';

const DISTRIBUTIONS = {
  held: testDistribution('notify-emit-held', { retry: { baseMs: 200, maxMs: 800, authProbeMs: 200 } }),
  dead: testDistribution('notify-emit-dead'),
  behind: testDistribution('notify-emit-esc', { targetStalenessMs: 1_500, escalation: 'patterns' }),
  slow: testDistribution('notify-emit-slow', { targetStalenessMs: 1_000, retry: { baseMs: 200, maxMs: 800, authProbeMs: 300 } }),
  live: testDistribution('notify-emit-live', {
    publicBaseUrl: env.EDGE_URL,
    verify: {
      originBaseUrl: env.ORIGIN_URL,
      delaysMs: [100, 150, 200],
      maxRepurges: 1,
      originRatePerSecond: 50,
      timeoutMs: 2_000,
    },
  }),
};
const held = scheduler('held', DISTRIBUTIONS.held);
const dead = scheduler('dead', DISTRIBUTIONS.dead);
const behind = scheduler('behind', DISTRIBUTIONS.behind);
const slow = scheduler('slow', DISTRIBUTIONS.slow);
const live = scheduler('live', DISTRIBUTIONS.live);
const notifier = notifierStub(env);

type Received = { at: number; kind: string; ok: boolean; payload: { type: string; data: { text: string; count: number } } };
let since = 0;
async function received(type: string): Promise<Received[]> {
  const all = await (await fetch(`${env.NOTIFY_RECEIVER_URL}/__received/emit`)).json<Received[]>();
  return all.filter((r) => r.kind === 'webhook' && r.at >= since && r.payload?.type === type);
}
const fault = (value: Record<string, unknown>) =>
  fetch(`${env.NOTIFY_RECEIVER_URL}/__faults/emit`, { method: 'PUT', body: JSON.stringify(value) });

/** Waits for a message of a type, running the Notifier's alarms as they come due. */
async function message(type: string, timeoutMs = 10_000): Promise<Received> {
  return waitFor(async () => {
    const [first] = await received(type);
    if (first) return first;
    const at = await runInDurableObject(notifier, (_i, state) => state.storage.getAlarm());
    if (at !== null && at <= Date.now()) await runDurableObjectAlarm(notifier);
    return undefined;
  }, timeoutMs);
}

/** Drives a scheduler's alarms (its checks run in them) until the Notifier has sent a message of the type. */
async function driving(h: typeof live, type: string, timeoutMs = 15_000): Promise<Received> {
  let found: Received | undefined;
  await h.driveUntil(async () => {
    found = (await received(type))[0];
    const at = await runInDurableObject(notifier, (_i, state) => state.storage.getAlarm());
    if (!found && at !== null && at <= Date.now()) await runDurableObjectAlarm(notifier);
    return found !== undefined;
  }, timeoutMs);
  return found!;
}

async function setPage(path: string, title: string) {
  const response = await fetch(`${env.ORIGIN_URL}/__origin/pages?path=${encodeURIComponent(path)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  await putConfig({
    distributions: DISTRIBUTIONS,
    sources: { cms: { provider: 'standard-webhooks', secrets: ['STANDARD_SECRET'] } },
    notifications: {
      baseUrl: 'https://relay.example',
      destinations: [
        {
          id: 'emit',
          kind: 'webhook',
          urlSecret: 'NOTIFY_HOOK_URL_EMIT',
          signingSecret: 'NOTIFY_SIGNING_KEY',
          events: [
            'distribution.held',
            'distribution.resumed',
            'dead_letter.added',
            'escalation',
            'source.failing',
            'event.live',
            'event.stuck',
            'staleness.missed',
          ],
          groupWindowMs: 200,
          retryBaseMs: 100,
          timeoutMs: 1_000,
          ratePerMinute: 100,
        },
      ],
    },
  });
});

beforeEach(async () => {
  await fault({});
  since = Date.now();
});

describe('scheduler events', () => {
  it('tells when purges go on hold (401) and when they resume; a hanging receiver does not slow the purges', async () => {
    await held.faults({ unauthorized: true });
    await held.enqueue('evt_held', items('url', range('/held/', 4)));
    await held.driveUntil(async () => (await held.status()).health === 'unauthorized');
    const hold = await message('distribution.held');
    expect(hold.ok).toBe(true);
    expect(hold.payload.data.text).toMatch(
      /^Purges for held are on hold: Gotipath answers 401 since \d\d:\d\d UTC; fix the API key and resume$/,
    );

    await fault({ hang: 5, hangMs: 4_000 });
    await held.clearFaults();
    const start = Date.now();
    await held.drain();
    // The credential probe comes within authProbeMs and the 4 paths go in one call: the receiver's hang is not waited for.
    expect(Date.now() - start).toBeLessThan(2_000);
    await fault({});
    const resumed = await message('distribution.resumed', 15_000);
    expect(resumed.payload.data.text).toMatch(/^Purges for held resumed after \d+ s on hold; \d+ pages? waiting are being sent$/);
  });

  it('tells of dead letters, grouped within the window', async () => {
    await dead.faults({ rejectPaths: ['/dl/1', '/dl/6'] });
    await dead.enqueue('evt_dl', items('url', range('/dl/', 8)));
    await dead.drain();
    const first = await message('dead_letter.added');
    expect(first.payload.data.text).toMatch(/^dead: Gotipath refused (\/dl\/\d \(422|2 pages \(\/dl\/\d, \/dl\/\d; first 422)/);
    // Both paths are told, in one message or two (they may be refused in different passes).
    await waitFor(async () => (await received('dead_letter.added')).reduce((n, r) => n + r.payload.data.count, 0) === 2);
  });

  it('tells when a backlog is folded into patterns', async () => {
    await behind.enqueue('evt_esc', items('url', [...range('/news/a', 15), ...range('/shop/p', 15)]));
    await behind.drain();
    const escalation = await message('escalation');
    expect(escalation.payload.data.text).toMatch(/^behind fell behind its staleness target: \d+ pages folded into 2 patterns \(/);
  });

  it('tells when every page of an event is verified fresh at the edge, in the words of the content', async () => {
    await notifier.note({
      eventId: 'evt_live',
      source: 'cms',
      action: 'publish',
      at: Date.now(),
      title: 'Hello world',
      contentType: 'blogPost',
      paths: 2,
    });
    for (const path of ['/notify/hello', '/notify/blog']) {
      await setPage(path, 'old');
      await fetch(`${env.EDGE_URL}${path}`);
      await setPage(path, 'new');
    }
    await live.enqueue('evt_live', items('url', ['/notify/hello', '/notify/blog']));
    const verdict = await driving(live, 'event.live');
    expect(verdict.payload.data.text).toMatch(/^Hello world \(blog post\) is live: 2 pages refreshed and verified in \d+ s$/);
  });

  it('tells when a page stays stale after the re-purges', { timeout: 30_000 }, async () => {
    await setPage('/notify/stuck', 'old');
    await fetch(`${env.EDGE_URL}/notify/stuck`);
    await setPage('/notify/stuck', 'new');
    await live.faults({ keepPaths: ['/notify/stuck'] });
    await live.enqueue('evt_stuck', items('url', ['/notify/stuck']));
    const stuck = await driving(live, 'event.stuck', 25_000);
    await live.faults({ keepPaths: null });
    expect(stuck.payload.data.text).toBe('The change is still stale on 1 page after re-purging: /notify/stuck');
  });
});

describe('staleness', () => {
  it('tells once when paths wait past the distribution target', async () => {
    await slow.faults({ unauthorized: true });
    await slow.enqueue('evt_slow', items('url', range('/slow/', 3)));
    const t0 = Date.now();
    // Held (401), the paths wait; the probes' alarms run the notices past the 1 s target.
    await slow.driveUntil(async () => Date.now() - t0 > 1_600);
    const missed = await message('staleness.missed');
    expect(missed.payload.data.text).toMatch(/^slow: 3 pages waited longer than the 1 s target \(the oldest \d+ s\)$/);
    await slow.clearFaults();
    await slow.drain();
    expect(await received('staleness.missed')).toHaveLength(1);
  });
});

describe('source events', () => {
  it('tells when a source is refused five times in a row', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await postWebhook('cms', '{"type":"post.published"}', {
        'webhook-id': `msg_bad_${i}`,
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      });
      expect(response.status).toBe(401);
    }
    const failing = await message('source.failing');
    expect(failing.payload.data.text).toMatch(/^Webhooks from cms are refused: 5 in a row since \d\d:\d\d UTC \(401/);
  });
});
