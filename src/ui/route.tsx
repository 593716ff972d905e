// The operator's console at /admin/ui (its own login, not the bearer token), the OpenAPI document at
// /admin/openapi.json (a static asset made at build time) and its readable page at /admin/docs.
// Mounted on /admin before the admin API.
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from '../lib/hono';
import { requireAdmin, type AdminEnv } from '../admin/auth';
import { staticDocument } from '../lib/assets';
import { toBase64 } from '../lib/bytes';
import type { AdminApi, ConsoleEnv, NavEntry } from './api';
import { currentSession, loginRoutes, requireCsrf, requireSession } from './auth';
import { DocsPage } from './docs-page';
import { limitFormBody } from './form-limit';
import type { JsonSchema } from './openapi';
import { Page } from './layout';
import { activityPage } from './pages/activity';
import { configPage } from './pages/config';
import { versionsPage } from './pages/config-versions';
import { deadLettersPage } from './pages/dead-letters';
import { deliveriesPage } from './pages/deliveries';
import { notificationsPage } from './pages/notifications';
import { overviewPage } from './pages/overview';
import { pathsPage } from './pages/paths';
import { playgroundPage } from './pages/playground';
import { purgePage } from './pages/purge';
import { tagsPage } from './pages/tags';

/**
 * The console's pages, in navigation order: each page's routes and, when it has one, its entry in the
 * navigation. Adding a page is one entry here (docs in CONTRIBUTING.md).
 */
const PAGES: { nav?: NavEntry; routes: Hono<ConsoleEnv> }[] = [
  { nav: { slug: '', title: 'Overview' }, routes: overviewPage },
  { nav: { slug: 'activity', title: 'Activity' }, routes: activityPage },
  { nav: { slug: 'deliveries', title: 'Deliveries' }, routes: deliveriesPage },
  { nav: { slug: 'playground', title: 'Playground' }, routes: playgroundPage },
  { nav: { slug: 'config', title: 'Config' }, routes: configPage },
  { routes: versionsPage },
  { nav: { slug: 'dead-letters', title: 'Dead letters' }, routes: deadLettersPage },
  { nav: { slug: 'purge', title: 'Purge' }, routes: purgePage },
  { nav: { slug: 'tags', title: 'Tags' }, routes: tagsPage },
  { nav: { slug: 'notifications', title: 'Notifications' }, routes: notificationsPage },
  { routes: pathsPage },
];

export const CONSOLE_NAV: readonly NavEntry[] = PAGES.flatMap((p) => (p.nav ? [p.nav] : []));

/** Per request: the admin API handle, a CSP nonce, the navigation, and headers that keep pages out of frames and caches. */
const prepare =
  (api: AdminApi): MiddlewareHandler<ConsoleEnv> =>
  async (c, next) => {
    const nonce = toBase64(crypto.getRandomValues(new Uint8Array(16)));
    c.set('api', api);
    c.set('nonce', nonce);
    c.set('nav', CONSOLE_NAV);
    await next();
    c.header(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
  };

/** The docs and the OpenAPI document: a console session or the bearer token (a browser without either logs in). */
const sessionOrBearer: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const session = await currentSession(c);
  if (session) {
    c.set('session', session);
    return next();
  }
  if (!c.req.header('authorization') && c.req.header('accept')?.includes('text/html')) {
    return c.redirect(`/admin/ui/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`, 303);
  }
  // Boundary: requireAdmin is typed for the admin app's context; it reads only the env and the headers.
  return requireAdmin(c as unknown as Context<AdminEnv>, next);
};

const pages = PAGES.reduce(
  (app, page) => app.route('/', page.routes),
  new Hono<ConsoleEnv>().route('/', loginRoutes).use('*', requireSession, requireCsrf),
).all('*', (c) =>
  c.html(
    <Page c={c} title="Not found">
      <p>
        No console page here. <a href="/admin/ui">Overview</a>
      </p>
    </Page>,
    404,
  ),
);

/** The console's icon (served without a session: the login page shows it too). */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b57d0"/><path d="M9 17a7 7 0 1 0 2-5" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round"/><path d="M7 7v6h6" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** The console routes; `api` is the app itself, which the console calls in process for `/admin/...`. */
export function createConsole(api: AdminApi) {
  return (
    new Hono<ConsoleEnv>()
      .use('/ui/*', prepare(api), limitFormBody)
      .use('/docs', prepare(api))
      .get('/ui/', (c) => c.redirect('/admin/ui', 301))
      .get('/ui/favicon.svg', (c) =>
        c.body(FAVICON, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' }),
      )
      .route('/ui', pages)
      // Generated at build time from the zod schemas (src/ui/openapi.ts, `npm run schema`).
      .get('/openapi.json', sessionOrBearer, (c) => c.json(staticDocument('openapi.json')))
      .get('/docs', sessionOrBearer, (c) => c.html(<DocsPage c={c} doc={staticDocument('openapi.json') as JsonSchema} />))
  );
}
