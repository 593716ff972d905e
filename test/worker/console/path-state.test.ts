// Where a path of an event stands, from its ledger steps (the event page's Status, Sent and Live columns).
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../src/purge/ledger';
import { offset, pathStanding } from '../../../src/ui/path-state';

const step = (at: number, s: LedgerEntry['step'], extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  at,
  step: s,
  kind: 'url',
  path: '/p',
  ...extra,
});

describe('pathStanding', () => {
  it('is queued, then sent at its first accepted call, then live at its first fresh check', () => {
    expect(pathStanding([step(0, 'queued')], {})).toEqual({ state: 'queued' });
    const sent = [step(0, 'queued'), step(900, 'call', { status: 200, attempt: 1 })];
    expect(pathStanding(sent, {})).toEqual({ state: 'sent', sentAt: 900 });
    const checked = [...sent, step(6_000, 'checked', { detail: 'fresh' })];
    expect(pathStanding(checked, { liveAt: 6_000, verdict: 'fresh' })).toEqual({ state: 'live', sentAt: 900, liveAt: 6_000 });
    expect(pathStanding(checked, { liveAt: 6_000, verdict: 'gone' })).toMatchObject({ state: 'gone' });
  });

  it('says failed (retried) after a refused attempt, dead-lettered, dropped, stale and stuck', () => {
    expect(pathStanding([step(0, 'queued'), step(5, 'call', { status: 503, attempt: 2, detail: 'busy' })], {})).toEqual({
      state: 'failed',
      note: 'attempt 2: 503 busy; retried',
    });
    expect(pathStanding([step(0, 'queued'), step(5, 'dead', { status: 422, detail: 'bad path' })], {})).toEqual({
      state: 'dead-lettered',
      note: '422 bad path',
    });
    expect(pathStanding([step(0, 'queued'), step(5, 'dropped')], {}).state).toBe('dropped');
    const sent = [step(0, 'queued'), step(5, 'call', { status: 200 })];
    expect(pathStanding([...sent, step(9, 'checked', { detail: 'stale' })], {}).state).toBe('stale');
    expect(pathStanding([...sent, step(9, 'repurged')], {})).toMatchObject({ state: 'queued', sentAt: 5 });
    expect(pathStanding([...sent, step(9, 'stuck')], {})).toMatchObject({ state: 'stuck', sentAt: 5 });
  });

  it('counts a cover by a pattern or purge-all as sent, and names a fold', () => {
    expect(pathStanding([step(0, 'queued'), step(3, 'covered', { detail: '/blog/*' })], {})).toEqual({
      state: 'sent',
      sentAt: 3,
    });
    expect(pathStanding([step(0, 'queued'), step(2, 'folded', { detail: '/blog/*' })], {})).toEqual({
      state: 'queued',
      note: 'folded into /blog/*',
    });
  });
});

describe('offset', () => {
  it('writes times from the webhook as "+2.1 s", minutes past one', () => {
    expect(offset(12_100, 10_000)).toBe('+2.1 s');
    expect(offset(10_000, 10_000)).toBe('+0.0 s');
    expect(offset(10_000 + 125_000, 10_000)).toBe('+2 min 5 s');
    expect(offset(undefined, 10_000)).toBe('');
  });
});
