// Builders for the intruder tests: every route the app serves (read from Hono's own route list, so a new
// route is covered without editing a test), and snapshots of everything an attack could have changed.
import { env } from 'cloudflare:workers';
import { app } from '../../../src/app';
import { TEST_BINDINGS } from '../../setup/bindings';
import { admin } from './helpers';

export interface Route {
  method: string;
  /** The route's pattern, e.g. `/admin/config/versions/:version`. */
  pattern: string;
  /** The pattern with each parameter filled in, so the request reaches the route's handler. */
  path: string;
}

const SAMPLES: Record<string, string> = { source: 'contentful', name: 'main', documentId: 'doc-1', id: 'evt-1' };

/** A value a `:name{regex}` parameter accepts: the regex's first alternative, a number, or a sample. */
function sample(name: string, regex: string | undefined): string {
  if (regex?.includes('|')) return regex.split('|')[0]!;
  if (regex?.includes('0-9') || name === 'version') return '1';
  return SAMPLES[name] ?? 'x';
}

const fill = (pattern: string) =>
  pattern.replace(/:(\w+)(?:\{([^}]*)\})?/g, (_, name: string, regex: string | undefined) => sample(name, regex));

/** Every method + path the app registers (middleware `ALL` entries left out), once each. */
export function appRoutes(): Route[] {
  const seen = new Set<string>();
  const routes: Route[] = [];
  for (const { method, path } of app.routes) {
    const key = `${method} ${path}`;
    if (method === 'ALL' || seen.has(key)) continue;
    seen.add(key);
    routes.push({ method, pattern: path, path: fill(path) });
  }
  return routes;
}

/** The admin API's routes (bearer token): everything under /admin but the console pages. */
export const adminApiRoutes = () =>
  appRoutes().filter((r) => r.pattern.startsWith('/admin/') && !r.pattern.startsWith('/admin/ui'));

/** The console's pages and forms (session cookie), less the login form itself. */
export const consoleRoutes = () =>
  appRoutes().filter((r) => r.pattern.startsWith('/admin/ui') && !r.pattern.startsWith('/admin/ui/login'));

/** Every value of the KV namespace, by key: what a refused request must leave as it was. */
export async function kvSnapshot(): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await env.CONFIG.list(cursor ? { cursor } : {});
    for (const key of page.keys) out[key.name] = await env.CONFIG.get(key.name);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return out;
}

/** Paths queued per distribution and kind, as /admin/status reports them. */
export async function queuedSnapshot(): Promise<unknown> {
  const status = await (
    await admin('/status')
  ).json<{
    configVersion: number;
    distributions: { distribution: string; pending: unknown; deadLetters: unknown }[];
  }>();
  const queues = status.distributions.map((d) => ({ name: d.distribution, pending: d.pending, deadLetters: d.deadLetters }));
  return { configVersion: status.configVersion, queues };
}

/** The values an intruder must never see: the admin token, the Gotipath key, every webhook secret. */
export function secretValues(): [name: string, value: string][] {
  const notSecret = new Set(['GOTIPATH_CLIENT_ID', 'GOTIPATH_LIBRARY_ID', 'MAX_BODY_BYTES']);
  return Object.entries(TEST_BINDINGS).filter(([name]) => !notSecret.has(name));
}

/** Bytes per chunk of `endlessBody`. */
export const CHUNK = 16_384;

/** An endless request body of CHUNK-byte chunks that counts how many the reader pulled. */
export function endlessBody() {
  const counter = { pulled: 0 };
  const chunk = new Uint8Array(CHUNK).fill(0x20);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        counter.pulled++;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}
