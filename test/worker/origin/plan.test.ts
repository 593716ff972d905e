// Origin work decided without I/O: retries and the failure policy, the gate's verdicts and steps, the requests built.
import { describe, expect, it } from 'vitest';
import { afterFailure, backoffMs, gateStep, gateVerdict } from '../../../src/purge/origin/plan';
import { buildRequests } from '../../../src/purge/origin/steps';
import type { OriginConfig, OriginStepConfig } from '../../../src/rules/origin-schema';
import { parseDistribution } from '../support/scheduler-harness';

const origin = (o: Record<string, unknown> = {}): OriginConfig =>
  parseDistribution({ id: 'd', verify: { originBaseUrl: 'https://o.example.com' }, origin: o }).origin;
const seen = (status: number, over: Record<string, unknown> = {}) => ({ url: 'https://o.example.com/x', status, ...over });

describe('a failing origin step', () => {
  const o = origin({ retry: { baseMs: 1_000, maxMs: 8_000 }, maxHoldMs: 60_000 });

  it('is retried after waits doubling up to retry.maxMs', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffMs(n, o.retry))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    expect(afterFailure(o, 0, 2, 10_000)).toEqual({ action: 'retry', at: 12_000 });
  });

  it('never waits past maxHoldMs, and then holds the paths as a dead letter or purges anyway', () => {
    expect(afterFailure(o, 0, 5, 55_000)).toEqual({ action: 'retry', at: 60_000 });
    expect(afterFailure(o, 0, 6, 60_000)).toEqual({ action: 'dead' });
    expect(afterFailure(origin({ onFailure: 'purge', maxHoldMs: 60_000 }), 0, 6, 60_000)).toEqual({ action: 'purge' });
  });
});

describe('the gate', () => {
  const old = { status: 200, etag: '"v1"' };

  it('releases a page once the origin serves another version than the one last seen', () => {
    expect(gateVerdict(seen(200, { etag: '"v1"' }), old, undefined)).toEqual({ release: false, reason: 'same-version' });
    expect(gateVerdict(seen(200, { etag: '"v2"' }), old, undefined)).toEqual({ release: true, reason: 'new-version' });
    const byDate = { status: 200, lastModified: 'Mon, 07 Dec 2026 10:00:00 GMT' };
    expect(gateVerdict(seen(200, { lastModified: 'Tue, 08 Dec 2026 10:00:00 GMT' }), byDate, undefined).release).toBe(true);
  });

  it("waits for the event's marker when there is one, whatever the validators say", () => {
    expect(gateVerdict(seen(200, { etag: '"v2"', marker: false }), old, '2026-12-08').reason).toBe('marker-missing');
    expect(gateVerdict(seen(200, { etag: '"v1"', marker: true }), old, '2026-12-08')).toEqual({
      release: true,
      reason: 'marker',
    });
  });

  it('releases a removal or a move at once, waits on an origin error, and has nothing to wait for without history', () => {
    for (const status of [404, 410, 301, 308]) expect(gateVerdict(seen(status), old, '2026').reason).toBe('removed');
    expect(gateVerdict(seen(503), old, undefined)).toEqual({ release: false, reason: 'origin-error' });
    expect(gateVerdict(seen(0, { error: 'no answer within 100 ms' }), old, undefined).release).toBe(false);
    expect(gateVerdict(seen(200, { etag: '"v1"' }), undefined, undefined)).toEqual({
      release: true,
      reason: 'nothing-to-compare',
    });
  });

  const gate = origin({ gate: { enabled: true, maxWaitMs: 10_000, lateWaitMs: 20_000, pollMs: 1_000, pollMaxMs: 4_000 } }).gate;
  const wait = { release: false, reason: 'same-version' } as const;

  it('polls with backoff, and purges anyway past maxWaitMs', () => {
    const row = (polls: number) => ({ phase: 'waiting' as const, since: 0, polls });
    expect([0, 1, 2, 3].map((p) => gateStep(gate, row(p), wait, 1_000))).toEqual([
      { do: 'poll', at: 2_000 },
      { do: 'poll', at: 3_000 },
      { do: 'poll', at: 5_000 },
      { do: 'poll', at: 5_000 },
    ]);
    expect(gateStep(gate, row(3), wait, 9_000)).toEqual({ do: 'poll', at: 10_000 });
    expect(gateStep(gate, row(4), wait, 10_000)).toEqual({ do: 'timeout' });
  });

  it('after a timeout, purges once more when the origin changes or at the end of lateWaitMs', () => {
    const late = { phase: 'late' as const, since: 0, polls: 9 };
    expect(gateStep(gate, late, wait, 12_000)).toEqual({ do: 'poll', at: 16_000 });
    expect(gateStep(gate, late, { release: true, reason: 'new-version' }, 12_000)).toEqual({
      do: 'repurge',
      reason: 'new-version',
    });
    expect(gateStep(gate, late, wait, 30_000)).toEqual({ do: 'repurge', reason: 'late-bound' });
  });
});

