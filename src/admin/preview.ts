// Admin: POST /admin/preview explains what a payload would purge, without a signature and without purging:
// the normalized event, each matched rule with its variables and paths, the misses, the remembered paths.
import { Hono } from '../lib/hono';
import { badRequest, notFound } from '../errors';
import { utf8 } from '../lib/bytes';
import { createEvent } from '../providers/event';
import { getProvider } from '../providers/registry';
import { parseJsonBody } from '../providers/support';
import { collectWork } from '../purge/enqueue';
import { matchEvent } from '../rules/matcher';
import { planMemory, rememberedWork } from '../sources/memory-plan';
import { recallOr503 } from '../webhooks/receive';
import { PreviewBody, readJson } from './bodies';
import { requireConfig } from './config';
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
  const loaded = await requireConfig(c.env);
  const source = loaded.config.sources[input.source];
  const provider = source && getProvider(source.provider);
  if (!source || !provider) throw notFound(`unknown source "${input.source}"`);
  const raw = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const request = { method: 'POST', url: new URL(c.req.url), headers: toHeaders(input.headers), body: utf8(raw) };
  const event = createEvent(provider, input.source, source, request, parseJsonBody(request.body));
  const result = matchEvent(loaded, event, { explain: true });
  const { matches, misses, otherRules } = result;
  const plan = planMemory(event, result);
  const recalled = plan ? await recallOr503(c.env, input.source, plan.key) : [];
  const work = collectWork([...matches, ...rememberedWork(recalled, loaded.config)]);
  const remembered = plan && {
    document: plan.key,
    /** Paths remembered from earlier events, purged with this one. */
    recalled,
    /** What the memory would hold afterwards. */
    next: plan.store === null ? 'forget' : (plan.store ?? 'unchanged'),
  };
  const explained = await withTagExpansion(c.env, loaded.config, matches);
  return c.json({
    configVersion: loaded.version,
    event,
    matches: explained,
    misses,
    otherRules,
    remembered: remembered ?? null,
    work,
  });
});
