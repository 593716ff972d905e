// What the doctor asks of a distribution's scheduler: Get Distribution (credentials and id), and on request one real
// URL purge with the configured `type`. Both take a slot of the account's limit; the purge also a URL call of the
// distribution's window, recorded in its call log like any other, so the limits stay exact.
import type { RelayConfig } from '../rules/schema';
import type { CallGate } from './account-limiter';
import type { CallOutcome, GotipathClient } from './gotipath';
import type { SchedulerState } from './outcome';
import { windowState } from './planner';
import type { QueueStore } from './queue-store';
import { inSlot } from './send';

/** An answer, or why the call was not made. */
export type Attempt = { outcome: CallOutcome } | { skipped: string };

export interface Diagnosis {
  distribution: Attempt;
  probe?: Attempt & { path: string; type: string };
  health: SchedulerState['health'];
  hold?: SchedulerState['hold'];
  lastError?: SchedulerState['lastError'];
  deadLetters: number;
}

export interface DiagnoseOptions {
  store: QueueStore;
  state: SchedulerState;
  client: GotipathClient;
  gate: CallGate;
  distributionId: string;
  config: RelayConfig['distributions'][string];
  api: RelayConfig['gotipath'];
  probePath?: string;
}

const NO_SLOT = 'the account’s general limit had no free slot; run doctor again';

async function probePurge(o: DiagnoseOptions, path: string): Promise<Attempt> {
  const now = Date.now();
  const url = windowState(o.store.callLog.since(now - o.config.limits.windowMs), 'url', o.config.limits, now);
  if (url.available === 0 || (o.state.blockedUntil.url ?? 0) > now) {
    const at = Math.max(url.nextSlotAt, o.state.blockedUntil.url ?? 0);
    return { skipped: `no URL purge left in this window: try again in ${Math.ceil((at - now) / 1000)} s` };
  }
  const made = await inSlot(o.gate, () => o.client.purge(o.distributionId, 'url', [path]));
  if (!made) return { skipped: NO_SLOT };
  o.store.callLog.record('url', made.value.status, 1, Date.now());
  return { outcome: made.value };
}

export async function diagnose(o: DiagnoseOptions): Promise<Diagnosis> {
  const got = await inSlot(o.gate, () => o.client.getDistribution(o.distributionId));
  const distribution: Attempt = got ? { outcome: got.value } : { skipped: NO_SLOT };
  const found = got?.value.ok === true;
  const probe =
    o.probePath === undefined
      ? undefined
      : {
          path: o.probePath,
          type: o.api.purgeTypes.url,
          ...(found ? await probePurge(o, o.probePath) : { skipped: 'Get Distribution failed, so no purge was tried' }),
        };
  const { health, hold, lastError } = o.state;
  return { distribution, probe, health, hold, lastError, deadLetters: o.store.deadLetters().length };
}
