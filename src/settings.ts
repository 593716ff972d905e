// Worker settings (vars and secrets), validated once per isolate; a bad setting names itself.
import * as z from 'zod/mini';
import { misconfigured } from './errors';

const REQUIRED = z.string().check(z.trim(), z.minLength(1));
/** Gotipath's API origin (the Purge page, docs.gotipath.com/api-4253967). */
export const DEFAULT_GOTIPATH_BASE = 'https://apistream.gotipath.com';

/** What the admin API and the console need: they answer (doctor among them) while a Gotipath secret is missing. */
const AdminSettingsSchema = z.object({
  ADMIN_TOKEN: z.string().check(z.minLength(16)),
  MAX_BODY_BYTES: z.pipe(
    z._default(z.string().check(z.regex(/^\d+$/)), '1048576'),
    z.transform((s) => Number(s)),
  ),
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

const HINTS: Record<string, string> = {
  ADMIN_TOKEN: 'must be at least 16 characters',
  GOTIPATH_API_BASE: 'must be an http(s) URL',
  MAX_BODY_BYTES: 'must be a whole number of bytes',
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

/** Reads the named Worker secrets (a source's signing secrets); missing ones are a setup error. */
export function readSecrets(env: object, names: readonly string[], sourceId: string): string[] {
  return names.map((name) => {
    const value = workerSecret(env, name);
    if (value === undefined) throw misconfigured(`source "${sourceId}" names secret ${name}, which is not set`);
    return value;
  });
}
