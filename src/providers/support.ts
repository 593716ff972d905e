// Small helpers the provider files share: required headers, replay windows, JSON, payload shapes.
import * as z from 'zod/mini';
import { badRequest, unauthorized } from '../errors';
import { decodeUtf8 } from '../lib/bytes';

export function requireHeader(headers: Headers, name: string): string {
  const value = headers.get(name);
  if (value === null || value.trim() === '') throw unauthorized(`missing ${name} header`);
  return value.trim();
}

/**
 * How far a signed timestamp may lie in the future: clock skew only. A replay window is about the past (the
 * platform's retries of one signed delivery), so a long one never lets a timestamp run hours ahead.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Rejects a signed timestamp (ms) older than the replay window, or further ahead than the clock skew (or the window, if shorter). */
export function checkTimestamp(timestampMs: number, now: number, toleranceMs: number): void {
  if (!Number.isFinite(timestampMs)) throw unauthorized('signature timestamp is not a number');
  if (now - timestampMs > toleranceMs) throw unauthorized('signature timestamp is too old (replay window)');
  if (timestampMs - now > Math.min(toleranceMs, CLOCK_SKEW_MS)) throw unauthorized('signature timestamp is in the future');
}

/** Parses a decimal timestamp header or field; undefined unless it is all digits. */
export const parseIntStrict = (text: string | undefined): number | undefined =>
  text !== undefined && /^\d{1,16}$/.test(text) ? Number(text) : undefined;

/**
 * An integer past 2^53 (Shopify's docs use ids such as 788032119674292922) would lose its last digits as
 * a number: it is kept as the exact digits it was sent with (JSON.parse source text access).
 */
function exactIntegers(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value) || !context?.source) return value;
  return /^-?\d+$/.test(context.source) ? context.source : value;
}

/** A number token of 16 digits or more (2^53 has 16): after `:`, `[` or `,`, outside a string as a rule. */
const LONG_NUMBER = /[:[,]\s*-?\d{16}/;

/**
 * The one parser of webhook bodies: UTF-8, JSON, and no key that names a prototype (`__proto__`,
 * `constructor`, `prototype`) at any depth. JSON.parse itself makes such keys plain own properties, but
 * code that copies payload keys into objects could be steered by them (SECURITY.md, F2); no platform
 * sends them, so a body holding one is refused outright.
 */
export function parseJsonBody(body: Uint8Array): unknown {
  let text: string;
  try {
    text = decodeUtf8(body);
  } catch {
    throw badRequest('body is not valid UTF-8');
  }
  let value: unknown;
  try {
    // The reviver costs a call per value: only a body with a 16-digit number token needs it.
    value = LONG_NUMBER.test(text) ? JSON.parse(text, exactIntegers as Parameters<typeof JSON.parse>[1]) : JSON.parse(text);
  } catch (cause) {
    throw badRequest(`body is not valid JSON: ${(cause as Error).message}`);
  }
  // Only a text that spells one of the names, or escapes a character (`\u…` could spell one), can hold
  // such a key: most bodies skip the walk.
  const found = MAY_NAME_PROTOTYPE.test(text) ? prototypeKey(value) : undefined;
  if (found) throw badRequest(`body holds the key "${found.key}" (at ${found.at}), which webhook payloads may not use`);
  return value;
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAY_NAME_PROTOTYPE = /__proto__|constructor|prototype|\\u/;

interface Trail {
  key: string;
  up: Trail | undefined;
}

/** The first key naming a prototype in a parsed JSON value, and where; iterative, so any depth is safe. */
export function prototypeKey(value: unknown): { key: string; at: string } | undefined {
  const stack: [unknown, Trail | undefined][] = [[value, undefined]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, trail] = next;
    if (typeof node !== 'object' || node === null) continue;
    for (const key of Object.keys(node)) {
      const here = { key, up: trail };
      if (PROTOTYPE_KEYS.has(key)) return { key, at: trailText(here) };
      stack.push([(node as Record<string, unknown>)[key], here]);
    }
  }
  return undefined;
}

/** `a.b.0.__proto__`, cut to its last 120 characters. */
function trailText(trail: Trail): string {
  const keys: string[] = [];
  for (let t: Trail | undefined = trail; t && keys.length < 40; t = t.up) keys.unshift(t.key);
  const text = keys.join('.');
  return text.length > 120 ? `…${text.slice(-120)}` : text;
}

/** A fresh object with no prototype: keys from a payload can only ever be its own properties. */
export const bare = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** Parses a payload with a provider's schema; a mismatch is a 400 naming the first bad field. */
export function parsePayload<T>(schema: z.ZodMiniType<T>, payload: unknown, what: string): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw badRequest(`${what} payload has an unexpected shape${at}`);
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A document id as a string, whether the platform sends a number or a string. */
export const idString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

/** The options schema of a provider that takes none. */
export const NO_OPTIONS = z.strictObject({}) as z.ZodMiniType<Record<string, never>>;

/** A value at a dotted path (`data.entry.uid`, `data.items.0`), or undefined. */
export function pick(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, k) => (Array.isArray(v) ? v[Number(k)] : isRecord(v) && Object.hasOwn(v, k) ? v[k] : undefined), value);
}

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export const record = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});

/**
 * An entry of a provider's action table, read as an own property only (a topic such as `constructor`
 * or `__proto__` must not reach Object.prototype); undefined when the table does not list the key.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * A header the signature does not cover (a topic, an event name): undefined when absent, its value when it
 * matches the platform's documented grammar, and a 400 otherwise, so that nothing but that grammar's
 * characters can reach a rule from it.
 */
export function unsignedHeader(headers: Headers, names: readonly string[], grammar: RegExp, what: string): string | undefined {
  for (const name of names) {
    const value = headers.get(name)?.trim();
    if (value === undefined || value === '') continue;
    if (value.length > 200 || !grammar.test(value)) throw badRequest(`${name} header is not ${what}`);
    return value;
  }
  return undefined;
}

/** The identity of a delivery whose signature covers exactly its body (Shopify, WooCommerce, Storyblok, ...). */
export const signedBody = (request: { body: Uint8Array }) => ({ signed: [request.body] }) as const;

/** `"en"` → `["en"]`; anything else → `[]`. */
export const localeList = (value: unknown): string[] => (str(value) ? [value as string] : []);

const LOCALE = /^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/;

/**
 * Splits fields whose values are keyed by locale (`{title: {en: "Hi", it: "Ciao"}}`) into fields per
 * locale; fields that are not localized are copied into each. Undefined when nothing is localized.
 */
export function splitLocalized(fields: Record<string, unknown>): Record<string, Record<string, unknown>> | undefined {
  const isLocalized = (v: unknown): v is Record<string, unknown> =>
    isRecord(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => LOCALE.test(k));
  const locales = new Set(
    Object.values(fields)
      .filter(isLocalized)
      .flatMap((v) => Object.keys(v)),
  );
  if (locales.size === 0) return undefined;
  const out = bare<Record<string, unknown>>();
  for (const locale of locales) {
    out[locale] = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, isLocalized(v) ? v[locale] : v]));
  }
  return out;
}
