// Records every webhook of a configured source (accepted, duplicate or refused) in its SourceState's recent
// deliveries, and logs one line for a refused one (accepted ones log their own). An accepted one's entry
// travels with the pipeline's last call to the SourceState (`settle`), so it costs no round trip of its own.
import { RelayError } from '../errors';
import { log } from '../lib/log';
import type { ContentEvent } from '../providers/types';
import { loadConfig } from '../rules/store';
import type { Settings } from '../settings';
import type { DeliveryEntry } from '../sources/deliveries-log';
import { sourceStateFor } from '../sources/state';
import type { Receipt } from './receive';

/** What the pipeline tells the wrapper as it goes. */
export interface DeliveryJournal {
  /** The event, once known, so the entry can say what it was. */
  note(event: ContentEvent): void;
  /** The accepted delivery's entry; the pipeline stores it itself, so the wrapper does not. */
  accepted(receipt: Receipt): DeliveryEntry;
}
type Receive = (env: Env, settings: Settings, request: Request, sourceId: string, journal: DeliveryJournal) => Promise<Receipt>;

async function record(env: Env, entry: DeliveryEntry): Promise<void> {
  // Only sources in the config get a log: a made-up source id must not create a Durable Object.
  const loaded = await loadConfig(env.CONFIG).catch(() => undefined);
  if (!loaded?.config.sources[entry.source]) return;
  await sourceStateFor(env, entry.source)
    .logDelivery(entry)
    .catch((error) =>
      log('warn', 'could not record a delivery in the recent deliveries', { source: entry.source, error: String(error) }),
    );
}

function describe(event: ContentEvent | undefined): Partial<DeliveryEntry> {
  if (!event) return {};
  const { provider, action, topic, contentType, documentId, deliveryId } = event;
  return { provider, action, topic, contentType, documentId, deliveryId };
}

/** Wraps the webhook pipeline so that each delivery is recorded, whatever its outcome. */
export function withDeliveryLog(receive: Receive) {
  return async (env: Env, settings: Settings, request: Request, sourceId: string): Promise<Receipt> => {
    const startedAt = Date.now();
    let event: ContentEvent | undefined;
    let stored = false;
    const base = () => ({ at: startedAt, source: sourceId, durationMs: Date.now() - startedAt, ...describe(event) });
    const entry = (receipt: Receipt): DeliveryEntry => ({
      ...base(),
      status: receipt.duplicate ? 200 : 202,
      outcome: receipt.duplicate ? 'duplicate' : 'accepted',
      eventId: receipt.eventId,
      paths: receipt.paths,
    });
    const journal: DeliveryJournal = {
      note: (e) => (event = e),
      accepted: (receipt) => ((stored = true), entry(receipt)),
    };
    try {
      const receipt = await receive(env, settings, request, sourceId, journal);
      if (!stored) await record(env, entry(receipt));
      return receipt;
    } catch (error) {
      const status = error instanceof RelayError ? error.status : 500;
      const message = error instanceof RelayError ? error.message : 'internal error';
      const entry: DeliveryEntry = { ...base(), status, outcome: status >= 500 ? 'failed' : 'rejected', message };
      // 5xx are logged by the app's error handler; a refusal is logged here, once.
      if (status < 500)
        log('warn', 'webhook rejected', { source: sourceId, status, error: message, deliveryId: entry.deliveryId });
      await record(env, entry);
      throw error;
    }
  };
}
