// How the rest of the relay talks to the Notifier: one RPC, handed to waitUntil, never awaited by the caller, so a
// slow or failing Notifier (or destination) never delays a webhook's answer or a purge.
import { waitUntil } from 'cloudflare:workers';
import { log } from '../lib/log';
import type { ChangeNote } from './change';
import type { NotifyEvent } from './events';

/** The one Notifier of the relay. */
export function notifierStub(env: Env) {
  return env.NOTIFIER.get(env.NOTIFIER.idFromName('notifier'));
}

const background = (what: string, work: () => Promise<unknown>) => {
  const promise = (async () => work())().catch((error: unknown) => log('warn', `could not ${what}`, { error: String(error) }));
  waitUntil(promise);
};

/** Fire-and-forget handles: `notifyFor(env).post(events)`. */
export function notifyFor(env: Env) {
  return {
    post(events: NotifyEvent[]): void {
      if (events.length > 0) background('hand events to the notifier', () => notifierStub(env).post(events));
    },
    note(change: ChangeNote, origin?: string): void {
      background('note a change for the notifier', () => notifierStub(env).note(change, origin));
    },
  };
}
