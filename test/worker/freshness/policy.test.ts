// Verification's decisions without I/O: the next step after a verdict, the pages a purge gets checked, the
// origin's pace, the marker from an event, and the `verify` block of the config.
import { describe, expect, it } from 'vitest';
import {
  afterCheck,
  OriginPacer,
  pagesToCheck,
  type AcceptedCall,
  type SampleSources,
} from '../../../src/purge/freshness/policy';
import { percentile } from '../../../src/purge/freshness/stats';
import type { ContentEvent } from '../../../src/providers/types';
import { renderMarker } from '../../../src/rules/marker';
import { parseConfig } from '../../../src/rules/schema';
import { verifyOn } from '../../../src/rules/verify-schema';

const verify = { delaysMs: [5_000, 30_000, 120_000], maxRepurges: 2 };

describe('afterCheck', () => {
  it('ends at fresh and gone', () => {
    expect(afterCheck({ attempt: 0, repurges: 0 }, 'fresh', verify, 0)).toEqual({ action: 'done', final: 'fresh' });
    expect(afterCheck({ attempt: 2, repurges: 1 }, 'gone', verify, 0)).toEqual({ action: 'done', final: 'gone' });
  });

  it('checks a stale or unknown page again after the next, longer delay', () => {
    expect(afterCheck({ attempt: 0, repurges: 0 }, 'stale', verify, 1_000)).toEqual({ action: 'again', attempt: 1, due: 31_000 });
    expect(afterCheck({ attempt: 1, repurges: 0 }, 'unknown', verify, 1_000)).toEqual({
      action: 'again',
      attempt: 2,
      due: 121_000,
    });
  });

  it('purges again after the last delay, up to maxRepurges, then gives up as stuck', () => {
    expect(afterCheck({ attempt: 2, repurges: 0 }, 'stale', verify, 0)).toEqual({ action: 'repurge', repurges: 1 });
    expect(afterCheck({ attempt: 2, repurges: 1 }, 'stale', verify, 0)).toEqual({ action: 'repurge', repurges: 2 });
    expect(afterCheck({ attempt: 2, repurges: 2 }, 'stale', verify, 0)).toEqual({ action: 'stuck' });
    expect(afterCheck({ attempt: 2, repurges: 0 }, 'stale', { ...verify, maxRepurges: 0 }, 0)).toEqual({ action: 'stuck' });
  });

  it('never purges again on no evidence: unknown after the last delay stays unknown', () => {
    expect(afterCheck({ attempt: 2, repurges: 0 }, 'unknown', verify, 0)).toEqual({ action: 'done', final: 'unknown' });
  });
});

describe('pagesToCheck', () => {
  const none: SampleSources = { recentlyPurged: () => [], indexed: () => [] };
  const row = (kind: 'url' | 'pattern' | 'all', path: string, more: Record<string, unknown> = {}) => ({
    kind,
    path,
    event: `evt_${path}`,
    marker: null,
    queuedAt: 1,
    cover: null,
    ...more,
  });

  it('checks every path of a URL purge, with the event and marker it was queued with', () => {
    const call: AcceptedCall = { kind: 'url', paths: ['/a', '/b'], covered: [row('url', '/a', { marker: 'm' })] };
    expect(pagesToCheck(call, 5, none)).toEqual([
      { path: '/a', event: 'evt_/a', marker: 'm', queuedAt: 1 },
      { path: '/b', event: null, marker: null, queuedAt: null },
    ]);
  });

  it('samples a pattern: the URL paths it covered first, then recent purges and the tag index under it', () => {
    const sources: SampleSources = {
      recentlyPurged: (prefix) => (prefix === '/blog/' ? ['/blog/old', '/shop/x'] : []),
      indexed: () => ['/blog/tagged', '/blog/more'],
    };
    const call: AcceptedCall = {
      kind: 'pattern',
      paths: ['/blog/*'],
      covered: [row('pattern', '/blog/*'), row('url', '/blog/folded', { cover: '/blog/*' })],
    };
    expect(pagesToCheck(call, 3, sources).map((p) => [p.path, p.event])).toEqual([
      ['/blog/folded', 'evt_/blog/folded'],
      ['/blog/old', 'evt_/blog/*'],
      ['/blog/tagged', 'evt_/blog/*'],
    ]);
    expect(pagesToCheck(call, 0, sources)).toEqual([]);
  });

  it('samples a purge-all across the site, each page once', () => {
    const sources: SampleSources = { recentlyPurged: () => ['/', '/a'], indexed: () => ['/a', '/b'] };
    const call: AcceptedCall = { kind: 'all', paths: [''], covered: [row('all', '')] };
    expect(pagesToCheck(call, 10, sources).map((p) => p.path)).toEqual(['/', '/a', '/b']);
  });
});

