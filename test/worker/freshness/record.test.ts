// What a check's verdict does to the scheduler's tables: the ledger row, the next check, a re-purge queued once.
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CheckStore } from '../../../src/purge/freshness/checks';
import { OriginPacer } from '../../../src/purge/freshness/policy';
import type { PageCheck } from '../../../src/purge/freshness/probe';
import { record, runDueChecks, type VerifyRun } from '../../../src/purge/freshness/run';
import { QueueStore } from '../../../src/purge/queue-store';
import { schedulerFor } from '../../../src/purge/scheduler';
import { parseDistribution } from '../support/scheduler-harness';

const config = parseDistribution({
  id: 'record',
  publicBaseUrl: 'https://www.example.com',
  verify: { originBaseUrl: 'https://origin.example.com', delaysMs: [10, 20], maxRepurges: 1 },
});
const stale: PageCheck = { verdict: 'stale', evidence: { reason: 'edge-differs', validator: 'etag' } };

function setup(sql: SqlStorage, now: number) {
  const store = new QueueStore(sql);
  const checks = new CheckStore(sql);
  const run: VerifyRun = { store, checks, config, pacer: new OriginPacer(), originHeaders: {}, now: () => now };
  checks.schedule([{ path: '/a', event: 'evt_1', marker: 'v1', queuedAt: 1 }], 5, 15);
  const pending = () => checks.get('/a')!;
  return { store, checks, run, pending };
}

const queueRows = (sql: SqlStorage) =>
  sql
    .exec<{ kind: string; path: string; priority: number; event: string; marker: string | null }>(
      `SELECT kind, path, priority, event, marker FROM queue`,
    )
    .toArray();

describe('record', () => {
  it('checks a stale page again after the next delay, then purges it again with top priority and its marker', async () => {
    await runInDurableObject(schedulerFor(env, 'record-repurge'), (_instance, state) => {
      const sql = state.storage.sql;
      const { run, pending } = setup(sql, 100);
      record(run, pending(), stale);
      expect(pending()).toMatchObject({ state: 'due', attempt: 1, due: 120, repurges: 0 });
      record(run, pending(), stale);
      expect(pending()).toMatchObject({ state: 'repurging', repurges: 1, due: null });
      expect(queueRows(sql)).toEqual([{ kind: 'url', path: '/a', priority: 0, event: 'evt_1', marker: 'v1' }]);
      const steps = sql.exec<{ step: string; detail: string }>(`SELECT step, detail FROM ledger ORDER BY rowid`).toArray();
      expect(steps.map((s) => `${s.step} ${s.detail}`)).toEqual([
        'checked stale',
        'checked stale',
        'repurged stale after 2 checks',
      ]);
    });
  });

  it('leaves a page a newer event queued meanwhile as it is: that purge is the re-purge', async () => {
    await runInDurableObject(schedulerFor(env, 'record-queued'), (_instance, state) => {
      const sql = state.storage.sql;
      const { store, checks, run } = setup(sql, 100);
      store.enqueue([{ kind: 'url', path: '/a', priority: 2, marker: 'v2' }], 'evt_2', 90);
      checks.again('/a', 1, 100);
      record(run, checks.get('/a')!, stale);
      expect(queueRows(sql)).toEqual([{ kind: 'url', path: '/a', priority: 2, event: 'evt_2', marker: 'v2' }]);
      expect(checks.get('/a')).toMatchObject({ state: 'repurging', repurges: 1 });
      // Once that purge is accepted, the page is checked again with the newer event, keeping its re-purge count.
      checks.schedule([{ path: '/a', event: 'evt_2', marker: 'v2', queuedAt: 90 }], 200, 210);
      expect(checks.get('/a')).toMatchObject({ state: 'due', attempt: 0, repurges: 1, event: 'evt_2', marker: 'v2' });
    });
  });

  it('gives up as stuck after the last re-purge, and forgets the check', async () => {
    await runInDurableObject(schedulerFor(env, 'record-stuck'), (_instance, state) => {
      const sql = state.storage.sql;
      const { checks, run } = setup(sql, 100);
      checks.repurging('/a', 1);
      checks.schedule([{ path: '/a', event: 'evt_1', marker: 'v1', queuedAt: 1 }], 50, 60);
      checks.again('/a', 1, 100);
      record(run, checks.get('/a')!, stale);
      expect(checks.get('/a')).toBeUndefined();
      expect(queueRows(sql)).toEqual([]);
      const last = sql
        .exec<{ step: string; detail: string }>(`SELECT step, detail FROM ledger ORDER BY rowid DESC LIMIT 1`)
        .one();
      expect(last).toEqual({ step: 'stuck', detail: 'still stale after 1 re-purge' });
    });
  });

  it('ends at fresh: the check is forgotten, the ledger keeps the verdict and its evidence', async () => {
    await runInDurableObject(schedulerFor(env, 'record-fresh'), (_instance, state) => {
      const sql = state.storage.sql;
      const { checks, run, pending } = setup(sql, 100);
      const fresh: PageCheck = { verdict: 'fresh', evidence: { reason: 'edge-matches-origin', validator: 'etag' } };
      record(run, pending(), fresh);
      expect(checks.get('/a')).toBeUndefined();
      const row = sql
        .exec<{ detail: string; evidence: string; event: string }>(`SELECT detail, evidence, event FROM ledger`)
        .one();
      expect({ ...row, evidence: JSON.parse(row.evidence) }).toEqual({
        detail: 'fresh',
        evidence: fresh.evidence,
        event: 'evt_1',
      });
    });
  });
});

