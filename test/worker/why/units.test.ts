// The pure parts of "why is this URL stale?": the send estimate, the rule shapes, the path input and explain().
import { describe, expect, it } from 'vitest';
import { explain, when, type CheckFacts, type WhyFacts } from '../../../src/admin/explain-path';
import { chooseDistribution, pathOf } from '../../../src/admin/path-input';
import { combineEstimates } from '../../../src/purge/enqueue';
import { estimateSendAt, secondsUntil } from '../../../src/purge/eta';
import type { HistoryRow } from '../../../src/purge/path-report';
import { nearestRules, producersOf, templateShape } from '../../../src/rules/path-shape';
import { parseConfig, type RelayConfig } from '../../../src/rules/schema';
import { RelayError } from '../../../src/errors';

const T0 = Date.UTC(2026, 11, 8, 3, 0, 0);
const LIMITS = {
  windowMs: 60_000,
  url: { calls: 2, paths: 100 },
  pattern: { calls: 1, paths: 10 },
  all: { calls: 1, paths: 1 },
  prefetch: { calls: 1, paths: 100 },
};

describe('estimateSendAt', () => {
  const base = { kind: 'url' as const, limits: LIMITS, recentCalls: [], startAt: T0 + 2_000, now: T0 };

  it('sends the first call at the alarm when the window has room', () => {
    expect(estimateSendAt({ ...base, position: 1 })).toBe(T0 + 2_000);
    expect(estimateSendAt({ ...base, position: 200 })).toBe(T0 + 2_000);
  });

  it('waits a window for the third call of a 2-calls window', () => {
    expect(estimateSendAt({ ...base, position: 201 })).toBe(T0 + 2_000 + 60_001);
    expect(estimateSendAt({ ...base, position: 450 })).toBe(T0 + 2_000 + 2 * 60_001);
  });

  it('counts the calls already made in the window', () => {
    const recentCalls = [T0 - 50_000, T0 - 10_000];
    expect(estimateSendAt({ ...base, position: 1, recentCalls })).toBe(T0 - 50_000 + 60_001);
    expect(estimateSendAt({ ...base, position: 101, recentCalls })).toBe(T0 - 10_000 + 60_001);
  });

  it('never goes before a backoff or Retry-After', () => {
    expect(estimateSendAt({ ...base, position: 1, startAt: T0 + 30_000 })).toBe(T0 + 30_000);
  });

  it('rounds up to whole seconds and never below zero', () => {
    expect(secondsUntil(T0 + 1_001, T0)).toBe(2);
    expect(secondsUntil(T0 - 5_000, T0)).toBe(0);
  });

  it('takes the latest distribution for a delivery, and no number while one is held', () => {
    expect(
      combineEstimates(
        [
          { distribution: 'a', sendAt: T0 + 3_000 },
          { distribution: 'b', sendAt: T0 + 65_000 },
        ],
        T0,
      ),
    ).toEqual({
      etaSeconds: 65,
    });
    expect(
      combineEstimates(
        [
          { distribution: 'a', sendAt: T0 },
          { distribution: 'b', sendAt: null, held: 'unauthorized' },
        ],
        T0,
      ),
    ).toEqual({
      etaSeconds: null,
      held: ['b: unauthorized'],
    });
  });
});

