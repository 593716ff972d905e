// The webhook pipeline, in a fixed order: source → body (size-limited) → verify → parse → rules →
// redelivery check + remembered paths (one SourceState call) → store → remember + record (one more).
import { RelayError, notFound, unavailable } from '../errors';
import { log } from '../lib/log';
import { verifiedEvent } from '../providers/event';
import { getProvider } from '../providers/registry';
import { collectWork, countPaths, enqueueWork } from '../purge/enqueue';
import { matchEvent, type MatchResult, type MemoryItem } from '../rules/matcher';
import { loadConfig, type LoadedConfig } from '../rules/store';
import type { DocumentKey } from '../sources/memory';
import { planMemory, rememberedWork } from '../sources/memory-plan';
import type { PriorDelivery } from '../sources/deliveries';
import type { DeliveryEntry } from '../sources/deliveries-log';
import { sourceStateFor, type Settled, type Settlement } from '../sources/state';
import { readBodyLimited } from './body';
import { withDeliveryLog, type DeliveryJournal } from './record-delivery';
import type { Settings } from '../settings';
import type { ContentEvent } from '../providers/types';

export interface Receipt {
  eventId: string;
  paths: number;
  /** Cache tags queued (expanded to paths at send time); absent when none. */
  tags?: number;
  /** True when this delivery id was handled before: nothing was queued again. */
  duplicate?: true;
}

export async function loadConfigOr503(kv: KVNamespace): Promise<LoadedConfig | undefined> {
  try {
    return await loadConfig(kv);
  } catch (cause) {
    if (cause instanceof RelayError) throw cause;
    throw unavailable('could not read the relay config; retry later', cause);
  }
}

/** The paths remembered for a document; a failure to read them is a 503 so the platform retries. */
export async function recallOr503(env: Env, sourceId: string, key: DocumentKey): Promise<MemoryItem[]> {
  try {
    return await sourceStateFor(env, sourceId).recallPaths(key);
  } catch (cause) {
    throw unavailable('could not read the remembered paths; retry later', cause);
  }
}

type SourceStateStub = ReturnType<typeof sourceStateFor>;

/** How `queueEvent` treats the delivery around the event. */
export interface QueueOptions {
  /** Set when the source de-duplicates: the delivery id and how long to answer its redeliveries. */
  dedupe?: { deliveryId: string; keepMs: number };
  /** The accepted delivery's Deliveries-page entry, stored with the memory in the same call. */
  entry?: (receipt: Receipt) => DeliveryEntry;
}

export type Queued = { prior: PriorDelivery } | { receipt: Receipt; result: MatchResult; remembered: MemoryItem[] };

/** One call before anything is queued: a redelivery's first receipt, or the remembered paths (503 on failure). */
async function admitOr503(state: SourceStateStub, deliveryId: string | undefined, key: DocumentKey | undefined) {
  try {
    return await state.admit(deliveryId, key);
  } catch (cause) {
    const what = deliveryId === undefined ? 'read the remembered paths' : 'check for a redelivery';
    throw unavailable(`could not ${what}; retry later`, cause);
  }
}

/**
 * Matches the event and, in one call to its SourceState, checks for a redelivery and recalls the paths
 * remembered for its document; stores them all in the schedulers; and only then, in one more call,
 * updates the memory, records the delivery id and adds the Deliveries entry. A failed attempt leaves
 * the old paths for its retry and no delivery id, so the retry is not taken for a duplicate.
 */
export async function queueEvent(
  env: Env,
  loaded: LoadedConfig,
  event: ContentEvent,
  options: QueueOptions = {},
): Promise<Queued> {
  const { dedupe, entry } = options;
  const result = matchEvent(loaded, event);
  const plan = planMemory(event, result);
  const state = sourceStateFor(env, event.source);
  const admission = dedupe || plan ? await admitOr503(state, dedupe?.deliveryId, plan?.key) : { remembered: [] };
  if ('prior' in admission) return { prior: admission.prior };
  const { remembered } = admission;
  const work = collectWork([...result.matches, ...rememberedWork(remembered, loaded.config)]);
  await enqueueWork(env, loaded.config, work, event.eventId);
  const tags = work.reduce((n, w) => n + (w.tags?.length ?? 0), 0);
  const receipt: Receipt = { eventId: event.eventId, paths: countPaths(work), ...(tags > 0 && { tags }) };
  // Nothing to forget when nothing was remembered.
  const memory = plan && plan.store !== undefined && (plan.store !== null || remembered.length > 0);
  const settlement: Settlement | undefined = (memory || dedupe || entry) && {
    ...(memory && { memory: { key: plan.key, items: plan.store ?? null } }),
    ...(dedupe && { delivery: { id: dedupe.deliveryId, receipt, keepMs: dedupe.keepMs } }),
    entry: entry?.(receipt),
  };
  if (settlement) await settleOr503(state, event.source, settlement);
  return { receipt, result, remembered };
}

/** The call after the paths are queued: a 503 when the memory had to change, else its misses are logged. */
async function settleOr503(state: SourceStateStub, source: string, settlement: Settlement): Promise<void> {
  let settled: Settled = { recorded: false, logged: false };
  let error: string | undefined;
  try {
    settled = await state.settle(settlement);
  } catch (cause) {
    if (settlement.memory) throw unavailable('the paths are queued but could not be remembered; retry later', cause);
    error = String(cause);
  }
  const { delivery, entry } = settlement;
  if (delivery && !settled.recorded) {
    log('warn', 'could not record a delivery id; a redelivery would be queued again', { source, deliveryId: delivery.id, error });
  }
  if (entry && !settled.logged) log('warn', 'could not record a delivery in the recent deliveries', { source, error });
}

export const receiveWebhook = withDeliveryLog(receiveAndQueue);

async function receiveAndQueue(
  env: Env,
  settings: Settings,
  request: Request,
  sourceId: string,
  journal: DeliveryJournal,
): Promise<Receipt> {
  const loaded = await loadConfigOr503(env.CONFIG);
  const source = loaded?.config.sources[sourceId];
  const provider = source && getProvider(source.provider);
  if (!loaded || !source || !provider) {
    throw notFound(loaded ? `unknown source "${sourceId}"` : `unknown source "${sourceId}": no config has been saved yet`);
  }
  const webhook = {
    method: request.method,
    url: new URL(request.url),
    headers: request.headers,
    body: await readBodyLimited(request, settings.MAX_BODY_BYTES),
  };
  const event = await verifiedEvent(env, provider, sourceId, source, webhook);
  journal.note(event);
  const deliveryId = source.dedupeSeconds > 0 ? event.deliveryId : undefined;
  const dedupe = deliveryId === undefined ? undefined : { deliveryId, keepMs: source.dedupeSeconds * 1000 };
  const queued = await queueEvent(env, loaded, event, { dedupe, entry: journal.accepted });
  if ('prior' in queued) {
    log('info', 'webhook redelivered', { source: sourceId, deliveryId, eventId: queued.prior.eventId });
    return { ...queued.prior, duplicate: true };
  }
  const { receipt, result, remembered } = queued;
  log('info', 'webhook accepted', {
    ...receipt,
    source: sourceId,
    provider: provider.name,
    action: event.action,
    contentType: event.contentType,
    documentId: event.documentId,
    deliveryId: event.deliveryId,
    rules: result.matches.map((m) => m.ruleId),
    remembered: remembered.length,
  });
  return receipt;
}
