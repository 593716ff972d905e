// The webhook pipeline, in one fixed order: source → method → body (size-limited) → the platform's ping →
// verify → parse → events (one per changed document) → rules → redelivery check + remembered paths (one
// SourceState call) → plan → store in the schedulers → remember + record the delivery (one more SourceState
// call). Two Durable Object round trips per delivery, whatever the number of its events. Every delivery
// of a configured source lands on its Deliveries page, whatever its outcome.
import { notFound, RelayError, unavailable } from '../errors';
import { readBodyLimited } from '../lib/body';
import { log, newId } from '../lib/log';
import { toleranceMs, verifiedDelivery, type Delivery } from '../providers/event';
import { getProvider } from '../providers/registry';
import type { ContentEvent, Handshake, WebhookProvider } from '../providers/types';
import { enqueueWork } from '../purge/enqueue';
import { memoryKeys, planEvent } from '../purge/event-plan';
import { matchEvent, refusals, type MatchResult, type MemoryItem } from '../rules/matcher';
import { loadConfigOr503, type LoadedConfig } from '../rules/store';
import type { Settings } from '../settings';
import type { DocumentKey } from '../sources/memory';
import type { DeliveryEntry } from '../sources/recent-deliveries';
import { sourceStateFor, type Settlement } from '../sources/state';
import { withStatus } from './status-receipt';
import { answeredEntry, handshakeEntry, refusedEntry, type PingAnswer, type Receipt } from './delivery-entry';

export type { PingAnswer, Receipt } from './delivery-entry';

type SourceStateStub = ReturnType<typeof sourceStateFor>;

/** A 405 that says which methods the platform's webhook may use, and to choose POST. */
function checkMethod(provider: WebhookProvider, method: string): void {
  const allowed = ['POST', ...(provider.methods ?? [])];
  if (allowed.includes(method)) return;
  throw new RelayError(
    405,
    `${provider.name} webhooks are accepted with ${allowed.join(', ')}: choose POST in the webhook's settings`,
    {
      details: { allow: allowed },
    },
  );
}

