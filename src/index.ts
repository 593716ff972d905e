// Worker entry: HTTP through the Hono app, cron through the scheduled jobs, plus the Durable Object classes.
import { app } from './app';
import { runSchedules } from './jobs/cron';

export { AccountLimiter } from './purge/account-limiter';
export { PurgeScheduler } from './purge/scheduler';
export { SourceState } from './sources/state';

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runSchedules(env, controller.cron, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
