// The shared contract's cases: one per provider, saying how its platform signs and what its payload means.
import { CMS_CASES } from './cases/cms';
import { COMMERCE_CASES } from './cases/commerce';
import { KEYED_CASES } from './cases/keyed';
import { SHARED_SECRET_CASES } from './cases/shared-secret';

export interface ProviderCase {
  provider: string;
  sourceId: string;
  /** The source's config entry, less its provider name. */
  source: { secrets: string[]; options?: Record<string, unknown>; toleranceSeconds?: number };
  /** Purge templates for this source's rule (it matches this source only). */
  purge: string[];
  secret: string;
  /** The second configured secret while rotating; undefined where the platform publishes one key at a time (its rotation test is its own). */
  oldSecret: string | undefined;
  /** A well-formed secret that is not configured (default: the secret with a suffix). */
  wrongSecret?: string;
  /** The payload; `id` is a fresh delivery id, for platforms that carry theirs in the body. */
  body(id: string): string;
  /** Headers the platform sends besides the signature (topic, event...). */
  headers: Record<string, string>;
  /** The header carrying the platform's delivery id; each request gets a new one. */
  deliveryHeader?: string;
  /** The delivery id travels in the body (see `body`). */
  deliveryInBody?: true;
  /** The header that carries the signature or token (for Prismic, the body field). */
  signatureHeader: string;
  /** False when the platform signs nothing (a shared secret): a changed body is not detectable. */
  signsBody?: false;
  /** Puts the secret into the body (Prismic); other platforms send the body as it was signed. */
  embed?(body: string, key: string): string;
  /** Signs inside the body (SNS): answers the signed message; `sign` then adds headers only. */
  signBody?(body: string, key: string, age?: number): Promise<string>;
  /** Changes a signed delivery's content (default: adds a space before the last brace). */
  tamper?(body: string): string;
  /** Signs `body` with `key`; `age` shifts the signed timestamp into the past (ms, negative = future). */
  sign(body: string, key: string, age?: number): Promise<Record<string, string>>;
  /** The platform's default replay window, when it signs a timestamp. */
  toleranceMs?: number;
  /**
   * For platforms that batch changes (issue 15, "one delivery, many changes"): a delivery listing `count`
   * documents, and the path the case's rule gives the document at `index`.
   */
  batch?: { body(count: number, id: string): string; path(index: number): string };
  /** The delivery id header is covered by the signature: a changed id is a forgery (401), not a replay. */
  signsDeliveryId?: true;
  expected: { action: string; contentType?: string; documentId?: string; locales?: string[]; path: string };
}

export const PROVIDER_CASES: ProviderCase[] = [...CMS_CASES, ...COMMERCE_CASES, ...SHARED_SECRET_CASES, ...KEYED_CASES];

export const caseFor = (sourceId: string): ProviderCase => {
  const found = PROVIDER_CASES.find((c) => c.sourceId === sourceId);
  if (!found) throw new Error(`no provider case ${sourceId}`);
  return found;
};

/** A config with one source and one rule per case, all purging on distribution `main`. */
export function casesConfig(extra: { sources?: Record<string, unknown>; rules?: unknown[] } = {}) {
  return {
    distributions: { main: { id: 'dist-main', coalesceMs: 0 } },
    sources: {
      ...Object.fromEntries(PROVIDER_CASES.map((c) => [c.sourceId, { provider: c.provider, ...c.source }])),
      ...extra.sources,
    },
    rules: [
      ...PROVIDER_CASES.map((c) => ({
        id: `${c.sourceId}-rule`,
        distribution: 'main',
        match: { sources: [c.sourceId] },
        purge: c.purge,
      })),
      ...(extra.rules ?? []),
    ],
  };
}

/** The headers and body of one delivery: signed with `key`, a fresh delivery id unless `id` is given. */
export async function delivery(c: ProviderCase, options: { key?: string; age?: number; id?: string; body?: string } = {}) {
  const id = options.id ?? crypto.randomUUID();
  const key = options.key ?? c.secret;
  const plain = options.body ?? c.body(id);
  const body = c.embed ? c.embed(plain, key) : c.signBody ? await c.signBody(plain, key, options.age) : plain;
  const signed = await c.sign(body, key, options.age);
  const headers = { ...(c.deliveryHeader ? { [c.deliveryHeader]: id } : {}), ...c.headers, ...signed };
  return { body, headers };
}
