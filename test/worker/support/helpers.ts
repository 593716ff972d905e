// Builders for tests in workerd: signed requests from the SDK signer, admin calls, a base config.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../../src/index';
import { TEST_BINDINGS } from '../../setup/bindings';

export const ADMIN = { authorization: `Bearer ${TEST_BINDINGS.ADMIN_TOKEN}` };
export const ORIGIN = 'https://relay.example';

export function baseConfig(overrides: Record<string, unknown> = {}) {
  return {
    distributions: { main: { id: 'dist-main', coalesceMs: 0 } },
    sources: {
      contentful: { provider: 'contentful', secrets: ['CONTENTFUL_SECRET', 'CONTENTFUL_SECRET_OLD'] },
      sanity: { provider: 'sanity', secrets: ['SANITY_SECRET', 'SANITY_SECRET_OLD'] },
      shopify: { provider: 'shopify', secrets: ['SHOPIFY_SECRET', 'SHOPIFY_SECRET_OLD'] },
      strapi: { provider: 'strapi', secrets: ['STRAPI_TOKEN', 'STRAPI_TOKEN_OLD'] },
      standard: { provider: 'standard-webhooks', secrets: ['STANDARD_SECRET', 'STANDARD_SECRET_OLD'] },
    },
    rules: [
      { id: 'blog-post', distribution: 'main', match: { contentTypes: ['blogPost'] }, purge: ['/blog/{fields.slug}', '/blog'] },
      {
        id: 'sanity-post',
        distribution: 'main',
        match: { sources: ['sanity'], contentTypes: ['post'] },
        purge: ['/posts/{fields.slug.current}'],
      },
      {
        id: 'product',
        distribution: 'main',
        match: { sources: ['shopify'], contentTypes: ['products'] },
        purge: ['/products/{fields.handle}'],
      },
      {
        id: 'article',
        distribution: 'main',
        match: { sources: ['strapi'], contentTypes: ['article'] },
        purge: ['/articles/{fields.slug}'],
      },
      { id: 'standard-post', distribution: 'main', match: { sources: ['standard'] }, purge: ['/p/{fields.slug}'] },
    ],
    ...overrides,
  };
}

/**
 * Sends a request into the Worker's own fetch handler (src/index.ts) and waits for its waitUntil work.
 * Not `exports.default.fetch`: under vitest-pool-workers each such call gets slower as a test file's
 * request count grows (measured 6 ms → 330 ms per request by the 1,000th; cloudflare/workers-sdk#15446),
 * which made the property-based runs quadratic.
 */
export async function workerFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(input, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export async function admin(path: string, init: RequestInit = {}): Promise<Response> {
  return workerFetch(
    new Request(`${ORIGIN}/admin${path}`, {
      ...init,
      headers: { ...ADMIN, 'content-type': 'application/json', ...(init.headers ?? {}) },
    }),
  );
}

export async function putConfig(config: unknown): Promise<Response> {
  const response = await admin('/config', { method: 'PUT', body: JSON.stringify(config) });
  if (response.status !== 200) throw new Error(`config rejected: ${await response.text()}`);
  return response;
}

export interface SignOptions {
  secret: string;
  body: string;
  timestamp?: number;
  id?: string;
  path?: string;
  /** The HTTP method, for signers that sign it (Contentful); POST by default. */
  method?: string;
  headers?: Record<string, string>;
  /** The source's options, for signers that depend on them (generic-hmac). */
  options?: Record<string, unknown>;
}

/** Headers signed by the platform's official SDK (running in Node, see scripts/sdk-signers.mjs). */
export async function sign(provider: string, options: SignOptions): Promise<Record<string, string>> {
  const response = await fetch(`${env.SIGNER_URL}/sign/${provider}`, { method: 'POST', body: JSON.stringify(options) });
  if (!response.ok) throw new Error(`signer failed: ${await response.text()}`);
  return response.json();
}

export function postWebhook(sourceId: string, body: string | Uint8Array, headers: Record<string, string>): Promise<Response> {
  return workerFetch(
    new Request(`${ORIGIN}/webhooks/${sourceId}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    }),
  );
}

export const secret = (name: keyof typeof TEST_BINDINGS): string => TEST_BINDINGS[name];

/** Sets faults on the Gotipath stand-in (see scripts/gotipath-standin/); `{}` values merge. */
export async function standinFaults(faults: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${env.STANDIN_URL}/__standin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`stand-in refused faults: ${await response.text()}`);
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A distribution's config as the scheduler sees it (defaults filled in), from a config document. */
export async function distributionConfig(document: unknown, name = 'main') {
  const { parseConfig } = await import('../../../src/rules/schema');
  const parsed = parseConfig(document);
  if (!parsed.ok) throw new Error(`invalid config: ${JSON.stringify(parsed.issues)}`);
  return parsed.config.distributions[name]!;
}

/** A receipt without its ETA: a redelivery's receipt is the first one without it (it would be out of date). */
export const withoutEta = ({ etaSeconds: _, held: __, ...receipt }: Record<string, unknown>) => receipt;
