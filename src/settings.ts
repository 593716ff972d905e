// Worker settings (vars and secrets), validated once per isolate; a bad setting names itself.
import * as z from 'zod/mini';
import { misconfigured } from './errors';

const REQUIRED = z.string().check(z.trim(), z.minLength(1));
/** Gotipath's API origin (the Purge page, docs.gotipath.com/api-4253967). */
export const DEFAULT_GOTIPATH_BASE = 'https://apistream.gotipath.com';

/** What the admin API and the console need: they answer (doctor among them) while a Gotipath secret is missing. */
const AdminSettingsSchema = z.object({
  ADMIN_TOKEN: z.string().check(z.refine((token) => token.trim().length >= 16)),
  MAX_BODY_BYTES: z.pipe(
    z._default(z.string().check(z.regex(/^\d+$/)), '1048576'),
    z.transform((s) => Number(s)),
  ),
  /** Optional: the key status links are signed with (notify/status-link.ts); ADMIN_TOKEN when unset. */
  STATUS_LINK_SECRET: z.optional(z.string().check(z.refine((secret) => secret.trim().length >= 16))),
});

const SettingsSchema = z.object({
  ...AdminSettingsSchema.shape,
  GOTIPATH_API_BASE: z._default(z.url({ protocol: /^https?$/ }), DEFAULT_GOTIPATH_BASE),
  GOTIPATH_CLIENT_ID: REQUIRED,
  GOTIPATH_LIBRARY_ID: REQUIRED,
  GOTIPATH_API_KEY: REQUIRED,
});

export type Settings = z.infer<typeof SettingsSchema>;
export type AdminSettings = z.infer<typeof AdminSettingsSchema>;

/**
 * The relay's own settings: the Gotipath credentials, the admin token and the public vars (every `[vars]`
 * entry of wrangler.toml is one; a test keeps it so). A config may not name one as a webhook or report
 * secret: the platform (or the origin) would then hold it, and the answers would probe it.
 */
export const RELAY_SETTINGS: readonly string[] = Object.keys(SettingsSchema.shape);

const HINTS: Record<string, string> = {
  ADMIN_TOKEN: 'must be at least 16 characters, not counting spaces around it',
  GOTIPATH_API_BASE: 'must be an http(s) URL',
  MAX_BODY_BYTES: 'must be a whole number of bytes',
  STATUS_LINK_SECRET: 'must be at least 16 characters when set',
};

const cache = new WeakMap<object, Settings>();
const adminCache = new WeakMap<object, AdminSettings>();

/** Parses the env with a schema; throws a 500 RelayError naming every bad setting (never a value). */
function parseEnv<T>(schema: z.ZodMiniType<T>, env: object): T {
  // Boundary: env holds secrets the generated Env type does not list.
  const parsed = schema.safeParse(env as Record<string, unknown>);
  if (parsed.success) return parsed.data;
  const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
  const what = names.map((n) => `${n} ${HINTS[n] ?? 'is required'}`).join('; ');
  throw misconfigured(`${what} (set secrets with \`wrangler secret put NAME\`, or in .dev.vars locally)`);
}

/** Reads the settings from the Worker's env; throws a 500 RelayError naming the first bad setting. */
export function readSettings(env: object): Settings {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = parseEnv(SettingsSchema, env);
  const settings = { ...parsed, GOTIPATH_API_BASE: parsed.GOTIPATH_API_BASE.replace(/\/+$/, '') };
  cache.set(env, settings);
  return settings;
}

/** The admin token and body limit alone: the admin API and console work while other settings are missing. */
export function readAdminSettings(env: object): AdminSettings {
  const cached = adminCache.get(env);
  if (cached) return cached;
  const settings = parseEnv(AdminSettingsSchema, env);
  adminCache.set(env, settings);
  return settings;
}

/** A Worker secret the config names (not in the generated Env type); undefined when unset or empty. */
export function workerSecret(env: object, name: string): string | undefined {
  const value = (env as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Prefixes platforms put before the key itself (Standard Webhooks' and Stripe's `whsec_`). */
const KEY_PREFIXES = ['whsec_'];

/**
 * Why a secret's value could not sign anything, or undefined: blank, or a key prefix with nothing after it
 * (`whsec_` alone would be an empty HMAC key, which anyone can sign with). Never quotes the value.
 */
export function secretValueProblem(value: string): string | undefined {
  if (value.trim() === '') return 'is empty or only whitespace';
  const prefix = KEY_PREFIXES.find((p) => value.startsWith(p));
  if (prefix !== undefined && value.slice(prefix.length).trim() === '') return `holds only the prefix "${prefix}"`;
  return undefined;
}

/**
 * A Worker secret the config names for `owner` (`source "x"`), or a setup error (a 500; the detail names the
 * secret, never its value): one of the relay's own settings, not set, blank, or a key prefix alone.
 */
export function requireSecret(env: object, name: string, owner: string): string {
  if (RELAY_SETTINGS.includes(name))
    throw misconfigured(`${owner} names ${name}, one of the relay's own settings, as its secret`);
  const value = workerSecret(env, name);
  if (value === undefined) throw misconfigured(`${owner} names secret ${name}, which is not set`);
  const problem = secretValueProblem(value);
  if (problem) throw misconfigured(`${owner}: secret ${name} ${problem}`);
  return value;
}

/** Reads the named Worker secrets (a source's signing secrets); a missing or unusable one is a setup error. */
export function readSecrets(env: object, names: readonly string[], sourceId: string): string[] {
  return names.map((name) => requireSecret(env, name, `source "${sourceId}"`));
}
