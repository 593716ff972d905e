// POST /admin/paths/check against the example origin and the stand-in's caching edge: a check made now and the
// verdict it leads to (fresh, the edge still stale, the origin still old, gone, unknown), and bad input.
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, baseConfig, putConfig } from '../support/helpers';
import { scheduler, testDistribution } from '../support/scheduler-harness';

// Checks after a purge are scheduled a minute later: only the checks these tests make are in play.
const VERIFY = { originBaseUrl: env.ORIGIN_URL, delaysMs: [60_000], originRatePerSecond: 50, timeoutMs: 2_000 };
const DISTRIBUTIONS = {
  site: testDistribution('why-check-site', { publicBaseUrl: env.EDGE_URL, verify: VERIFY }),
  marked: testDistribution('why-check-marked', {
    publicBaseUrl: env.EDGE_URL,
    verify: { ...VERIFY, marker: '{fields.updatedAt}' },
  }),
  bare: testDistribution('why-check-bare'),
};
const site = scheduler('site', DISTRIBUTIONS.site);
const marked = scheduler('marked', DISTRIBUTIONS.marked);

interface Checked {
  verdict: { state: string; sentence: string };
  check: { verdict: string; evidence: { reason: string; edge?: { age?: number; etag?: string }; origin?: { etag?: string } } };
  history: { step: string }[];
}

const check = async (body: unknown) => {
  const response = await admin('/paths/check', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: await response.json<Checked & { error?: string }>() };
};
async function setPage(path: string, title: string) {
  const response = await fetch(`${env.ORIGIN_URL}/__origin/pages?path=${encodeURIComponent(path)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, updatedAt: '2026-12-01T00:00:00Z' }),
  });
  expect(response.status).toBe(200);
}
/** A GET through the edge: caches the page as the origin serves it now. */
const warm = async (path: string) => expect((await fetch(`${env.EDGE_URL}${path}`)).status).toBeLessThan(500);
const purge = async (distribution: string, path: string) => {
  const response = await admin('/purge', { method: 'POST', body: JSON.stringify({ distribution, paths: [path] }) });
  expect(response.status).toBe(202);
};

beforeAll(async () => {
  await putConfig(baseConfig({ distributions: DISTRIBUTIONS, rules: [] }));
});

afterAll(async () => {
  await site.clearFaults();
  await site.faults({ keepPaths: null });
});

describe('POST /admin/paths/check', () => {
  it('says fresh once the edge serves what the origin serves, with both answers as evidence', async () => {
    await setPage('/why/fresh', 'Old');
    await warm('/why/fresh');
    await setPage('/why/fresh', 'New');
    await purge('site', '/why/fresh');
    await site.drain();
    const { status, body } = await check({ path: `${env.EDGE_URL}/why/fresh`, distribution: 'site' });
    expect(status).toBe(200);
    expect(body.check.verdict).toBe('fresh');
    expect(body.check.evidence.edge!.etag).toBe(body.check.evidence.origin!.etag);
    expect(body.verdict.state).toBe('fresh');
    expect(body.verdict.sentence).toMatch(/^fresh since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('says the edge still serves the old version after a purge it did not evict, with its Age', async () => {
    await site.faults({ keepPaths: ['/why/kept'] });
    await setPage('/why/kept', 'Old');
    await warm('/why/kept');
    await setPage('/why/kept', 'New');
    await new Promise((r) => setTimeout(r, 1_100)); // an Age of at least one second
    await purge('site', '/why/kept');
    await site.drain();
    const { body } = await check({ path: '/why/kept', distribution: 'site' });
    expect(body.check).toMatchObject({ verdict: 'stale', evidence: { reason: 'edge-differs' } });
    expect(body.verdict.state).toBe('edge-stale');
    expect(body.verdict.sentence).toMatch(
      /^purged at \S+Z but the edge still serves the old version \(Age [1-9]\d* s\): not purged again yet$/,
    );
  });

  it('says the origin still serves the old version when it lacks the event’s marker', async () => {
    await setPage('/why/marked', 'Old');
    await marked.enqueue('evt_why_marked', [{ kind: 'url', path: '/why/marked', priority: 0, marker: '2026-12-08T10:00:00Z' }]);
    await marked.drain();
    const { body } = await check({ path: '/why/marked', distribution: 'marked' });
    expect(body.check.evidence.reason).toBe('marker-missing-at-origin');
    expect(body.verdict).toMatchObject({
      state: 'origin-stale',
      sentence: 'the origin still serves the old version (it does not carry the event’s marker yet)',
    });
  });

  it('says gone when the origin and the edge both answer 404', async () => {
    await setPage('/why/removed', 'Here');
    await warm('/why/removed');
    await fetch(`${env.ORIGIN_URL}/__origin/pages?path=/why/removed`, { method: 'DELETE' });
    await purge('site', '/why/removed');
    await site.drain();
    const { body } = await check({ path: '/why/removed', distribution: 'site' });
    expect(body.verdict.state).toBe('gone');
    expect(body.verdict.sentence).toMatch(/^gone since \S+Z: origin and edge both answer 404$/);
  });

  it('cannot tell without an origin to compare with, and says which setting is missing', async () => {
    await purge('bare', '/why/bare');
    const bare = scheduler('bare', DISTRIBUTIONS.bare);
    await bare.drain();
    const { body } = await check({ path: '/why/bare', distribution: 'bare' });
    expect(body.verdict).toEqual({
      state: 'unknown',
      sentence:
        'could not tell whether the edge is fresh: the answers carry nothing to compare (origin: publicBaseUrl is not set)',
    });
  });

  it.each([
    ['not JSON', '{"path": ', 400, /^body is not valid JSON$/],
    ['no path', {}, 400, /^invalid request body: path: /],
    ['an unknown field', { path: '/x', distribution: 'site', extra: 1 }, 400, /^invalid request body: /],
    ['a relative path', { path: 'why/x', distribution: 'site' }, 400, /must start with "\/"/],
    ['another site', { path: 'https://elsewhere.example/x', distribution: 'site' }, 400, /is not this distribution's site/],
    [
      'several distributions and none named',
      { path: '/x' },
      400,
      /^name the distribution: distribution is one of site, marked, bare$/,
    ],
    ['an unknown distribution', { path: '/x', distribution: 'nowhere' }, 404, /^unknown distribution "nowhere"$/],
  ])('refuses %s', async (_what, body, status, message) => {
    const { status: got, body: answer } = await check(body);
    expect(got).toBe(status);
    expect(answer.error).toMatch(message);
  });
});