describe('runDueChecks', () => {
  const page = async () => new Response('same page', { headers: { etag: '"v1"' } });

  it('starts no check after the deadline (the next send), but always the first', async () => {
    await runInDurableObject(schedulerFor(env, 'record-deadline'), async (_instance, state) => {
      const sql = state.storage.sql;
      const store = new QueueStore(sql);
      const checks = new CheckStore(sql);
      const pages = ['/1', '/2', '/3', '/4'].map((path) => ({ path, event: 'evt', marker: null, queuedAt: 1 }));
      checks.schedule(pages, 0, 0);
      const run: VerifyRun = { store, checks, config, pacer: new OriginPacer(), originHeaders: {}, now: Date.now, fetch: page };
      expect(await runDueChecks(run, Date.now() - 1)).toEqual({ checked: 1, repurged: 0 });
      expect(checks.pending().due).toBe(3);
      expect(await runDueChecks(run)).toEqual({ checked: 3, repurged: 0 });
      expect(checks.pending().due).toBe(0);
    });
  });

  it('runs at most perAlarm checks, at most concurrency at once', async () => {
    await runInDurableObject(schedulerFor(env, 'record-bounds'), async (_instance, state) => {
      const sql = state.storage.sql;
      const bounded = parseDistribution({
        id: 'record-bounds',
        publicBaseUrl: 'https://www.example.com',
        verify: { originBaseUrl: 'https://origin.example.com', perAlarm: 5, concurrency: 2, originRatePerSecond: 100 },
      });
      const checks = new CheckStore(sql);
      checks.schedule(
        Array.from({ length: 8 }, (_, i) => ({ path: `/p${i}`, event: 'evt', marker: null, queuedAt: 1 })),
        0,
        0,
      );
      let inFlight = 0;
      let most = 0;
      const slow = async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight--;
        return page();
      };
      const run: VerifyRun = {
        store: new QueueStore(sql),
        checks,
        config: bounded,
        pacer: new OriginPacer(),
        originHeaders: {},
        now: Date.now,
        fetch: slow,
      };
      expect(await runDueChecks(run)).toEqual({ checked: 5, repurged: 0 });
      // Each check is two requests at once (origin and edge): two checks in flight are four requests.
      expect(most).toBe(4);
      expect(checks.pending().due).toBe(3);
    });
  });
});
