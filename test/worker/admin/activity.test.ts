// Activity: the latest Gotipath calls with all their paths, their answer and the events behind them, in the admin
// API (filters, bad input) and on the console page; `purge-relay tail` reads the same route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type Browser } from '../support/console';
import { admin, putConfig } from '../support/helpers';
import { items, range, scheduler, testDistribution } from '../support/scheduler-harness';

const DISTRIBUTIONS = {
  busy: testDistribution('activity-busy', { limits: { windowMs: 1_100, url: { calls: 2, paths: 5 } } }),
  other: testDistribution('activity-other'),
};
const busy = scheduler('busy', DISTRIBUTIONS.busy);
const other = scheduler('other', DISTRIBUTIONS.other);
let browser: Browser;

type Call = {
  distribution: string;
  kind: string;
  status: number;
  paths: string[];
  events: string[];
  at: number;
  attempt: number;
};
const activity = async (query = '') => {
  const response = await admin(`/activity${query}`);
  expect(response.status).toBe(200);
  return (await response.json<{ calls: Call[] }>()).calls;
};

beforeAll(async () => {
  await putConfig({ distributions: DISTRIBUTIONS });
  await busy.enqueue('evt_act_one', items('url', range('/act/a', 4)));
  await busy.enqueue('evt_act_two', items('url', ['/act/b0', '/act/b1', '/act/b2']));
  await busy.drain();
  await other.faults({ rejectPaths: ['/act/refused'] });
  await other.enqueue('evt_act_other', items('url', ['/act/refused']));
  // A lone refused path stays queued (no evidence it alone is bad): one refused call is enough here.
  await other.driveUntil(async () => (await other.calls()).some((c) => c.status !== 200));
  browser = await login();
}, 30_000);

afterAll(async () => {
  await other.clearFaults();
});

describe('GET /admin/activity', () => {
  it('lists every call newest first with all its paths and the events that queued them', async () => {
    const calls = (await activity('?distribution=busy')).filter((c) => c.kind === 'url');
    expect(calls.every((c, i) => i === 0 || calls[i - 1]!.at >= c.at)).toBe(true);
    const paths = calls.flatMap((c) => c.paths).sort();
    expect(paths).toEqual([...range('/act/a', 4), '/act/b0', '/act/b1', '/act/b2'].sort());
    expect(calls.every((c) => c.status === 200 && c.paths.length <= 5)).toBe(true);
    expect(new Set(calls.flatMap((c) => c.events))).toEqual(new Set(['evt_act_one', 'evt_act_two']));
    for (const call of calls) {
      const fromOne = call.paths.some((p) => p.startsWith('/act/a'));
      const fromTwo = call.paths.some((p) => p.startsWith('/act/b'));
      expect(call.events.sort()).toEqual([...(fromOne ? ['evt_act_one'] : []), ...(fromTwo ? ['evt_act_two'] : [])]);
    }
  });

  it('filters by result and by a path, across distributions', async () => {
    const failed = await activity('?status=failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((c) => c.distribution === 'other' && c.status !== 200 && c.paths.includes('/act/refused'))).toBe(true);
    const withB1 = await activity('?path=%2Fact%2Fb1');
    expect(withB1.map((c) => c.distribution)).toEqual(['busy']);
    expect(withB1[0]!.paths).toContain('/act/b1');
    expect(await activity('?limit=1')).toHaveLength(1);
  });

  it.each([
    ['?status=maybe', 'status must be "ok" or "failed"'],
    ['?limit=abc', 'limit must be a whole number from 0 to 200'],
    ['?limit=1000', 'limit must be a whole number from 0 to 200'],
    ['?since=-5', 'since must be a whole number'],
    ['?path=', 'path must be 1 to 2,048 characters'],
  ])('answers %s with a 400 that says what is wrong', async (query, message) => {
    const response = await admin(`/activity${query}`);
    expect(response.status).toBe(400);
    expect((await response.json<{ error: string }>()).error).toContain(message);
  });

  it('answers an unknown distribution with a 404', async () => {
    const response = await admin('/activity?distribution=nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'unknown distribution "nope"' });
  });
});

describe('the Activity page', () => {
  it('shows each call with its paths expandable, its answer and links to its events, and what is waiting', async () => {
    const html = await (await browser.get('/admin/ui/activity')).text();
    expect(html).toContain('<h2>Waiting</h2>');
    expect(html).toContain('<th scope="col">Why</th>');
    // The refused path of "other" is still queued: its row says why it waits.
    expect(html).toMatch(
      /<tr><td>other<\/td><td><span class="badge b-\w+">\w+<\/span><\/td><td>1 url<\/td><td>(held|backing off|the rate window|gathering)[^<]+<\/td>/,
    );
    const listed =
      /<summary>(\d+) paths: (?:\/act\/[ab]\d ){3}…<\/summary><ul class="paths">((?:<li>\/act\/[ab]\d<\/li>)+)<\/ul>/.exec(html);
    expect(listed).not.toBeNull();
    expect(listed![2]!.match(/<li>/g)).toHaveLength(Number(listed![1]));
    expect(html).toContain('href="/admin/ui/events/evt_act_one"');
    expect(html).toMatch(/<span class="badge b-failed">failed<\/span> 422/);
  });

  it('filters by distribution, result and path', async () => {
    const html = await (await browser.get('/admin/ui/activity?distribution=other&status=failed&path=refused')).text();
    expect(html).toContain('/act/refused');
    expect(html).not.toContain('/act/a0');
    const none = await (await browser.get('/admin/ui/activity?path=nothing-like-it')).text();
    expect(none).toContain('No calls in the last hour that match.');
  });
});
