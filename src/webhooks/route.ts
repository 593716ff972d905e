// /webhooks/{sourceId}: 202 {eventId, events, paths} once the paths are durably queued. POST, or PUT and
// PATCH for the platforms that can be set to send them (405 naming the methods otherwise).
import { Hono } from '../lib/hono';
import { RelayError } from '../errors';
import { readSettings } from '../settings';
import { receiveWebhook } from './receive';

export const webhookRoutes = new Hono<{ Bindings: Env }>()
  .on(['POST', 'PUT', 'PATCH'], '/:sourceId', async (c) => {
    const answer = await receiveWebhook(c.env, readSettings(c.env), c.req.raw, c.req.param('sourceId'));
    // A redelivery is answered 200 with the first receipt, a ping or a platform's control message the relay
    // handled itself (an SNS subscription confirmation) 200: acknowledged, nothing queued.
    return c.json(answer, 'ping' in answer || answer.duplicate || answer.handshake ? 200 : 202);
  })
  .all('/:sourceId', () => {
    throw new RelayError(405, 'webhooks are delivered with POST: choose POST in the webhook settings', {
      details: { allow: ['POST'] },
    });
  });
