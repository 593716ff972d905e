// Admin: one path's story and "why is this URL stale?" — GET /admin/paths (every event that produced it, each
// call and attempt, verifications with evidence, escalations that covered it, its tags, a verdict from what is
// recorded) and POST /admin/paths/check (checks origin and edge now, then the verdict in plain words).
import { Hono } from '../lib/hono';
import { badRequest } from '../errors';
import type { HistoryRow, PathReport } from '../purge/path-report';
import { nearestRules, producersOf } from '../rules/path-shape';
import type { LoadedConfig } from '../rules/store';
import type { DeliveryEntry } from '../sources/recent-deliveries';
import { sourceStateFor } from '../sources/state';
import { explain, type CheckFacts } from './explain-path';
import { PathCheckBody, readJson } from './bodies';
import { requireConfig, requireDistribution } from './lookup';
import { chooseDistribution, pathOf } from './path-input';

/** Deliveries read per source to name the source of each event. */
const DELIVERIES_READ = 500;

type Report = PathReport & { tags: { tag: string; seenAt: number }[] };

/** The distribution and path a request names (404 for an unknown distribution, 400 for a bad path). */
async function locate(env: Env, input: string | undefined, name: string | undefined) {
  if (input === undefined) throw badRequest('give ?path=/some/page (or a full URL of the site)');
  const loaded = await requireConfig(env);
  const distribution = chooseDistribution(loaded.config, name, input.trim());
  const found = await requireDistribution(env, distribution);
  return { ...found, path: pathOf(input, found.config.publicBaseUrl) };
}

/** Each event that queued the path, with its source (from the recent deliveries) or what asked for it. */
async function eventsOf(env: Env, loaded: LoadedConfig, history: readonly HistoryRow[]) {
  const queued = history.filter((r) => r.step === 'queued' && r.event);
  if (queued.length === 0) return [];
  const lists = await Promise.all(
    Object.keys(loaded.config.sources).map((s) =>
      sourceStateFor(env, s)
        .recentDeliveries(DELIVERIES_READ)
        .catch(() => [] as DeliveryEntry[]),
    ),
  );
  const sourceOf = new Map(lists.flat().flatMap((d) => (d.eventId ? [[d.eventId, d.source] as const] : [])));
  const origin = (r: HistoryRow) =>
    sourceOf.get(r.event!) ??
    (r.rule === 'manual'
      ? 'manual purge'
      : r.rule?.startsWith('schedule:')
        ? 'schedule'
        : r.rule === 'escalation'
          ? 'escalation'
          : undefined);
  return queued.map((r) => ({
    event: r.event!,
    queuedAt: r.at,
    kind: r.kind,
    ...(origin(r) && { source: origin(r) }),
    ...(r.rule && { rule: r.rule }),
    ...(r.detail && { detail: r.detail }),
  }));
}

/** The last check the ledger recorded for the path. */
function lastCheck(history: readonly HistoryRow[]): CheckFacts | undefined {
  const row = history.filter((r) => r.step === 'checked').at(-1);
  if (!row || !row.detail) return undefined;
  const evidence = (row.evidence ?? { reason: 'not-comparable' }) as CheckFacts['evidence'];
  return { verdict: row.detail as CheckFacts['verdict'], evidence, at: row.at };
}

/** Everything about a path and the verdict it gives, with `check` (made now) or the last one recorded. */
async function story(env: Env, found: Awaited<ReturnType<typeof locate>>, check?: CheckFacts) {
  const { loaded, name, config, scheduler, path } = found;
  const report = (await scheduler.pathReport(config, path)) as Report;
  const tags = report.tags.map((t) => t.tag);
  const producers = producersOf(loaded.config, name, path, tags);
  const nearest = producers.length > 0 ? [] : nearestRules(loaded.config, name, path);
  const facts = { path, report, producers, nearest, check: check ?? lastCheck(report.history), now: Date.now() };
  const verdict = explain(facts);
  const iso = (at: number | undefined) => (at === undefined ? undefined : new Date(at).toISOString());
  return {
    distribution: name,
    path,
    verdict: { ...verdict, since: iso(verdict.since) },
    ...(check && { check }),
    events: await eventsOf(env, loaded, report.history),
    history: report.history,
    ...(report.queued && { queued: report.queued }),
    ...(report.deadLetter && { deadLetter: report.deadLetter }),
    ...(report.originWait && { originWait: report.originWait }),
    ...(report.hold && { hold: report.hold }),
    tags: report.tags.map((t) => ({ tag: t.tag, lastSeen: iso(t.seenAt) })),
    producers,
    ...(nearest.length > 0 && { nearest }),
  };
}

export const pathRoutes = new Hono<{ Bindings: Env }>()
  .get('/paths', async (c) => {
    const found = await locate(c.env, c.req.query('path'), c.req.query('distribution'));
    return c.json(await story(c.env, found));
  })
  .post('/paths/check', async (c) => {
    const input = await readJson(c.req.raw, PathCheckBody);
    const found = await locate(c.env, input.path, input.distribution);
    // One check of origin and edge now, within the distribution's per-origin rate (purge/freshness/verifier.ts).
    const checked = await found.scheduler.checkNow(found.config, found.path);
    return c.json(await story(c.env, found, { ...checked, at: Date.now() }));
  });