describe('OriginPacer', () => {
  it('spaces starts at the rate, and does not save up unused time', () => {
    const pacer = new OriginPacer();
    expect([0, 0, 0].map(() => pacer.reserve(1_000, 4))).toEqual([1_000, 1_250, 1_500]);
    expect(pacer.reserve(10_000, 4)).toBe(10_000);
    expect(pacer.reserve(10_000, 4)).toBe(10_250);
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 95)).toBe(40);
  });
});

describe('renderMarker', () => {
  const event = {
    eventId: 'evt',
    source: 's',
    provider: 'contentful',
    action: 'publish',
    topic: 't',
    locales: [],
    fields: { updatedAt: '2026-12-08T09:30:00Z', title: 'Tom & Jerry', tags: ['a', 'b'], empty: '' },
    receivedAt: 0,
  } as ContentEvent;

  it('inserts values as they are, not percent-encoded', () => {
    expect(renderMarker('{fields.updatedAt}', event, {})).toBe('2026-12-08T09:30:00Z');
    expect(renderMarker('<h1>{fields.title}</h1>', event, {})).toBe('<h1>Tom & Jerry</h1>');
    expect(renderMarker('{+fields.tags}', event, {})).toBe('a,b');
  });

  it('gives no marker when a variable is blank, so the validator decides', () => {
    expect(renderMarker('v{fields.empty}', event, {})).toBeUndefined();
    expect(renderMarker('{fields.missing}', event, {})).toBeUndefined();
  });

  it('gives no marker from a header the platform does not sign', () => {
    expect(renderMarker('{action}', { ...event, unsigned: ['action'] }, {})).toBeUndefined();
  });
});

describe('the verify block of the config', () => {
  const parse = (d: Record<string, unknown>) => parseConfig({ distributions: { www: { id: 'x', ...d } } });
  const distribution = (d: Record<string, unknown>) => {
    const parsed = parse(d);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return parsed.config.distributions.www!;
  };

  it('is on when both base URLs are set, and off otherwise unless asked', () => {
    expect(verifyOn(distribution({}))).toBe(false);
    expect(verifyOn(distribution({ publicBaseUrl: 'https://www.example.com' }))).toBe(false);
    const both = { publicBaseUrl: 'https://www.example.com', verify: { originBaseUrl: 'https://origin.example.com' } };
    expect(verifyOn(distribution(both))).toBe(true);
    expect(verifyOn(distribution({ ...both, verify: { ...both.verify, enabled: false } }))).toBe(false);
  });

  it('has the documented defaults', () => {
    expect(distribution({}).verify).toEqual({
      validator: 'auto',
      delaysMs: [5_000, 30_000, 120_000, 600_000],
      maxRepurges: 2,
      sample: 5,
      perAlarm: 100,
      concurrency: 2,
      originRatePerSecond: 5,
      timeoutMs: 5_000,
    });
  });

  it('refuses enabled without the two base URLs, naming the field', () => {
    expect(parse({ verify: { enabled: true } })).toEqual({
      ok: false,
      issues: [
        { path: 'distributions.www.publicBaseUrl', message: 'verify.enabled needs publicBaseUrl (the site through the CDN)' },
        {
          path: 'distributions.www.verify.originBaseUrl',
          message: 'verify.enabled needs verify.originBaseUrl (the origin without the CDN)',
        },
      ],
    });
  });

  it('refuses a bad marker, a bad header, a relay setting as the secret and a delay list out of bounds', () => {
    const issues = (d: Record<string, unknown>) => {
      const parsed = parse({ verify: d });
      return parsed.ok ? [] : parsed.issues.map((i) => i.path);
    };
    expect(issues({ marker: '{fields.updatedAt' })).toEqual(['distributions.www.verify.marker']);
    expect(issues({ originHeader: { name: 'X Bad', secret: 'ORIGIN_KEY' } })).toEqual([
      'distributions.www.verify.originHeader.name',
    ]);
    expect(issues({ originHeader: { name: 'x-key', secret: 'ADMIN_TOKEN' } })).toEqual([
      'distributions.www.verify.originHeader.secret',
    ]);
    expect(issues({ delaysMs: [] })).toEqual(['distributions.www.verify.delaysMs']);
    expect(issues({ originBaseUrl: 'ftp://origin.example.com' })).toEqual(['distributions.www.verify.originBaseUrl']);
    expect(issues({ originRatePerSecond: 0 })).toEqual(['distributions.www.verify.originRatePerSecond']);
    expect(issues({ unknownKey: 1 })).toEqual(['distributions.www.verify']);
  });
});
