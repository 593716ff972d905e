// Console forms are read up to MAX_BODY_BYTES and no further: the login form is open to anyone, and an
// endless body must not be buffered whole before the token is even looked at.
import type { MiddlewareHandler } from 'hono';
import { RelayError } from '../errors';
import { readAdminSettings } from '../settings';
import { readBodyLimited } from '../lib/body';
import type { ConsoleEnv } from './api';

export const limitFormBody: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !c.req.raw.body) return next();
  let body: Uint8Array;
  try {
    body = await readBodyLimited(c.req.raw, readAdminSettings(c.env).MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof RelayError && error.status < 500) return c.text(error.message, error.status as 400 | 413);
    throw error;
  }
  // The rest of the chain (CSRF check, the page) parses this bounded copy.
  c.req.raw = new Request(c.req.raw, { body });
  await next();
};
