// Ledger rows of verification: `checked` with its evidence, `repurged`, `stuck`, and tables made before them.
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CheckEvidence } from '../../../src/purge/freshness/probe';
import { Ledger } from '../../../src/purge/ledger';
import { schedulerFor } from '../../../src/purge/scheduler';

const evidence: CheckEvidence = {
  reason: 'edge-differs',
  validator: 'etag',
  origin: { url: 'https://o.example.com/a', status: 200, etag: '"v2"' },
  edge: { url: 'https://www.example.com/a', status: 200, etag: '"v1"', age: 412, cacheStatus: 'HIT' },
};

describe('ledger', () => {
  it('adds the evidence column to a table made before verification, keeping its rows', async () => {
    await runInDurableObject(schedulerFor(env, 'ledger-old-table'), (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec(`DROP TABLE ledger`);
      sql.exec(`CREATE TABLE ledger (at INTEGER NOT NULL, event TEXT, rule TEXT, kind TEXT NOT NULL, path TEXT NOT NULL,
        step TEXT NOT NULL, batch INTEGER, status INTEGER, attempt INTEGER, detail TEXT)`);
      sql.exec(`INSERT INTO ledger (at, event, kind, path, step) VALUES (1, 'evt_old', 'url', '/a', 'queued')`);
      const ledger = new Ledger(sql);
      ledger.note({ at: 2, step: 'call', kind: 'url', path: '/a', status: 200 });
      ledger.note({ at: 3, step: 'checked', kind: 'url', path: '/a', detail: 'stale', evidence, event: 'evt_old' });
      // A second open finds the column there.
      new Ledger(sql);
      expect(ledger.journey('evt_old')[0]!.steps.map((s) => [s.step, s.detail ?? s.status])).toEqual([
        ['queued', undefined],
        ['call', 200],
        ['checked', 'stale'],
      ]);
      expect(ledger.journey('evt_old')[0]!.steps[2]!.evidence).toEqual(evidence);
    });
  });

  it('follows a path past its purge through its checks and a purge sent again, to the final verdict', async () => {
    await runInDurableObject(schedulerFor(env, 'ledger-journey'), (_instance, state) => {
      const ledger = new Ledger(state.storage.sql);
      const row = (at: number, step: Parameters<Ledger['note']>[0]['step'], more = {}) =>
        ledger.note({ at, step, kind: 'url', path: '/b', ...more });
      row(1, 'queued', { event: 'evt_b' });
      row(2, 'call', { status: 200 });
      row(3, 'checked', { detail: 'stale', evidence });
      row(4, 'repurged', { detail: 'still stale after the last check', event: 'evt_b' });
      row(5, 'call', { status: 200 });
      row(6, 'checked', { detail: 'fresh' });
      // Another event's journey, after this one settled.
      row(7, 'queued', { event: 'evt_c' });
      row(8, 'call', { status: 200 });
      expect(ledger.journey('evt_b')[0]!.steps.map((s) => `${s.step} ${s.detail ?? s.status ?? ''}`.trim())).toEqual([
        'queued',
        'call 200',
        'checked stale',
        'repurged still stale after the last check',
        'call 200',
        'checked fresh',
      ]);
      expect(ledger.journey('evt_c')[0]!.steps.map((s) => s.step)).toEqual(['queued', 'call']);
    });
  });

  it('ends a journey at its purge when no check follows', async () => {
    await runInDurableObject(schedulerFor(env, 'ledger-unchecked'), (_instance, state) => {
      const ledger = new Ledger(state.storage.sql);
      ledger.note({ at: 1, step: 'queued', kind: 'url', path: '/c', event: 'evt_1' });
      ledger.note({ at: 2, step: 'call', kind: 'url', path: '/c', status: 200 });
      ledger.note({ at: 3, step: 'call', kind: 'url', path: '/c', status: 200 });
      expect(ledger.journey('evt_1')[0]!.steps.map((s) => s.step)).toEqual(['queued', 'call']);
    });
  });
});
