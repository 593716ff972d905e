// The webhook pipeline, in a fixed order: source → body (size-limited) → verify → parse → rules → store.
import { RelayError, notFound, unavailable } from '../errors';
import { log } from '../lib/log';
import { createEvent, sourceOptions, toleranceMs } from '../providers/event';
import { getProvider } from '../providers/registry';
import { parseJsonBody } from '../providers/support';
import { collectWork, countPaths, enqueueWork } from '../purge/enqueue';
import { matchEvent } from '../rules/matcher';
import { loadConfig, type LoadedConfig } from '../rules/store';
import { readBodyLimited } from './body';
import { readSecrets, type Settings } from '../settings';

export interface Receipt {
  eventId: string;
  paths: number;
}

export async function loadConfigOr503(kv: KVNamespace): Promise<LoadedConfig | undefined> {
  try {
    return await loadConfig(kv);
  } catch (cause) {
    if (cause instanceof RelayError) throw cause;
    throw unavailable('could not read the relay config; retry later', cause);
  }
}

export async function receiveWebhook(env: Env, settings: Settings, request: Request, sourceId: string): Promise<Receipt> {
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
  const { matches } = matchEvent(loaded, event);
  const work = collectWork(matches);
  await enqueueWork(env, loaded.config, work, event.eventId);
  const receipt = { eventId: event.eventId, paths: countPaths(work) };
  log('info', 'webhook accepted', {
    ...receipt,
    source: sourceId,
    provider: provider.name,
    action: event.action,
    contentType: event.contentType,
    documentId: event.documentId,
    deliveryId: event.deliveryId,
    rules: matches.map((m) => m.ruleId),
  });
  return receipt;
}
