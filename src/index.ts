// Worker entry: HTTP through the Hono app, cron through the scheduled jobs, plus the Durable Object classes.
// First: freeze the shared prototypes before any other module runs (defence in depth, SECURITY.md F2).
import './lib/harden';
import { app } from './app';
import { runSchedules } from './jobs/cron';

export { AccountLimiter } from './purge/account-limiter';
export { PurgeScheduler } from './purge/scheduler';
export { SourceState } from './sources/state';
export { AuthThrottle } from './lib/auth-throttle';
export { Notifier } from './notify/notifier';

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runSchedules(env, controller.cron, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
