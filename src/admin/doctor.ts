// Admin: GET /admin/doctor — the checks of this relay's deployment (src/doctor/), for the CLI and the console.
import { Hono } from '../lib/hono';
import { badRequest } from '../errors';
import { runDoctor } from '../doctor/run';

/** A path to probe: as a manual purge's paths are (admin/bodies.ts), and nothing a query string could smuggle in. */
const PROBE_PATH = /^\/[^\s]{0,2047}$/;

export const doctorRoutes = new Hono<{ Bindings: Env }>().get('/doctor', async (c) => {
  const probePurge = c.req.query('probePurge');
  const offline = c.req.query('offline');
  if (offline !== undefined && offline !== '1' && offline !== '0') throw badRequest('offline is 1 or 0');
  if (probePurge !== undefined && !PROBE_PATH.test(probePurge))
    throw badRequest('probePurge must be a path starting with "/" (at most 2048 characters, no spaces)');
  if (probePurge !== undefined && offline === '1') throw badRequest('probePurge calls Gotipath: it cannot be offline');
  return c.json(await runDoctor(c.env, { relay: new URL(c.req.url), offline: offline === '1', probePurge }));
});
