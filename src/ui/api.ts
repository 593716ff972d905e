// The console reads and changes everything through the admin API, in process: the same code, the same
// validation, and pages for routes this version lacks can say so instead of breaking.
import type { Context } from 'hono';
import { readAdminSettings } from '../settings';
import type { Session } from './session';

/** What the console needs of the app: its fetch, to call `/admin/...` without leaving the isolate. */
export interface AdminApi {
  fetch(request: Request, env: Env, ctx?: ExecutionContext): Response | Promise<Response>;
}

/** A page's entry in the console's navigation: its path under /admin/ui and its name. */
export interface NavEntry {
  slug: string;
  title: string;
}

export type ConsoleEnv = {
  Bindings: Env;
  Variables: { session: Session; nonce: string; api: AdminApi; nav: readonly NavEntry[] };
};
export type ConsoleContext = Context<ConsoleEnv>;

export interface ApiIssue {
  path: string;
  message: string;
}

export type ApiResult<T> =
  { ok: true; status: number; body: T } | { ok: false; status: number; error: string; issues: ApiIssue[]; unavailable: boolean };

/** Calls an admin route (`/admin/...`) as the logged-in operator; never throws on an HTTP error. */
export async function adminCall<T>(c: ConsoleContext, method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const request = new Request(new URL(path, c.req.url), {
    method,
    headers: { authorization: `Bearer ${readAdminSettings(c.env).ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let ctx: ExecutionContext | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    // No execution context outside a real request (some tests): the admin routes do not need one.
  }
  const response = await c.get('api').fetch(request, c.env, ctx);
  const json: unknown = await response.json().catch(() => ({}));
  if (response.ok) return { ok: true, status: response.status, body: json as T };
  const error = json as { error?: unknown; issues?: unknown };
  const message = typeof error.error === 'string' ? error.error : `HTTP ${response.status}`;
  return {
    ok: false,
    status: response.status,
    error: message,
    issues: Array.isArray(error.issues) ? (error.issues as ApiIssue[]) : [],
    // The app answers an unknown route with `no route for …`: that feature is not in this version.
    unavailable: (response.status === 404 || response.status === 405) && message.startsWith('no route for'),
  };
}

export interface LiveConfig {
  version: number;
  savedAt: string;
  config: unknown;
}

/** The names of the live config's sources or distributions (none when no config is saved). */
export async function configNames(c: ConsoleContext, section: 'sources' | 'distributions'): Promise<string[]> {
  const live = await adminCall<{ config: Partial<Record<typeof section, Record<string, unknown>>> }>(c, 'GET', '/admin/config');
  return live.ok ? Object.keys(live.body.config[section] ?? {}) : [];
}

/** GET /admin/config: the live document and its version. */
export const loadLive = (c: ConsoleContext) => adminCall<LiveConfig>(c, 'GET', '/admin/config');
