// The webhook pipeline, in a fixed order: source → body (size-limited) → verify → parse → rules →
// remembered paths → store → remember.
import { RelayError, notFound, unavailable } from '../errors';
import { log } from '../lib/log';
import { createEvent, sourceOptions, toleranceMs } from '../providers/event';
import { getProvider } from '../providers/registry';
import { parseJsonBody } from '../providers/support';
import { collectWork, countPaths, enqueueWork } from '../purge/enqueue';
import { matchEvent, type MemoryItem } from '../rules/matcher';
import { loadConfig, type LoadedConfig } from '../rules/store';
import type { DocumentKey } from '../sources/memory';
import { planMemory, rememberedWork } from '../sources/memory-plan';
import { sourceStateFor } from '../sources/state';
import { readBodyLimited } from './body';
import { withDeliveryLog, type NoteEvent } from './record-delivery';
import { readSecrets, type Settings } from '../settings';
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

/**
 * Matches the event, adds the paths remembered for its document, stores them all in the schedulers,
 * and only then updates the memory: a failed attempt leaves the old paths for its retry.
 */
export async function queueEvent(env: Env, loaded: LoadedConfig, event: ContentEvent) {
  const result = matchEvent(loaded, event);
  const plan = planMemory(event, result);
  const remembered = plan ? await recallOr503(env, event.source, plan.key) : [];
  const work = collectWork([...result.matches, ...rememberedWork(remembered, loaded.config)]);
  await enqueueWork(env, loaded.config, work, event.eventId);
  // Nothing to forget when nothing was remembered.
  if (plan && plan.store !== undefined && (plan.store !== null || remembered.length > 0)) {
    await sourceStateFor(env, event.source)
      .updatePaths(plan.key, plan.store)
      .catch((cause) => {
        throw unavailable('the paths are queued but could not be remembered; retry later', cause);
      });
  }
  const tags = work.reduce((n, w) => n + (w.tags?.length ?? 0), 0);
  const receipt: Receipt = { eventId: event.eventId, paths: countPaths(work), ...(tags > 0 && { tags }) };
  return { receipt, result, remembered };
}

export const receiveWebhook = withDeliveryLog(receiveAndQueue);

async function receiveAndQueue(
  env: Env,
  settings: Settings,
  request: Request,
  sourceId: string,
  note: NoteEvent,
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
  await provider.verify(webhook, {
    secrets: readSecrets(env, source.secrets, sourceId),
    options: sourceOptions(provider, source),
    toleranceMs: toleranceMs(provider, source),
    now: Date.now(),
  });
  const event = createEvent(provider, sourceId, source, webhook, parseJsonBody(webhook.body));
  note(event);
  const deliveryId = source.dedupeSeconds > 0 ? event.deliveryId : undefined;
  const state = deliveryId === undefined ? undefined : sourceStateFor(env, sourceId);
  const prior =
    deliveryId &&
    (await state?.priorDelivery(deliveryId).catch((cause) => {
      throw unavailable('could not check for a redelivery; retry later', cause);
    }));
  if (prior) {
    log('info', 'webhook redelivered', { source: sourceId, deliveryId, eventId: prior.eventId });
    return { ...prior, duplicate: true };
  }
  const { receipt, result, remembered } = await queueEvent(env, loaded, event);
  // Recorded only after the paths are stored, so a failed attempt is never taken for a duplicate.
  if (deliveryId) {
    await state?.recordDelivery(deliveryId, receipt, source.dedupeSeconds * 1000).catch((error) =>
      log('warn', 'could not record a delivery id; a redelivery would be queued again', {
        source: sourceId,
        deliveryId,
        error: String(error),
      }),
    );
  }
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
