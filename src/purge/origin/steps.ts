// One origin step as HTTP requests (built without I/O), and sending them: no redirects followed, within a timeout.
import type { OriginStepConfig } from '../../rules/origin-schema';

/** What a step is run for: the event's URL paths and cache tags. */
export interface StepInput {
  event: string;
  paths: readonly string[];
  tags: readonly string[];
}

export interface OriginRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A Worker secret's value by name (throws, naming the setting, when it is missing). */
export type SecretOf = (name: string) => string;

const regexEscape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A URL from a template; it must stay on the template's own origin (only targets from the config). */
function fill(template: string, path: string | undefined): string {
  const url = new URL(path === undefined ? template : template.replaceAll('{path}', path.replace(/^\//, '')));
  const own = new URL(template.replaceAll('{path}', 'x'));
  if (url.origin !== own.origin) throw new Error(`a path would leave ${own.origin}`);
  return url.href;
}

/** A body template with {paths}, {tags}, {event} and {path} filled in as JSON values. */
function fillBody(template: string, input: StepInput, path: string | undefined): string {
  return template
    .replaceAll('{paths}', JSON.stringify(input.paths))
    .replaceAll('{tags}', JSON.stringify(input.tags))
    .replaceAll('{event}', JSON.stringify(input.event))
    .replaceAll('{path}', JSON.stringify(path ?? ''));
}

function secretHeaders(map: Record<string, { secret: string; prefix: string }>, secretOf: SecretOf) {
  return Object.fromEntries(Object.entries(map).map(([name, { secret, prefix }]) => [name, `${prefix}${secretOf(secret)}`]));
}

/** The requests one step makes for a job: one, or one per path (a PURGE/BAN, or `{path}` in an http step). */
export function buildRequests(step: OriginStepConfig, input: StepInput, secretOf: SecretOf): OriginRequest[] {
  switch (step.type) {
    case 'nextjs':
      return [
        {
          method: 'POST',
          url: fill(step.url, undefined),
          headers: { 'content-type': 'application/json', [step.secretHeader]: secretOf(step.secret) },
          body: JSON.stringify({ paths: input.paths, tags: input.tags, event: input.event }),
        },
      ];
    case 'http': {
      const perPath = step.url.includes('{path}') || (step.body?.includes('{path}') ?? false);
      const headers = {
        ...step.headers,
        ...secretHeaders(step.secretHeaders, secretOf),
        ...(step.body !== undefined && { 'content-type': step.contentType }),
      };
      return (perPath ? input.paths : [undefined]).map((path) => ({
        method: step.method,
        url: fill(step.url, path),
        headers,
        ...(step.body !== undefined && { body: fillBody(step.body, input, path) }),
      }));
    }
    case 'purge': {
      const base = step.baseUrl.replace(/\/+$/, '');
      const headers = secretHeaders(step.secretHeaders, secretOf);
      return input.paths.map((path) => ({
        method: step.method,
        url: fill(`${base}/{path}`, path),
        headers: step.method === 'BAN' ? { ...headers, [step.banHeader]: `^${regexEscape(path)}$` } : headers,
      }));
    }
  }
}

/** How one step went: ok, or the first failure (status 0: no answer). Never carries a secret. */
export interface StepOutcome {
  ok: boolean;
  status: number;
  requests: number;
  message?: string;
}

/** Whether an answer counts as done: 2xx; for a PURGE or BAN also 404 (nothing cached under that path). */
const succeeded = (step: OriginStepConfig, status: number) =>
  (status >= 200 && status < 300) || (step.type === 'purge' && status === 404);

/** Sends a step's requests in order, stopping at the first failure. */
export async function runStep(
  step: OriginStepConfig,
  requests: readonly OriginRequest[],
  fetcher: typeof fetch = fetch,
): Promise<StepOutcome> {
  let sent = 0;
  for (const request of requests) {
    sent++;
    let status = 0;
    try {
      const response = await fetcher(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(step.timeoutMs),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const message = timedOut ? `no answer within ${step.timeoutMs} ms` : `request failed: ${String(error)}`;
      return { ok: false, status: 0, requests: sent, message: `${request.method} ${request.url}: ${message}` };
    }
    if (!succeeded(step, status)) {
      const why = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
      return { ok: false, status, requests: sent, message: `${request.method} ${request.url} answered ${status}${why}` };
    }
  }
  return { ok: true, status: 200, requests: sent };
}
