// Doctor: the Worker's own settings (names only, never values) and where its Gotipath calls go.
import { DEFAULT_GOTIPATH_BASE, workerSecret } from '../settings';
import { error, isLoopback, ok, warning, type Check } from './report';

/** The Gotipath credentials, sent as X-Auth-ClientId, X-Auth-LibraryId, X-Auth-ApiKey. */
const CREDENTIALS = ['GOTIPATH_CLIENT_ID', 'GOTIPATH_LIBRARY_ID', 'GOTIPATH_API_KEY'] as const;

/** The Gotipath credentials and the API they go to; true in `usable` when calls to Gotipath can be tried. */
export function settingsChecks(env: object, relay: URL): { checks: Check[]; usable: boolean } {
  const checks: Check[] = [];
  const missing = CREDENTIALS.filter((name) => !workerSecret(env, name)?.trim());
  for (const name of missing)
    checks.push(
      error(
        'settings',
        name,
        `${name} is not set: the relay cannot call Gotipath`,
        `wrangler secret put ${name} (README "Deploy" says where Gotipath shows it)`,
      ),
    );
  if (missing.length === 0) checks.push(ok('settings', 'Gotipath credentials', `${CREDENTIALS.join(', ')} are set`));
  const base = apiBaseCheck(workerSecret(env, 'GOTIPATH_API_BASE') ?? DEFAULT_GOTIPATH_BASE, relay);
  checks.push(base);
  const bytes = workerSecret(env, 'MAX_BODY_BYTES');
  if (bytes !== undefined && !/^\d+$/.test(bytes))
    checks.push(
      error(
        'settings',
        'MAX_BODY_BYTES',
        'MAX_BODY_BYTES is not a whole number of bytes',
        'set it in wrangler.toml [vars], or remove it (1 MiB)',
      ),
    );
  return { checks, usable: missing.length === 0 && base.status !== 'error' };
}

/** Gotipath's API, the local stand-in for a local relay, and nothing in between without a word. */
function apiBaseCheck(value: string, relay: URL): Check {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return error(
      'settings',
      'GOTIPATH_API_BASE',
      'GOTIPATH_API_BASE is not a URL',
      `remove it from [vars] (default ${DEFAULT_GOTIPATH_BASE})`,
    );
  }
  if (url.origin === DEFAULT_GOTIPATH_BASE)
    return ok('settings', 'GOTIPATH_API_BASE', `calls go to Gotipath's API, ${url.origin}`);
  if (isLoopback(url.hostname) && isLoopback(relay.hostname))
    return ok('settings', 'GOTIPATH_API_BASE', `calls go to the local Gotipath stand-in, ${url.origin}`);
  if (isLoopback(url.hostname))
    return error(
      'settings',
      'GOTIPATH_API_BASE',
      `a deployed relay calls ${url.origin}, a local address`,
      `remove GOTIPATH_API_BASE from [vars] (default ${DEFAULT_GOTIPATH_BASE}) and deploy again`,
    );
  if (url.protocol !== 'https:')
    return error(
      'settings',
      'GOTIPATH_API_BASE',
      `calls go to ${url.origin} over plain HTTP: the API key would travel unencrypted`,
      'use an https:// URL',
    );
  return warning(
    'settings',
    'GOTIPATH_API_BASE',
    `calls go to ${url.origin}, not Gotipath's API (${DEFAULT_GOTIPATH_BASE})`,
    'remove GOTIPATH_API_BASE from [vars] unless this is on purpose',
  );
}
