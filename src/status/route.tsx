// GET /status/{eventId}?exp=…&sig=…: the editor's public status page. The signature is checked before anything is
// read (tampered 403, expired 410, unknown event 404, each a page that says so); no admin token, no other route.
import type { Context } from 'hono';
import { Hono } from '../lib/hono';
import { toBase64 } from '../lib/bytes';
import { log } from '../lib/log';
import { notifierStub } from '../notify/client';
import { checkStatusLink, statusLinkKey } from '../notify/status-link';
import { schedulerFor } from '../purge/scheduler';
import { loadConfig } from '../rules/store';
import { ErrorPage, StatusPage } from './page';
import { statusReport, type DistributionFacts } from './report';

type StatusContext = Context<{ Bindings: Env }>;

function headers(c: StatusContext, nonce: string): void {
  c.header(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
  );
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
  c.header('X-Robots-Tag', 'noindex');
}

const ERRORS = {
  403: ['This status link is not valid', 'The link was changed or is incomplete. Use the link exactly as you received it.'],
  410: ['This status link has expired', 'Status links work for a limited time. Ask for a new one, or look at the page itself.'],
  404: [
    'No record of this change',
    'The relay has no record of this change: it is older than the relay keeps, or it queued nothing.',
  ],
  503: ['Status links are not set up', 'The relay cannot check status links right now; its operators can see why in its log.'],
} as const;

function errorPage(c: StatusContext, nonce: string, status: keyof typeof ERRORS) {
  const [title, text] = ERRORS[status];
  return c.html(<ErrorPage nonce={nonce} title={title} text={text} />, status);
}

/** Each distribution the event reached: its pages' journeys and what its scheduler says about waiting. */
async function facts(env: Env, eventId: string): Promise<DistributionFacts[]> {
  const loaded = await loadConfig(env.CONFIG);
  const found = await Promise.all(
    Object.entries(loaded?.config.distributions ?? {}).map(async ([name, d]): Promise<DistributionFacts | undefined> => {
      const scheduler = schedulerFor(env, d.id);
      const journey = await scheduler.journey(eventId);
      if (journey.length === 0) return undefined;
      const status = await scheduler.status(d);
      return { name, journey: [...journey], health: status.health, nextSendAt: status.nextSendAt };
    }),
  );
  return found.filter((f): f is DistributionFacts => f !== undefined);
}

export const statusRoutes = new Hono<{ Bindings: Env }>().get('/:eventId', async (c) => {
  const nonce = toBase64(crypto.getRandomValues(new Uint8Array(16)));
  headers(c, nonce);
  const eventId = c.req.param('eventId');
  let key: Uint8Array;
  try {
    key = await statusLinkKey(c.env);
  } catch (error) {
    log('error', 'status links cannot be checked: neither STATUS_LINK_SECRET nor ADMIN_TOKEN is usable', {
      error: String(error),
    });
    return errorPage(c, nonce, 503);
  }
  const verdict = await checkStatusLink(key, eventId, c.req.query('exp'), c.req.query('sig'), Date.now());
  if (verdict !== 'ok') return errorPage(c, nonce, verdict === 'expired' ? 410 : 403);
  const [distributions, change] = await Promise.all([
    facts(c.env, eventId),
    notifierStub(c.env)
      .change(eventId)
      .catch(() => undefined),
  ]);
  if (distributions.length === 0 && !change) return errorPage(c, nonce, 404);
  return c.html(<StatusPage nonce={nonce} change={change} report={statusReport(distributions, Date.now())} />);
});
