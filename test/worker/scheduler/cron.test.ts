// Scheduled purges: cron expressions parsed as Cloudflare does, schedules run through the scheduler.
import { env } from 'cloudflare:workers';
import worker from '../../../src/index';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../src/lib/cron-expression';
import { schedulesFor } from '../../../src/jobs/cron';
import { schedulerFor } from '../../../src/purge/scheduler';
import { baseConfig, distributionConfig, putConfig } from '../support/helpers';

const at = (iso: string) => new Date(iso);

describe('parseCron', () => {
  it('matches steps, ranges, lists and names in UTC', () => {
    const every5 = parseCron('*/5 * * * *');
    expect(every5.matches(at('2026-11-23T10:05:00Z'))).toBe(true);
    expect(every5.matches(at('2026-11-23T10:07:00Z'))).toBe(false);
    const weekdays = parseCron('0 9-17/4 * * MON-FRI');
    expect(weekdays.matches(at('2026-11-23T13:00:00Z'))).toBe(true); // a Monday
    expect(weekdays.matches(at('2026-11-22T13:00:00Z'))).toBe(false); // a Sunday
    expect(parseCron('0 0 1,15 JAN *').matches(at('2027-01-15T00:00:00Z'))).toBe(true);
    expect(parseCron('0 0 * * 7').matches(at('2026-11-22T00:00:00Z'))).toBe(true); // 7 is Sunday too
  });

  it('treats day-of-month and day-of-week as either-or when both are restricted (POSIX)', () => {
    const cron = parseCron('0 0 13 * FRI');
    expect(cron.matches(at('2026-11-13T00:00:00Z'))).toBe(true);
    expect(cron.matches(at('2026-11-20T00:00:00Z'))).toBe(true);
    expect(cron.matches(at('2026-11-19T00:00:00Z'))).toBe(false);
  });

  it('rejects malformed expressions with a message naming the field', () => {
    expect(() => parseCron('* * * *')).toThrow('must have 5 fields');
    expect(() => parseCron('61 * * * *')).toThrow('cron minute "61" is not within 0-59');
    expect(() => parseCron('*/0 * * * *')).toThrow('step "0" must be a positive whole number');
    expect(() => parseCron('0 5-2 * * *')).toThrow('runs backwards');
  });
});

describe('scheduled()', () => {
  it('runs only the schedules whose expression fired, through the purge scheduler', async () => {
    const schedules = [
      { id: 'nightly', cron: '0 3 * * *', distribution: 'main', purge: ['/sitemap.xml', '/archive/{date}'] },
      { id: 'often', cron: '*/5 * * * *', distribution: 'main', purge: ['/live'] },
    ];
    const config = baseConfig({ distributions: { main: { id: 'dist-cron', coalesceMs: 60_000 } }, schedules });
    await putConfig(config);
    expect(schedulesFor(schedules as never, ' 0  3 * * * ').map((s) => s.id)).toEqual(['nightly']);

    const controller = createScheduledController({ scheduledTime: Date.parse('2026-11-23T03:00:00Z'), cron: '0 3 * * *' });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    const status = await schedulerFor(env, 'dist-cron').status(await distributionConfig(config));
    expect(status.pending).toMatchObject({ url: 2, pattern: 0, all: 0 });
  });
});