/** Verifies, plans and queues one webhook; resolves only once its paths are durably stored. */
export async function receiveWebhook(
  env: Env,
  settings: Settings,
  request: Request,
  sourceId: string,
): Promise<Receipt | PingAnswer> {
  const startedAt = Date.now();
  const loaded = await loadConfigOr503(env.CONFIG);
  const source = loaded?.config.sources[sourceId];
  const provider = source && getProvider(source.provider);
  // A made-up source id is answered without a record: it must not create a Durable Object.
  if (!loaded || !source || !provider) {
    throw notFound(loaded ? `unknown source "${sourceId}"` : `unknown source "${sourceId}": no config has been saved yet`);
  }
  // A method the platform cannot send is a setup mistake, told before anything is read or recorded.
  checkMethod(provider, request.method);
  let event: ContentEvent | undefined;
  try {
    const body = await readBodyLimited(request, settings.MAX_BODY_BYTES);
    const webhook = { method: request.method, url: new URL(request.url), headers: request.headers, body };
    // An unsigned connectivity check carries nothing to purge: answered 200, logged, never recorded.
    const ping = provider.ping?.(webhook);
    if (ping) {
      log('info', 'webhook ping', { source: sourceId, provider: provider.name, ...ping });
      return { ...ping, ping: true, message: `${provider.name} ping received: nothing to purge` };
    }
    const delivery = await verifiedDelivery(env, provider, sourceId, source, webhook);
    if ('handshake' in delivery) return await answerHandshake(env, sourceId, provider.name, delivery.handshake, startedAt);
    event = delivery.events[0];
    return await withStatus(env, loaded.config, request, delivery, await queueDelivery(env, loaded, delivery, startedAt));
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
 * Queues a verified delivery. Matches each of its events and, in one call to its SourceState, checks for a
 * redelivery (its key) and recalls the paths remembered for its documents; stores the plan's work in the
 * schedulers; and only then, in one more call, updates the memory, records the delivery key and adds the
 * Deliveries entry. A failed attempt leaves the old paths for its retry and no key, so the retry is not
 * taken for a duplicate.
 */
export async function queueDelivery(env: Env, loaded: LoadedConfig, delivery: Delivery, startedAt: number): Promise<Receipt> {
  const source = loaded.config.sources[delivery.source]!;
  const state = sourceStateFor(env, delivery.source);
  const key = source.dedupeSeconds > 0 ? delivery.key : undefined;
  const results = delivery.events.map((event) => matchEvent(loaded, event));
  const documents = memoryKeys(delivery.events, results);
  const admission = key !== undefined || documents.length > 0 ? await admitOr503(state, key, documents) : { remembered: [] };
  if ('prior' in admission) {
    const receipt: Receipt = { events: delivery.events.length, ...admission.prior, duplicate: true };
    log('info', 'webhook redelivered', {
      source: delivery.source,
      deliveryId: delivery.events[0]?.deliveryId,
      eventId: receipt.eventId,
    });
    await logDelivery(state, answeredEntry(delivery, startedAt, receipt));
    return receipt;
  }
  const plan = planEvent(loaded.config, delivery.events, results, documents, admission.remembered);
  const estimate = await enqueueWork(env, loaded.config, plan.work, delivery.eventId);
  const receipt: Receipt = {
    eventId: delivery.eventId,
    events: delivery.events.length,
    paths: plan.paths,
    ...(plan.tags > 0 && { tags: plan.tags }),
  };
  await settleOr503(state, delivery.source, {
    ...(plan.memory.length > 0 && { memory: plan.memory }),
    // A redelivery gets this receipt without the estimate: by then it would be out of date.
    ...(key !== undefined && { delivery: { key, receipt, keepMs: keepMs(source, delivery.provider) } }),
    entry: answeredEntry(delivery, startedAt, receipt, results.flatMap(refusals)),
  });
  const answer: Receipt = plan.work.length > 0 ? { ...receipt, ...estimate } : receipt;
  logAccepted(delivery, answer, results, admission.remembered);
  return answer;
}

/** A platform's verified control message (SNS subscription confirmation): answered 200, shown on the Deliveries page. */
async function answerHandshake(
  env: Env,
  source: string,
  provider: string,
  handshake: Handshake,
  startedAt: number,
): Promise<Receipt> {
  const receipt: Receipt = { eventId: newId('evt'), events: 0, paths: 0, handshake: handshake.message };
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

/**
 * How long a delivery key is kept: the source's dedupeSeconds, or its replay window when that is longer,
 * so a signed delivery replayed while its timestamp is still accepted is always recognised.
 */
function keepMs(source: LoadedConfig['config']['sources'][string], providerName: string): number {
  const provider = getProvider(providerName);
  const window = provider ? toleranceMs(provider, source) : 0;
  return Math.max(source.dedupeSeconds * 1000, Number.isFinite(window) ? window : 0);
}

/** The accepted delivery's log line: its receipt, the first event, every rule matched. */
function logAccepted(delivery: Delivery, receipt: Receipt, results: readonly MatchResult[], remembered: readonly MemoryItem[][]) {
  const first = delivery.events[0];
  log('info', 'webhook accepted', {
    ...receipt,
    source: delivery.source,
    provider: delivery.provider,
    action: first?.action,
    contentType: first?.contentType,
    documentId: first?.documentId,
    deliveryId: first?.deliveryId,
    rules: [...new Set(results.flatMap((r) => r.matches.map((m) => m.ruleId)))],
    remembered: remembered.reduce((n, items) => n + items.length, 0),
    ...(results.some((r) => refusals(r).length > 0) && { refused: results.flatMap(refusals) }),
  });
}

/** One call before anything is queued: a redelivery's first receipt, or the remembered paths (503 on failure). */
async function admitOr503(state: SourceStateStub, key: string | undefined, documents: readonly DocumentKey[]) {
  try {
    return await state.admit(key, documents);
  } catch (cause) {
    const what = key === undefined ? 'read the remembered paths' : 'check for a redelivery';
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
    log('warn', 'could not record a delivery key; a redelivery would be queued again', { source, error });
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
