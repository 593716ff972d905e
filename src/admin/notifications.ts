// Admin: the notification destinations and their latest attempts, and a test message to one of them.
//   GET  /admin/notifications            → {destinations: [{id, kind, events, pending, sent, failed, attempts}]}
//   POST /admin/notifications/{id}/test  → the attempt ({status, outcome, error?}); 404 for an unknown destination
import { Hono } from '../lib/hono';
import { notFound } from '../errors';
import { notifierStub } from '../notify/client';

export const notificationRoutes = new Hono<{ Bindings: Env }>()
  .get('/notifications', async (c) => c.json({ destinations: await notifierStub(c.env).report() }))
  .post('/notifications/:id/test', async (c) => {
    const id = c.req.param('id');
    const attempt = await notifierStub(c.env).sendTest(id);
    if (!attempt) throw notFound(`no notification destination "${id}" in the live config`);
    return c.json(attempt);
  });