function config(rules: unknown[], distributions: Record<string, unknown> = { main: { id: 'd-main' } }): RelayConfig {
  const parsed = parseConfig({ distributions, rules, locales: { en: '', de: '/de' } });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

const RULES = config([
  { id: 'blog-post', distribution: 'main', purge: ['/blog/{fields.slug}', '/blog'] },
  { id: 'localized', distribution: 'main', purge: ['{+localePrefix}/docs/{fields.slug}'] },
  { id: 'shop', distribution: 'main', purge: [{ path: '/shop/*', kind: 'pattern' }] },
  { id: 'tagged', distribution: 'main', tags: ['post-{id}'] },
]);

describe('rule shapes', () => {
  it('reads a simple variable as one segment and {+var} as anything', () => {
    expect(templateShape('/blog/{fields.slug}').test('/blog/hello-world')).toBe(true);
    expect(templateShape('/blog/{fields.slug}').test('/blog/a/b')).toBe(false);
    expect(templateShape('{+localePrefix}/docs/{slug}').test('/de/docs/intro')).toBe(true);
  });

  it('reads {+localePrefix} as one of the configured prefixes only', () => {
    expect(producersOf(RULES, 'main', '/de/docs/intro').map((p) => p.ruleId)).toEqual(['localized']);
    expect(producersOf(RULES, 'main', '/docs/intro').map((p) => p.ruleId)).toEqual(['localized']);
    expect(producersOf(RULES, 'main', '/blog/2024/docs/intro')).toEqual([]);
  });

  it('finds the rules that produce a path, by template, pattern or tag', () => {
    expect(producersOf(RULES, 'main', '/blog/hello').map((p) => p.ruleId)).toEqual(['blog-post']);
    expect(producersOf(RULES, 'main', '/shop/shoes?color=red').map((p) => p.ruleId)).toEqual(['shop']);
    expect(producersOf(RULES, 'main', '/anything', ['post-42'])).toEqual([
      { ruleId: 'tagged', template: 'post-{id}', via: 'tag' },
    ]);
    expect(producersOf(RULES, 'main', '/about')).toEqual([]);
  });

  it('names the nearest rules when none fits, best first', () => {
    const near = nearestRules(RULES, 'main', '/blog/2024/hello');
    expect(near[0]).toMatchObject({ ruleId: 'blog-post', template: '/blog/{fields.slug}' });
    expect(near.length).toBeLessThanOrEqual(3);
  });
});

describe('path input', () => {
  const base = 'https://www.example.com';
  const refused = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return error as RelayError;
    }
    throw new Error('not refused');
  };

  it('takes a path as is and a URL of the site without its origin', () => {
    expect(pathOf('/blog/a?x=1', base)).toBe('/blog/a?x=1');
    expect(pathOf('https://www.example.com/blog/a?x=1', base)).toBe('/blog/a?x=1');
  });

  it('refuses another site, a relative path, spaces and an empty path with a 400 that says why', () => {
    expect(refused(() => pathOf('https://evil.example/blog', base)).message).toMatch(/is not this distribution's site/);
    expect(refused(() => pathOf('blog/a', base)).message).toMatch(/must start with "\/"/);
    expect(refused(() => pathOf('/a b', base)).message).toMatch(/no spaces/);
    expect(refused(() => pathOf('  ', base)).status).toBe(400);
    expect(refused(() => pathOf('https://www.example.com/a', undefined)).message).toMatch(/no publicBaseUrl/);
  });

  it('chooses the only distribution, the named one, or asks (404 for an unknown name)', () => {
    const two = config([], { a: { id: 'd-a', publicBaseUrl: base }, b: { id: 'd-b' } });
    expect(chooseDistribution(RULES, undefined, '/x')).toBe('main');
    expect(chooseDistribution(two, undefined, `${base}/x`)).toBe('a');
    expect(refused(() => chooseDistribution(two, undefined, '/x')).message).toMatch(/name the distribution/);
    expect(refused(() => chooseDistribution(two, 'nope', '/x')).status).toBe(404);
  });
});

const row = (at: number, step: string, extra: Partial<HistoryRow> = {}): HistoryRow => ({
  at: T0 + at,
  step,
  kind: 'url',
  path: '/blog/a',
  ...extra,
});
const QUEUED = row(0, 'queued', { event: 'evt_1', rule: 'blog-post' });
const PURGED = row(3_000, 'call', { status: 200, batch: 1, attempt: 1 });
const facts = (over: Partial<WhyFacts> & { history?: HistoryRow[] } = {}): WhyFacts => ({
  path: '/blog/a',
  report: { history: over.history ?? [QUEUED, PURGED], ...over.report },
  producers: [{ ruleId: 'blog-post', template: '/blog/{fields.slug}', via: 'path' }],
  nearest: [],
  now: T0 + 10_000,
  ...over,
});
const check = (verdict: CheckFacts['verdict'], evidence: Partial<CheckFacts['evidence']> = {}): CheckFacts => ({
  verdict,
  at: T0 + 10_000,
  evidence: { reason: 'edge-differs', ...evidence },
});
const queued = (sendAt: number | null) => ({ kind: 'url' as const, enqueuedAt: T0, attempts: 0, estimate: { sendAt } });

