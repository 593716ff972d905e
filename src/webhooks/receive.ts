// The webhook pipeline, in one fixed order: source → body (size-limited) → verify → parse → rules →
// redelivery check + remembered paths (one SourceState call) → plan → store in the schedulers →
// remember + record the delivery (one more SourceState call). Every delivery of a configured source
// lands on its Deliveries page, whatever its outcome.
import { notFound, unavailable } from '../errors';
import { readBodyLimited } from '../lib/body';
import { log, newId } from '../lib/log';
import { verifiedEvent } from '../providers/event';
import { getProvider } from '../providers/registry';
import type { ContentEvent, Handshake } from '../providers/types';
import { enqueueWork } from '../purge/enqueue';
import { memoryKey, planEvent } from '../purge/event-plan';
import { matchEvent } from '../rules/matcher';
import { loadConfigOr503, type LoadedConfig } from '../rules/store';
import type { Settings } from '../settings';
import type { DocumentKey } from '../sources/memory';
import type { DeliveryEntry } from '../sources/recent-deliveries';
import { sourceStateFor, type Settlement } from '../sources/state';
import { answeredEntry, handshakeEntry, refusedEntry, type Receipt } from './delivery-entry';

export type { Receipt } from './delivery-entry';

type SourceStateStub = ReturnType<typeof sourceStateFor>;

/** Verifies, plans and queues one webhook; resolves only once its paths are durably stored. */
export async function receiveWebhook(env: Env, settings: Settings, request: Request, sourceId: string): Promise<Receipt> {
  const startedAt = Date.now();
  const loaded = await loadConfigOr503(env.CONFIG);
  const source = loaded?.config.sources[sourceId];
  const provider = source && getProvider(source.provider);
  // A made-up source id is answered without a record: it must not create a Durable Object.
  if (!loaded || !source || !provider) {
    throw notFound(loaded ? `unknown source "${sourceId}"` : `unknown source "${sourceId}": no config has been saved yet`);
  }
  let event: ContentEvent | undefined;
  try {
    const body = await readBodyLimited(request, settings.MAX_BODY_BYTES);
    const webhook = { method: request.method, url: new URL(request.url), headers: request.headers, body };
    const verified = await verifiedEvent(env, provider, sourceId, source, webhook);
    if ('handshake' in verified) return await answerHandshake(env, sourceId, provider.name, verified.handshake, startedAt);
    event = verified;
    return await queueEvent(env, loaded, event, startedAt);
  } catch (error) {
    const entry = refusedEntry(sourceId, startedAt, event, error);
    // 5xx are logged by the app's error handler; a refusal is logged here, once.
    if (entry.status < 500)
      log('warn', 'webhook rejected', {
        source: sourceId,
        status: entry.status,
        error: entry.message,
        deliveryId: entry.deliveryId,
      });
    await logDelivery(sourceStateFor(env, sourceId), entry);
    throw error;
  }
}

/**
 * Queues a verified event. Matches it and, in one call to its SourceState, checks for a redelivery and recalls the paths
 * remembered for its document; stores the plan's work in the schedulers; and only then, in one more call,
 * updates the memory, records the delivery id and adds the Deliveries entry. A failed attempt leaves the
 * old paths for its retry and no delivery id, so the retry is not taken for a duplicate.
 */
export async function queueEvent(env: Env, loaded: LoadedConfig, event: ContentEvent, startedAt: number): Promise<Receipt> {
  const source = loaded.config.sources[event.source]!;
  const state = sourceStateFor(env, event.source);
  const deliveryId = source.dedupeSeconds > 0 ? event.deliveryId : undefined;
  const result = matchEvent(loaded, event);
  const key = memoryKey(event, result);
  const admission = deliveryId !== undefined || key ? await admitOr503(state, deliveryId, key) : { remembered: [] };
  if ('prior' in admission) {
    const receipt: Receipt = { ...admission.prior, duplicate: true };
    log('info', 'webhook redelivered', { source: event.source, deliveryId, eventId: receipt.eventId });
    await logDelivery(state, answeredEntry(event, startedAt, receipt));
    return receipt;
  }
  const plan = planEvent(loaded.config, event, result, admission.remembered);
  await enqueueWork(env, loaded.config, plan.work, event.eventId);
  const receipt: Receipt = { eventId: event.eventId, paths: plan.paths, ...(plan.tags > 0 && { tags: plan.tags }) };
  // Nothing to forget when nothing was remembered.
  const memory = plan.memory && (plan.memory.items !== null || admission.remembered.length > 0);
  await settleOr503(state, event.source, {
    ...(memory && { memory: plan.memory }),
    ...(deliveryId !== undefined && { delivery: { id: deliveryId, receipt, keepMs: source.dedupeSeconds * 1000 } }),
    entry: answeredEntry(event, startedAt, receipt),
  });
  log('info', 'webhook accepted', {
    ...receipt,
    source: event.source,
    provider: event.provider,
    action: event.action,
    contentType: event.contentType,
    documentId: event.documentId,
    deliveryId: event.deliveryId,
    rules: result.matches.map((m) => m.ruleId),
    remembered: admission.remembered.length,
  });
  return receipt;
}

/** A platform's verified control message (SNS subscription confirmation): answered 200, shown on the Deliveries page. */
async function answerHandshake(
  env: Env,
  source: string,
  provider: string,
  handshake: Handshake,
  startedAt: number,
): Promise<Receipt> {
  const receipt: Receipt = { eventId: newId('evt'), paths: 0, handshake: handshake.message };
  log('info', 'webhook handshake', {
    source,
    provider,
    topic: handshake.topic,
    result: handshake.message,
    eventId: receipt.eventId,
  });
  await logDelivery(sourceStateFor(env, source), handshakeEntry(source, provider, startedAt, handshake, receipt));
  return receipt;
}

/** One call before anything is queued: a redelivery's first receipt, or the remembered paths (503 on failure). */
async function admitOr503(state: SourceStateStub, deliveryId: string | undefined, key: DocumentKey | undefined) {
  try {
    return await state.admit(deliveryId, key);
  } catch (cause) {
    const what = deliveryId === undefined ? 'read the remembered paths' : 'check for a redelivery';
    throw unavailable(`could not ${what}; retry later`, cause);
  }
}

/** The call after the paths are queued: a 503 when the memory had to change, else its misses are logged. */
async function settleOr503(state: SourceStateStub, source: string, settlement: Settlement): Promise<void> {
  let settled = { recorded: false, logged: false };
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

/** Adds a delivery to the source's Deliveries page, best effort: a miss is logged, never fails the answer. */
async function logDelivery(state: SourceStateStub, entry: DeliveryEntry): Promise<void> {
  await state
    .logDelivery(entry)
    .catch((error) =>
      log('warn', 'could not record a delivery in the recent deliveries', { source: entry.source, error: String(error) }),
    );
}
