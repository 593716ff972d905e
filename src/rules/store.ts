// The config in Workers KV: immutable versions plus a small pointer, parsed and compiled once per isolate.
import { RelayError, misconfigured, unavailable } from '../errors';
import { compileConfig, type CompiledConfig } from './matcher';
import { parseConfig, type RelayConfig } from './schema';

/** Small JSON pointer `{version, savedAt}` naming the live version. */
export const CONFIG_POINTER_KEY = 'config/current';
export const configVersionKey = (version: number) => `${VERSION_PREFIX}${String(version).padStart(8, '0')}`;

/**
 * How long an isolate trusts its cached pointer before reading it again. A new version reaches
 * every isolate within this plus KV's own propagation: the pointer is read with the smallest
 * cacheTtl KV allows (POINTER_CACHE_TTL_S), and KV documents up to 60 s for a write to be seen
 * everywhere. Worst case: about 61 s; typically under POINTER_CACHE_TTL_S + 1 s.
 * https://developers.cloudflare.com/kv/concepts/how-kv-works/
 */
export const CONFIG_RECHECK_MS = 1_000;
/** KV's minimum cacheTtl, in seconds (https://developers.cloudflare.com/kv/api/read-key-value-pairs/). */
export const POINTER_CACHE_TTL_S = 30;
const VERSION_PREFIX = 'config/versions/';

interface Pointer {
  version: number;
  savedAt: string;
}

/** What is kept beside each version (KV metadata, so a listing needs no extra reads). */
export interface VersionInfo extends Pointer {
  rules: number;
  /** Set when the version was made by rolling back to an older one. */
  rolledBackFrom?: number;
}

export interface LoadedConfig extends CompiledConfig {
  version: number;
  savedAt: string;
  /** The document as it was saved (defaults not filled in). */
  document: unknown;
}

interface Memo {
  loaded: LoadedConfig | undefined;
  checkedAt: number;
}

const memos = new WeakMap<KVNamespace, Memo>();

async function readPointer(kv: KVNamespace): Promise<Pointer | undefined> {
  const pointer = await kv.get<Pointer>(CONFIG_POINTER_KEY, { type: 'json', cacheTtl: POINTER_CACHE_TTL_S });
  return pointer && Number.isInteger(pointer.version) ? pointer : undefined;
}

async function readVersion(kv: KVNamespace, pointer: Pointer): Promise<LoadedConfig> {
  const document = await kv.get(configVersionKey(pointer.version), 'json');
  if (document === null) throw misconfigured(`config version ${pointer.version} is missing from KV`);
  const parsed = parseConfig(document, { stored: true });
  if (!parsed.ok) {
    const first = parsed.issues[0];
    throw misconfigured(`stored config version ${pointer.version} is invalid at ${first?.path}: ${first?.message}`);
  }
  return { ...compileConfig(parsed.config), version: pointer.version, savedAt: pointer.savedAt, document };
}

/** The live config, or undefined when none was ever saved. */
export async function loadConfig(kv: KVNamespace, now = Date.now()): Promise<LoadedConfig | undefined> {
  const memo = memos.get(kv);
  if (memo && now - memo.checkedAt < CONFIG_RECHECK_MS) return memo.loaded;
  const pointer = await readPointer(kv);
  const loaded =
    pointer === undefined ? undefined : memo?.loaded?.version === pointer.version ? memo.loaded : await readVersion(kv, pointer);
  memos.set(kv, { loaded, checkedAt: now });
  return loaded;
}

/** The live config for a request: a KV failure is a 503 (the caller retries), a broken stored version stays a 500. */
export async function loadConfigOr503(kv: KVNamespace): Promise<LoadedConfig | undefined> {
  try {
    return await loadConfig(kv);
  } catch (cause) {
    if (cause instanceof RelayError) throw cause;
    throw unavailable('could not read the relay config; retry later', cause);
  }
}

/** Stores a validated document as a new version and makes it live; returns the version number. */
export async function saveConfig(
  kv: KVNamespace,
  document: unknown,
  now = Date.now(),
  options: { rolledBackFrom?: number; config?: RelayConfig } = {},
): Promise<LoadedConfig> {
  // A caller that has just validated the document passes the result: a large config parses once.
  const parsed = options.config ? { ok: true as const, config: options.config } : parseConfig(document);
  if (!parsed.ok) throw new Error('saveConfig needs a valid document; validate it first');
  const { rolledBackFrom } = options;
  const current = await readPointer(kv);
  const pointer: Pointer = { version: (current?.version ?? 0) + 1, savedAt: new Date(now).toISOString() };
  const metadata: VersionInfo = {
    ...pointer,
    rules: parsed.config.rules.length,
    ...(rolledBackFrom !== undefined && { rolledBackFrom }),
  };
  // The version first: a pointer must never name a document that is not there yet.
  await kv.put(configVersionKey(pointer.version), JSON.stringify(document, null, 2), { metadata });
  await kv.put(CONFIG_POINTER_KEY, JSON.stringify(pointer));
  const loaded: LoadedConfig = { ...compileConfig(parsed.config), ...pointer, document };
  memos.set(kv, { loaded, checkedAt: now });
  return loaded;
}

/** One page of saved versions, oldest first (KV lists keys in order; numbers are zero-padded). */
export async function listVersions(kv: KVNamespace, cursor?: string): Promise<{ versions: VersionInfo[]; cursor?: string }> {
  const page = await kv.list<VersionInfo>({ prefix: VERSION_PREFIX, ...(cursor && { cursor }) });
  const versions = page.keys.map(
    (k) => k.metadata ?? { version: Number(k.name.slice(VERSION_PREFIX.length)), savedAt: '', rules: 0 },
  );
  return page.list_complete ? { versions } : { versions, cursor: page.cursor };
}

/** A saved version as it was stored, or undefined. */
export async function readVersionDocument(
  kv: KVNamespace,
  version: number,
): Promise<{ info: VersionInfo; document: unknown } | undefined> {
  const { value, metadata } = await kv.getWithMetadata<unknown, VersionInfo>(configVersionKey(version), 'json');
  if (value === null) return undefined;
  return { info: metadata ?? { version, savedAt: '', rules: 0 }, document: value };
}
