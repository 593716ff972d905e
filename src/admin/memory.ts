// Admin: read or seed a source's path memory (id-only platforms never send a slug: seed it from a catalog).
import { Hono } from '../lib/hono';
import * as z from 'zod/mini';
import { notFound } from '../errors';
import type { MemoryItem } from '../rules/matcher';
import { PRIORITY } from '../rules/rule-schema';
import { sourceStateFor } from '../sources/state';
import { recallOr503 } from '../sources/state';
import { readJson } from './bodies';
import { requireSource } from './lookup';

const SeedPath = z.strictObject({
  distribution: z.string().check(z.minLength(1)),
  path: z.string().check(z.regex(/^\//, 'a path must start with "/"'), z.maxLength(2048)),
  kind: z._default(z.enum(['url', 'pattern']), 'url'),
  priority: z._default(z.enum(['page', 'listing', 'other']), 'page'),
});

const SeedBody = z.strictObject({
  /** Each document's paths replace what is remembered for it; an empty list forgets it. */
  documents: z
    .array(z.strictObject({ id: z.string().check(z.minLength(1)), type: z.optional(z.string()), paths: z.array(SeedPath) }))
    .check(z.minLength(1), z.maxLength(1000)),
});

export const memoryRoutes = new Hono<{ Bindings: Env }>()
  .get('/memory/:source/:documentId', async (c) => {
    const source = c.req.param('source');
    await requireSource(c.env, source);
    const type = c.req.query('type');
    const key = { id: c.req.param('documentId'), ...(type !== undefined && { type }) };
    return c.json({ source, document: key, paths: await recallOr503(c.env, source, key) });
  })
  .put('/memory/:source', async (c) => {
    const source = c.req.param('source');
    const { loaded } = await requireSource(c.env, source);
    const { documents } = await readJson(c.req.raw, SeedBody);
    for (const [i, d] of documents.entries()) {
      const unknown = d.paths.find((p) => !(p.distribution in loaded.config.distributions));
      if (unknown) throw notFound(`documents[${i}]: unknown distribution "${unknown.distribution}"`);
    }
    const entries = documents.map((d) => ({
      key: d.type === undefined ? { id: d.id } : { id: d.id, type: d.type },
      items: d.paths.map((p): MemoryItem => ({
        distribution: p.distribution,
        path: p.path,
        kind: p.kind,
        priority: PRIORITY[p.priority],
      })),
    }));
    await sourceStateFor(c.env, source).seedPaths(entries);
    return c.json({ source, documents: entries.length });
  });
