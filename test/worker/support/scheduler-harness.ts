// Drives one distribution's PurgeScheduler through its alarms against the Gotipath stand-in, and reads what it saw.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { schedulerFor } from '../../../src/purge/scheduler';
import type { EnqueueItem } from '../../../src/purge/queue-store';
import { parseConfig, type CallKind, type DistributionConfig } from '../../../src/rules/schema';

/** One call as the stand-in recorded it (see scripts/gotipath-standin/). */
export interface StandinCall {
  at: number;
  method: string;
  path: string;
  distributionId: string | null;
  kind: string | null;
  paths: string[];
  status: number;
  error?: string;
}

/** The stand-in's rate window in tests (test/setup/global-setup.ts). */
export const STANDIN_WINDOW_MS = 1_000;

/** A distribution for tests: the stand-in's 1 s window plus a margin, small URL calls, quick retries. */
export function testDistribution(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    coalesceMs: 0,
    limits: { windowMs: 1_100, url: { calls: 2, paths: 5 } },
    escalation: 'off',
    retry: { baseMs: 200, maxMs: 800, authProbeMs: 300 },
    warming: { delayMs: 0 },
    ...overrides,
  };
}

export function parseDistribution(raw: object): DistributionConfig {
  const parsed = parseConfig({ distributions: { d: raw } });
  if (!parsed.ok) throw new Error(`bad test distribution: ${JSON.stringify(parsed.issues)}`);
  return parsed.config.distributions.d!;
}

export const items = (kind: CallKind, paths: readonly string[], priority = 0): EnqueueItem[] =>
  paths.map((path) => ({ kind, path, priority }));
export const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A handle on one test distribution: enqueue, drive its alarms, read its status and the stand-in's calls. */
export function scheduler(name: string, raw: { id: string } & Record<string, unknown>) {
  const config = parseDistribution(raw);
  const stub = schedulerFor(env, config.id);
  const handle = {
    config,
    stub,
    enqueue: (eventId: string, list: EnqueueItem[]) => stub.enqueue({ name, config }, eventId, list),
    status: () => stub.status(config),
    pending: async () => Object.values((await stub.status(config)).pending).reduce((a, b) => a + b, 0),
    calls: async (): Promise<StandinCall[]> => {
      const all = await (await fetch(`${env.STANDIN_URL}/__standin/calls`)).json<StandinCall[]>();
      // By path: calls refused before routing (resets, outages, 401s) carry no distributionId.
      return all.filter(
        (c) => c.path === `/v1/distributions/${config.id}` || c.path.startsWith(`/v1/distributions/${config.id}/`),
      );
    },
    faults: async (faults: Record<string, unknown>) => {
      const response = await fetch(`${env.STANDIN_URL}/__standin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ distribution: config.id, ...faults }),
      });
      if (!response.ok) throw new Error(`stand-in refused faults: ${await response.text()}`);
    },
    clearFaults: () =>
      handle.faults({
        errorRate: null,
        errorStatus: null,
        resetRate: null,
        delayMs: null,
        outageUntil: null,
        unauthorized: null,
        rejectPaths: null,
        quotaUntil: null,
        notFound: null,
        purgeTypes: null,
        account: null,
      }),
    /** Runs the alarms as they come due until `done` holds. */
    async driveUntil(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!(await done())) {
        if (Date.now() > deadline)
          throw new Error(
            `scheduler ${config.id} did not settle within ${timeoutMs} ms: ${JSON.stringify(await handle.status())}`,
          );
        const at = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
        if (at !== null && at <= Date.now()) await runDurableObjectAlarm(stub);
        else await sleep(Math.min(at === null ? 50 : at - Date.now(), 50));
      }
    },
    drain: (timeoutMs?: number) => handle.driveUntil(async () => (await handle.pending()) === 0, timeoutMs),
  };
  return handle;
}

/** Calls the stand-in refused for its own rate limit (injected 429s say "injected"). */
export const violations = (calls: readonly StandinCall[]) =>
  calls.filter((c) => c.status === 429 && c.error?.startsWith('Too Many Requests')).length;

export const accepted = (calls: readonly StandinCall[], kind: string) => calls.filter((c) => c.status === 200 && c.kind === kind);

/** The most accepted calls of a kind in any stand-in window: what Gotipath would have counted. */
export function maxInAnyWindow(calls: readonly StandinCall[], kind: string): number {
  const times = accepted(calls, kind)
    .map((c) => c.at)
    .sort((a, b) => a - b);
  return times.reduce((best, t, i) => Math.max(best, times.slice(0, i + 1).filter((s) => s > t - STANDIN_WINDOW_MS).length), 0);
}

/** How often each path went out in an accepted call of a kind. */
export function sentCounts(calls: readonly StandinCall[], kind: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const path of accepted(calls, kind).flatMap((c) => c.paths)) counts.set(path, (counts.get(path) ?? 0) + 1);
  return counts;
}
