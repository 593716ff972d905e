// Every provider the relay knows, by the name a source uses in the config.
import { contentful } from './contentful';
import { sanity } from './sanity';
import { shopify } from './shopify';
import { standardWebhooks } from './standard-webhooks';
import { strapi } from './strapi';
import type { WebhookProvider } from './types';

// Each provider's options type differs; the registry only hands them the options their own
// schema parsed, so erasing the type parameter here is safe.
const PROVIDERS = [contentful, sanity, shopify, strapi, standardWebhooks] as unknown as WebhookProvider[];

export const PROVIDER_NAMES = PROVIDERS.map((p) => p.name) as [string, ...string[]];

const byName = new Map(PROVIDERS.map((p) => [p.name, p]));

export function getProvider(name: string): WebhookProvider | undefined {
  return byName.get(name);
}
