// Scheduled purges: runs the config's schedules whose cron expression is the trigger that fired.
import { addPurgeAll, collectWork, enqueueWork, type PurgeWork } from '../purge/enqueue';
import type { ScheduleConfig } from '../rules/schema';
import { loadConfig } from '../rules/store';
import { compileTemplate } from '../rules/template';
import { log } from '../lib/log';
import { normalizeCron } from '../lib/cron-expression';
import { logRun, scheduleLog } from '../sources/runs';
import { startCrawls } from './crawl';

/** The schedules a trigger runs: those whose expression equals it, spacing aside. */
export function schedulesFor(schedules: readonly ScheduleConfig[], cron: string): ScheduleConfig[] {
  const fired = normalizeCron(cron);
  return schedules.filter((s) => normalizeCron(s.cron) === fired);
}

/** A schedule's paths: its templates take `{date}` (YYYY-MM-DD) and `{time}` (ISO) of the run. */
export function scheduleWork(schedule: ScheduleConfig, scheduledTime: number): PurgeWork[] {
  const iso = new Date(scheduledTime).toISOString();
  const vars: Record<string, string> = { date: iso.slice(0, 10), time: iso };
  const expand = (list: string[]) => list.map((t) => compileTemplate(t).expand((name) => vars[name]));
  const work = collectWork([
    {
      ruleId: schedule.id,
      distribution: schedule.distribution,
      purge: expand(schedule.purge),
      prefetch: expand(schedule.prefetch),
      skipped: [],
    },
  ]);
  if (schedule.purgeAll) addPurgeAll(work, schedule.distribution);
  // The ledger names the schedule as the rule behind each path.
  for (const item of work.flatMap((w) => w.items)) item.ruleId = `schedule:${schedule.id}`;
  return work;
}

export async function runSchedules(env: Env, cron: string, scheduledTime: number): Promise<number> {
  const loaded = await loadConfig(env.CONFIG);
  const due = schedulesFor(loaded?.config.schedules ?? [], cron);
  for (const schedule of due) {
    const eventId = `cron_${schedule.id}_${scheduledTime}`;
    const work = scheduleWork(schedule, scheduledTime);
    const startedAt = Date.now();
    await enqueueWork(env, loaded!.config, work, eventId);
    const paths = work.reduce((n, w) => n + w.items.length, 0);
    await logRun(env, scheduleLog(schedule.id), {
      at: startedAt,
      eventId,
      action: 'schedule',
      paths,
      durationMs: Date.now() - startedAt,
    });
    log('info', 'schedule ran', { schedule: schedule.id, cron, eventId, items: work.reduce((n, w) => n + w.items.length, 0) });
  }
  if (loaded) await startCrawls(env, loaded.config, cron);
  return due.length;
}
