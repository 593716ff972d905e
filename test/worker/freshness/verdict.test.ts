// The verdict on a page from what the origin and the edge answered (pure: evidence in, verdict out).
import { describe, expect, it } from 'vitest';
import { judge, sameEtag, type JudgeOptions, type Seen } from '../../../src/purge/freshness/verdict';

const ORIGIN = 'https://origin.example.com/p';
const EDGE = 'https://www.example.com/p';
const page = (url: string, over: Partial<Seen> = {}): Seen => ({ url, status: 200, ...over });
const origin = (over: Partial<Seen> = {}) => page(ORIGIN, over);
const edge = (over: Partial<Seen> = {}) => page(EDGE, over);
const auto: JudgeOptions = { validator: 'auto' };
const verdictOf = (o: Seen, e: Seen, options: JudgeOptions = auto) => {
  const { verdict, evidence } = judge(o, e, options);
  return [verdict, evidence.reason, evidence.validator];
};

describe('ETag', () => {
  it("is fresh when the edge serves the origin's ETag", () => {
    expect(verdictOf(origin({ etag: '"v2"' }), edge({ etag: '"v2"', age: 3 }))).toEqual(['fresh', 'edge-matches-origin', 'etag']);
  });

  it('is stale when the edge serves another ETag, even if the bodies agree by chance', () => {
    const o = origin({ etag: '"v2"', digest: 'same' });
    expect(verdictOf(o, edge({ etag: '"v1"', digest: 'same' }))).toEqual(['stale', 'edge-differs', 'etag']);
  });

  it('takes a weakened tag for the same one (a CDN that compresses)', () => {
    expect(sameEtag('W/"v2"', '"v2"')).toBe(true);
    expect(verdictOf(origin({ etag: '"v2"' }), edge({ etag: 'W/"v2"' }))).toEqual(['fresh', 'edge-matches-origin', 'etag']);
  });
});

describe('Last-Modified', () => {
  const older = 'Mon, 07 Dec 2026 10:00:00 GMT';
  const newer = 'Tue, 08 Dec 2026 10:00:00 GMT';

  it('decides when there is no ETag on both sides', () => {
    expect(verdictOf(origin({ lastModified: newer }), edge({ lastModified: newer }))).toEqual([
      'fresh',
      'edge-matches-origin',
      'last-modified',
    ]);
    expect(verdictOf(origin({ lastModified: newer, etag: '"v2"' }), edge({ lastModified: older }))).toEqual([
      'stale',
      'edge-differs',
      'last-modified',
    ]);
  });

  it('compares dates, not spellings', () => {
    const o = origin({ lastModified: 'Tue, 08 Dec 2026 10:00:00 GMT' });
    expect(verdictOf(o, edge({ lastModified: 'Tuesday, 08-Dec-26 10:00:00 GMT' }))[0]).toBe('fresh');
  });

  it('is what a fixed validator names, even when an ETag is there', () => {
    const o = origin({ etag: '"a"', lastModified: newer });
    const options: JudgeOptions = { validator: 'last-modified' };
    expect(verdictOf(o, edge({ etag: '"b"', lastModified: newer }), options)).toEqual([
      'fresh',
      'edge-matches-origin',
      'last-modified',
    ]);
  });
});

describe('body digest', () => {
  it('decides when neither answer carries a validator header', () => {
    expect(verdictOf(origin({ digest: 'abc' }), edge({ digest: 'abc' }))).toEqual(['fresh', 'edge-matches-origin', 'digest']);
    expect(verdictOf(origin({ digest: 'abc' }), edge({ digest: 'old' }))).toEqual(['stale', 'edge-differs', 'digest']);
  });

  it("is used when the edge drops the origin's ETag", () => {
    expect(verdictOf(origin({ etag: '"v2"', digest: 'abc' }), edge({ digest: 'abc' }))).toEqual([
      'fresh',
      'edge-matches-origin',
      'digest',
    ]);
  });
});

describe('marker from the event', () => {
  const options: JudgeOptions = { validator: 'auto', marker: '2026-12-08T10:00:00Z' };

  it('is fresh when the edge serves the marker, whatever the validators say', () => {
    const o = origin({ marker: true, etag: '"a"' });
    expect(verdictOf(o, edge({ marker: true, etag: '"b"' }), options)).toEqual(['fresh', 'marker-on-edge', 'marker']);
  });

  it('is stale when the origin has it and the edge not', () => {
    expect(verdictOf(origin({ marker: true }), edge({ marker: false }), options)).toEqual([
      'stale',
      'marker-missing-on-edge',
      'marker',
    ]);
  });

  it('says so when the origin itself does not serve it yet', () => {
    expect(verdictOf(origin({ marker: false }), edge({ marker: false }), options)).toEqual([
      'stale',
      'marker-missing-at-origin',
      'marker',
    ]);
  });

  it('leaves the decision to the validator when the event gave an empty marker', () => {
    expect(verdictOf(origin({ etag: '"a"' }), edge({ etag: '"a"' }), { validator: 'auto', marker: '' })[2]).toBe('etag');
  });
});

describe('removed pages', () => {
  it.each([404, 410])('are gone when both answer %i', (status) => {
    expect(verdictOf(origin({ status }), edge({ status: 404 }))).toEqual(['gone', 'removed', undefined]);
  });

  it('are stale while the edge still serves the removed page', () => {
    expect(verdictOf(origin({ status: 404 }), edge({ etag: '"v1"' }))).toEqual(['stale', 'removed-but-edge-serves', undefined]);
  });

  it('are stale when the edge answers a cached 404 for a page the origin serves', () => {
    expect(verdictOf(origin({ etag: '"v1"' }), edge({ status: 404 }))).toEqual(['stale', 'edge-serves-error-page', undefined]);
  });
});

describe('nothing to judge', () => {
  it('is unknown when there is nothing to compare', () => {
    expect(verdictOf(origin(), edge())).toEqual(['unknown', 'not-comparable', undefined]);
    expect(verdictOf(origin({ digest: 'abc' }), edge({ digest: 'abc' }), { validator: 'etag' })).toEqual([
      'unknown',
      'not-comparable',
      undefined,
    ]);
  });

  it('is unknown when the origin errs, times out or redirects', () => {
    expect(verdictOf(origin({ status: 503 }), edge({ etag: '"a"' }))[0]).toBe('unknown');
    expect(verdictOf(origin({ status: 0, error: 'no answer within 100 ms' }), edge())[1]).toBe('origin-error');
    expect(verdictOf(origin({ status: 301 }), edge({ status: 301 }))[1]).toBe('origin-redirects');
  });

  it('is unknown when the edge errs or redirects (a redirect is never followed)', () => {
    expect(verdictOf(origin({ etag: '"a"' }), edge({ status: 0, error: 'connection refused' }))[1]).toBe('edge-error');
    expect(verdictOf(origin({ etag: '"a"' }), edge({ status: 502 }))[1]).toBe('edge-error');
    expect(verdictOf(origin({ etag: '"a"' }), edge({ status: 302 }))[1]).toBe('edge-redirects');
    expect(verdictOf(origin({ status: 404 }), edge({ status: 0, error: 'timeout' }))[1]).toBe('edge-error');
  });

  it('keeps both answers as the evidence', () => {
    const o = origin({ etag: '"v2"' });
    const e = edge({ etag: '"v1"', age: 412, cacheStatus: 'HIT' });
    expect(judge(o, e, auto).evidence).toEqual({ reason: 'edge-differs', validator: 'etag', origin: o, edge: e });
  });
});
