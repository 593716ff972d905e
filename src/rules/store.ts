// The config in Workers KV: immutable versions plus a small pointer, parsed and compiled once per isolate.
import { misconfigured } from '../errors';
import { compileConfig, type CompiledConfig } from './matcher';
import { parseConfig } from './schema';

/** Small JSON pointer `{version, savedAt}` naming the live version. */
export const CONFIG_POINTER_KEY = 'config/current';
export const configVersionKey = (version: number) => `config/versions/${String(version).padStart(8, '0')}`;

/**
 * How long an isolate trusts its cached pointer before reading it again. A new version reaches
 * every isolate within this plus KV's own propagation (up to 60 s across locations).
 */
export const CONFIG_RECHECK_MS = 1_000;

interface Pointer {
  version: number;
  savedAt: string;
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
  const pointer = await kv.get<Pointer>(CONFIG_POINTER_KEY, 'json');
  return pointer && Number.isInteger(pointer.version) ? pointer : undefined;
}

async function readVersion(kv: KVNamespace, pointer: Pointer): Promise<LoadedConfig> {
  const document = await kv.get(configVersionKey(pointer.version), 'json');
  if (document === null) throw misconfigured(`config version ${pointer.version} is missing from KV`);
  const parsed = parseConfig(document);
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
    pointer === undefined
      ? undefined
      : memo?.loaded?.version === pointer.version
        ? memo.loaded
        : await readVersion(kv, pointer);
  memos.set(kv, { loaded, checkedAt: now });
  return loaded;
}

/** Stores a validated document as a new version and makes it live; returns the version number. */
export async function saveConfig(kv: KVNamespace, document: unknown, now = Date.now()): Promise<LoadedConfig> {
  const parsed = parseConfig(document);
  if (!parsed.ok) throw new Error('saveConfig needs a valid document; validate it first');
  const current = await readPointer(kv);
  const pointer: Pointer = { version: (current?.version ?? 0) + 1, savedAt: new Date(now).toISOString() };
  // The version first: a pointer must never name a document that is not there yet.
  await kv.put(configVersionKey(pointer.version), JSON.stringify(document, null, 2));
  await kv.put(CONFIG_POINTER_KEY, JSON.stringify(pointer));
  const loaded: LoadedConfig = { ...compileConfig(parsed.config), ...pointer, document };
  memos.set(kv, { loaded, checkedAt: now });
  return loaded;
}