describe('the requests of a step', () => {
  const input = { event: 'evt_1', paths: ['/blog/a', '/blog/b'], tags: ['post:1'] };
  const secrets = (name: string) => `value-of-${name}`;
  const steps = origin({
    steps: [
      { type: 'nextjs', url: 'https://www.example.com/api/revalidate', secret: 'NEXT_SECRET' },
      {
        type: 'http',
        url: 'https://api.example.com/hooks/build',
        body: '{"paths":{paths},"tags":{tags},"by":{event}}',
        secretHeaders: { authorization: { secret: 'HOOK', prefix: 'Bearer ' } },
      },
      { type: 'purge', method: 'BAN', baseUrl: 'https://varnish.example.com/' },
      { type: 'http', method: 'GET', url: 'https://api.example.com/flush/{path}' },
    ],
  }).steps as OriginStepConfig[];

  it('posts the paths and tags to a Next.js route handler with the secret in a header', () => {
    expect(buildRequests(steps[0]!, input, secrets)).toEqual([
      {
        method: 'POST',
        url: 'https://www.example.com/api/revalidate',
        headers: { 'content-type': 'application/json', 'x-revalidate-secret': 'value-of-NEXT_SECRET' },
        body: '{"paths":["/blog/a","/blog/b"],"tags":["post:1"],"event":"evt_1"}',
      },
    ]);
  });

  it('fills an http body template, and makes one call per path when the URL names {path}', () => {
    const [hook] = buildRequests(steps[1]!, input, secrets);
    expect(hook).toMatchObject({
      method: 'POST',
      headers: { authorization: 'Bearer value-of-HOOK', 'content-type': 'application/json' },
    });
    expect(JSON.parse(hook!.body!)).toEqual({ paths: ['/blog/a', '/blog/b'], tags: ['post:1'], by: 'evt_1' });
    expect(buildRequests(steps[3]!, input, secrets).map((r) => r.url)).toEqual([
      'https://api.example.com/flush/blog/a',
      'https://api.example.com/flush/blog/b',
    ]);
  });

  it('bans each path with an anchored expression, and never leaves the configured host', () => {
    expect(buildRequests(steps[2]!, { ...input, paths: ['/a.b?x=1'] }, secrets)).toEqual([
      { method: 'BAN', url: 'https://varnish.example.com/a.b?x=1', headers: { 'x-ban-url': '^/a\\.b\\?x=1$' } },
    ]);
    const [odd] = buildRequests(steps[2]!, { ...input, paths: ['//evil.example.net/x'] }, secrets);
    expect(new URL(odd!.url).host).toBe('varnish.example.com');
    const inHost = {
      type: 'http',
      method: 'POST',
      url: 'https://{path}.example.com/x',
      headers: {},
      secretHeaders: {},
      contentType: 'application/json',
      timeoutMs: 1_000,
    } as const;
    expect(() => buildRequests(inHost, input, secrets)).toThrow('a path would leave https://x.example.com');
  });
});
