// Admin: POST /admin/preview explains what a payload would purge, without a signature and without purging:
// the normalized event, each matched rule with its variables and paths, the misses, the remembered paths.
import { Hono } from '../lib/hono';
import { badRequest, notFound } from '../errors';
import { utf8 } from '../lib/bytes';
import { createEvent } from '../providers/event';
import { getProvider } from '../providers/registry';
import { parseJsonBody } from '../providers/support';
import { memoryKey, planEvent } from '../purge/event-plan';
import { matchEvent } from '../rules/matcher';
import { recallOr503 } from '../sources/state';
import { PreviewBody, readJson } from './bodies';
import { requireSource } from './lookup';
import { withTagExpansion } from './tag-preview';

function toHeaders(record: Record<string, string>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(record)) {
    try {
      headers.set(name, value);
    } catch {
      throw badRequest(`headers: "${name}" is not a valid header name or its value is not a valid header value`);
    }
  }
  return headers;
}

export const previewRoutes = new Hono<{ Bindings: Env }>().post('/preview', async (c) => {
  const input = await readJson(c.req.raw, PreviewBody);
  const { loaded, source } = await requireSource(c.env, input.source);
  const provider = getProvider(source.provider);
  if (!provider) throw notFound(`unknown source "${input.source}"`);
  const raw = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const request = { method: 'POST', url: new URL(c.req.url), headers: toHeaders(input.headers), body: utf8(raw) };
  const event = createEvent(provider, input.source, source, request, parseJsonBody(request.body));
  const result = matchEvent(loaded, event, { explain: true });
  const { matches, misses, otherRules } = result;
  const key = memoryKey(event, result);
  const recalled = key ? await recallOr503(c.env, input.source, key) : [];
  const plan = planEvent(loaded.config, event, result, recalled);
  const remembered = key && {
    document: key,
    /** Paths remembered from earlier events, purged with this one. */
    recalled,
    /** What the memory would hold afterwards. */
    next: plan.memory === undefined ? 'unchanged' : (plan.memory.items ?? 'forget'),
  };
  const explained = await withTagExpansion(c.env, loaded.config, matches);
  return c.json({
    configVersion: loaded.version,
    event,
    matches: explained,
    misses,
    otherRules,
    remembered: remembered ?? null,
    work: plan.work,
  });
});
