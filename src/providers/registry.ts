// Every provider the relay knows, by the name a source uses in the config.
import { bigcommerce } from './bigcommerce';
import { builderIo } from './builder-io';
import { commercetools } from './commercetools';
import { contentful } from './contentful';
import { contentstack } from './contentstack';
import { datocms } from './datocms';
import { directus } from './directus';
import { genericHmac } from './generic-hmac';
import { ghost } from './ghost';
import { hygraph } from './hygraph';
import { kontentAi } from './kontent-ai';
import { payloadCms } from './payload-cms';
import { prismic } from './prismic';
import { saleor } from './saleor';
import { sanity } from './sanity';
import { shopify } from './shopify';
import { shopware } from './shopware';
import { standardWebhooks } from './standard-webhooks';
import { storyblok } from './storyblok';
import { strapi } from './strapi';
import { stripe } from './stripe';
import type { WebhookProvider } from './types';
import { woocommerce } from './woocommerce';
import { wordpress } from './wordpress';

// Each provider's options type differs; the registry only hands them the options their own
// schema parsed, so erasing the type parameter here is safe.
const PROVIDERS = [
  contentful,
  sanity,
  storyblok,
  hygraph,
  ghost,
  kontentAi,
  strapi,
  datocms,
  prismic,
  builderIo,
  directus,
  payloadCms,
  wordpress,
  contentstack,
  shopify,
  bigcommerce,
  saleor,
  shopware,
  woocommerce,
  commercetools,
  standardWebhooks,
  stripe,
  genericHmac,
] as unknown as WebhookProvider[];

export const PROVIDER_NAMES = PROVIDERS.map((p) => p.name) as [string, ...string[]];

const byName = new Map(PROVIDERS.map((p) => [p.name, p]));

export function getProvider(name: string): WebhookProvider | undefined {
  return byName.get(name);
}
