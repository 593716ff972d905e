// POST /webhooks/{sourceId}: 202 {eventId, paths} once the paths are durably queued.
import { Hono } from '../lib/hono';
import { RelayError } from '../errors';
import { readSettings } from '../settings';
import { receiveWebhook } from './receive';

export const webhookRoutes = new Hono<{ Bindings: Env }>()
  .post('/:sourceId', async (c) => {
    const receipt = await receiveWebhook(c.env, readSettings(c.env), c.req.raw, c.req.param('sourceId'));
    // A redelivery is answered 200 with the first receipt: acknowledged, nothing queued again. So is a
    // platform's control message the relay handled itself (an SNS subscription confirmation).
    return c.json(receipt, receipt.duplicate || receipt.handshake ? 200 : 202);
  })
  .all('/:sourceId', () => {
    throw new RelayError(405, 'webhooks are delivered with POST');
  });
