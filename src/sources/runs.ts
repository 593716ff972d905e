// Manual and scheduled purges in the Deliveries log like any webhook: each kept in a log of its own (a SourceState
// named `(manual)` or `(schedule <id>)`, names no configured source can take), so the console lists them beside the
// webhooks with their event pages.
import { log } from '../lib/log';
import type { DeliveryEntry } from './recent-deliveries';
import { sourceStateFor } from './state';

export const MANUAL_LOG = '(manual)';
export const scheduleLog = (id: string) => `(schedule ${id})`;

/** The logs of purges that came from no webhook, for a config with these schedules. */
export const runLogs = (schedules: readonly { id: string }[]) => [MANUAL_LOG, ...schedules.map((s) => scheduleLog(s.id))];

/** Notes a manual or scheduled purge in its log; a failure to note it never fails the purge itself. */
export async function logRun(
  env: Env,
  name: string,
  run: { at: number; eventId: string; action: string; paths: number; durationMs: number },
): Promise<void> {
  const entry: DeliveryEntry = { ...run, source: name, status: 202, outcome: 'accepted' };
  await sourceStateFor(env, name)
    .logDelivery(entry)
    .catch((error: unknown) => log('warn', 'could not note a purge in the deliveries log', { log: name, error: String(error) }));
}
