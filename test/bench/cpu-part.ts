// The in-isolate part of the webhook pipeline, with no round-trip: verify, parse, normalize, match, group by distribution.
import { verifiedDelivery } from '../../src/providers/event';
import { getProvider } from '../../src/providers/registry';
import { collectWork } from '../../src/purge/enqueue';
import { matchEvent } from '../../src/rules/matcher';
import type { LoadedConfig } from '../../src/rules/store';
import type { SignedWebhook } from './payloads';

/** Runs the same steps receiveWebhook runs between reading the body and the first Durable Object call. */
export async function cpuPart(env: Env, loaded: LoadedConfig, sourceId: string, webhook: SignedWebhook): Promise<number> {
  const source = loaded.config.sources[sourceId];
  const provider = source && getProvider(source.provider);
  if (!source || !provider) throw new Error(`bench: source ${sourceId} is not in the config`);
  const request = {
    method: 'POST',
    url: new URL(`https://relay.bench/webhooks/${sourceId}`),
    headers: new Headers(webhook.headers),
    body: webhook.body,
  };
  const delivery = await verifiedDelivery(env, provider, sourceId, source, request);
  if ('handshake' in delivery) throw new Error(`bench: ${sourceId} answered a handshake, not a delivery`);
  return collectWork(delivery.events.flatMap((event) => matchEvent(loaded, event).matches)).length;
}
