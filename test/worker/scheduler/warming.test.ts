// Cache warming after a purge: the prefetch API after a delay within its limit, or GETs of the public URLs.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { warmPaths } from '../../../src/purge/warm';
import { parseConfig } from '../../../src/rules/schema';
import { accepted, items, scheduler, sleep, testDistribution, type StandinCall } from '../support/scheduler-harness';

const api = scheduler('api', testDistribution('sched-warm-api', { warming: { delayMs: 600 } }));
const getter = scheduler(
  'getter',
  testDistribution('sched-warm-get', {
    warming: { mode: 'http-get', delayMs: 0, concurrency: 2 },
    publicBaseUrl: `${env.STANDIN_URL}/pub-warm`,
  }),
);

describe('prefetch through the API', () => {
  it('runs only after the purge of the same paths succeeded, after the configured delay', async () => {
    const paths = ['/warm/a', '/warm/b'];
    await api.enqueue('evt_warm', [...items('prefetch', paths), ...items('url', paths)]);
    await api.drain();

    const calls = await api.calls();
    const [purge] = accepted(calls, 'url');
    const prefetches = accepted(calls, 'prefetch');
    expect(prefetches.map((c) => c.paths)).toEqual([paths]);
    expect(prefetches[0]!.at - purge!.at).toBeGreaterThanOrEqual(600);
  });

  it('waits while the purge of its path is still failing', async () => {
    await api.faults({ errorRate: 1 });
    await api.enqueue('evt_warm_held', [...items('url', ['/warm/held']), ...items('prefetch', ['/warm/held'])]);
    await api.driveUntil(async () => (await api.calls()).filter((c) => c.status === 503).length >= 2);
    await api.clearFaults();
    await api.drain();
    const calls = (await api.calls()).filter((c) => c.paths.includes('/warm/held')).map((c) => `${c.kind} ${c.status}`);
    // However many refusals slipped in before the fault was lifted, the prefetch came only after the purge went.
    expect(calls.slice(-2)).toEqual(['url 200', 'prefetch 200']);
    expect(new Set(calls.slice(0, -2))).toEqual(new Set(['url 503']));
  });
});

describe('warming by http-get', () => {
  it('GETs each public URL after its purge, instead of calling the prefetch API', async () => {
    const paths = ['/x/1', '/x/2?page=2', '/x/3'];
    await getter.enqueue('evt_get', [...items('url', paths), ...items('prefetch', paths)]);
    await getter.drain();

    const purge = accepted(await getter.calls(), 'url')[0]!;
    expect(purge.paths).toEqual(paths);
    expect((await getter.calls()).some((c) => c.kind === 'prefetch')).toBe(false);
    const all = await (await fetch(`${env.STANDIN_URL}/__standin/calls`)).json<StandinCall[]>();
    const gets = all.filter((c) => c.method === 'GET' && c.path.startsWith('/pub-warm/'));
    // The stand-in answers a public URL 401 (no API credentials): an answer, so the path counts as warmed.
    expect(gets.map((c) => c.path).sort()).toEqual(['/pub-warm/x/1', '/pub-warm/x/2', '/pub-warm/x/3']);
    for (const get of gets) expect(get.at).toBeGreaterThanOrEqual(purge.at);
  });

  it('needs the public base URL in the config', () => {
    const parsed = parseConfig({ distributions: { www: { id: 'x', warming: { mode: 'http-get' } } } });
    expect(parsed).toEqual({
      ok: false,
      issues: [{ path: 'distributions.www.publicBaseUrl', message: 'warming.mode "http-get" needs publicBaseUrl' }],
    });
  });

  it('keeps at most `concurrency` GETs in flight and reports each status, 0 when no answer came', async () => {
    let inFlight = 0;
    let most = 0;
    const fakeFetch = async (input: RequestInfo | URL) => {
      most = Math.max(most, ++inFlight);
      await sleep(20);
      inFlight--;
      if (String(input).endsWith('/down')) throw new Error('connection refused');
      return new Response('ok', { status: String(input).endsWith('/gone') ? 404 : 200 });
    };
    const paths = ['/1', '/2', '/gone', '/4', '/down', '/6', '/7'];
    const statuses = await warmPaths(paths, {
      baseUrl: 'https://www.example.com/',
      concurrency: 3,
      timeoutMs: 1_000,
      fetch: fakeFetch as typeof fetch,
    });
    expect(statuses).toEqual([200, 200, 404, 200, 0, 200, 200]);
    expect(most).toBe(3);
  });
});