describe('explain', () => {
  it('no rule produces this path: names the nearest rules', () => {
    const why = explain(
      facts({ history: [], producers: [], nearest: [{ ruleId: 'blog-post', template: '/blog/{fields.slug}', score: 0.5 }] }),
    );
    expect(why).toEqual({
      state: 'no-rule',
      sentence: 'no rule produces this path (nearest rules: blog-post (/blog/{fields.slug}))',
    });
  });

  it('waiting in the queue, with the expected send time', () => {
    const why = explain(facts({ history: [QUEUED], report: { history: [QUEUED], queued: queued(T0 + 62_000) } }));
    expect(why.state).toBe('queued');
    expect(why.sentence).toBe(`waiting in the queue, expected to be sent at ${when(T0 + 62_000)}`);
  });

  it('distribution held: unauthorized since the first refused call', () => {
    const hold = { health: 'unauthorized' as const, since: T0 + 1_000, status: 401, message: 'bad key' };
    const why = explain(facts({ report: { history: [QUEUED], queued: queued(null), hold } }));
    expect(why.state).toBe('held');
    expect(why.sentence).toBe(`distribution held: unauthorized since ${when(T0 + 1_000)} (401 bad key)`);
  });

  it('dead-lettered: Gotipath’s answer and when', () => {
    const deadLetter = {
      kind: 'url' as const,
      path: '/blog/a',
      status: 422,
      message: 'invalid path',
      at: T0 + 4_000,
      event: 'evt_1',
      rule: 'blog-post',
    };
    const why = explain(facts({ report: { history: [QUEUED], deadLetter } }));
    expect(why).toMatchObject({
      state: 'dead-lettered',
      sentence: `dead-lettered: Gotipath answered 422 (invalid path) at ${when(T0 + 4_000)}`,
    });
  });

  it('purged but the edge still serves the old version, with the Age and the re-purge', () => {
    const history = [
      QUEUED,
      PURGED,
      row(8_000, 'checked', { detail: 'stale' }),
      row(8_001, 'repurged'),
      row(9_000, 'call', { status: 200 }),
    ];
    const why = explain(facts({ history, check: check('stale', { edge: { url: 'https://e/blog/a', status: 200, age: 412 } }) }));
    expect(why.state).toBe('edge-stale');
    expect(why.sentence).toBe(
      `purged at ${when(T0 + 3_000)} but the edge still serves the old version (Age 412 s): purged again at ${when(T0 + 9_000)}`,
    );
  });

  it('purged but stale and not purged again yet', () => {
    const why = explain(facts({ check: check('stale', { edge: { url: 'x', status: 200, age: 5 } }) }));
    expect(why.sentence).toBe(
      `purged at ${when(T0 + 3_000)} but the edge still serves the old version (Age 5 s): not purged again yet`,
    );
  });

  it('the origin still serves the old version when it lacks the event’s marker', () => {
    const why = explain(
      facts({ check: check('stale', { reason: 'marker-missing-at-origin', origin: { url: 'o', status: 200, marker: false } }) }),
    );
    expect(why).toEqual({
      state: 'origin-stale',
      sentence: 'the origin still serves the old version (it does not carry the event’s marker yet)',
    });
  });

  it('fresh since the first fresh check after the purge', () => {
    const history = [QUEUED, PURGED, row(6_000, 'checked', { detail: 'fresh' })];
    const why = explain(facts({ history, check: check('fresh') }));
    expect(why).toEqual({ state: 'fresh', since: T0 + 6_000, sentence: `fresh since ${when(T0 + 6_000)}` });
  });

  it('gone when origin and edge answer 404', () => {
    const why = explain(facts({ check: check('gone', { edge: { url: 'x', status: 404 } }) }));
    expect(why.state).toBe('gone');
    expect(why.sentence).toMatch(/^gone since .*: origin and edge both answer 404$/);
  });

  it('unknown: says in words why nothing could be compared', () => {
    const why = explain(
      facts({ check: check('unknown', { reason: 'origin-error', origin: { url: 'o', status: 0, error: 'refused' } }) }),
    );
    expect(why).toEqual({
      state: 'unknown',
      sentence: 'could not tell whether the edge is fresh: the origin gave no usable answer (origin: refused)',
    });
  });

  it('unchecked: purged, nothing recorded since', () => {
    expect(explain(facts())).toMatchObject({
      state: 'unchecked',
      sentence: `purged at ${when(T0 + 3_000)}; not checked at the edge since`,
    });
  });
});
