// The Hono app: webhooks and admin routers, one error handler.
import { Hono } from './lib/hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { adminRoutes } from './admin/route';
import { operatorMessage, RelayError } from './errors';
import { log } from './lib/log';
import { createConsole } from './ui/route';
import { statusRoutes } from './status/route';
import { tagRoutes } from './tags/route';
import { webhookRoutes } from './webhooks/route';

/** `operator`: set once a request has shown the admin token, so an error may tell it the internal detail. */
export const app = new Hono<{ Bindings: Env; Variables: { operator?: true } }>();

app.get('/', (c) => c.json({ name: 'purge-relay', webhooks: '/webhooks/{sourceId}', admin: '/admin' }));
app.route('/webhooks', webhookRoutes);
app.route('/tags', tagRoutes);
app.route('/status', statusRoutes); // the editors' signed status links: public, read-only
app.route('/admin', createConsole(app)); // the console (own login), /admin/docs, /admin/openapi.json: before the bearer check
app.route('/admin', adminRoutes);

app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

app.onError((error, c) => {
  if (error instanceof RelayError) {
    if (error.status >= 500)
      log('error', operatorMessage(error), { path: new URL(c.req.url).pathname, cause: String(error.cause ?? '') });
    const details = error.details && typeof error.details === 'object' ? error.details : {};
    const message = c.get('operator') ? operatorMessage(error) : error.message;
    return c.json({ error: message, ...details }, error.status as ContentfulStatusCode, error.headers);
  }
  if (error instanceof HTTPException) {
    return c.json({ error: error.message || 'request failed' }, error.status);
  }
  log('error', 'unhandled error', { path: new URL(c.req.url).pathname, error: String(error), stack: (error as Error).stack });
  return c.json({ error: 'internal error' }, 500);
});
