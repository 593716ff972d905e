// One freshness check: GET the page from the origin (bypassing the CDN) and through the edge, then judge them.
import { judge, type PageCheck, type Seen, type ValidatorChoice } from './verdict';

export type { CheckEvidence, PageCheck, Reason, Seen, Validator, ValidatorChoice, Verdict } from './verdict';
export { REASONS } from './verdict';

/** At most this much of a body is read: the digest and the marker search cover it (a page's head and more). */
export const MAX_BODY_BYTES = 1_048_576;

/** Headers that say whether the edge answered from its cache, the first present wins. */
const CACHE_STATUS_HEADERS = ['x-cache', 'cf-cache-status', 'x-cache-status', 'cache-status'];

export interface CheckPageOptions {
  /** The page's path, as purged (starts with "/", may carry a query). */
  path: string;
  /** Where the origin answers without the CDN (the config's `verify.originBaseUrl`). */
  originBaseUrl: string;
  /** The site through the CDN (the config's `publicBaseUrl`). */
  edgeBaseUrl: string;
  /** Sent to the origin only: the configured header (its value from a Worker secret). */
  originHeaders?: Readonly<Record<string, string>>;
  validator: ValidatorChoice;
  /** The event's marker, rendered when the path was queued; empty or absent: the validator decides. */
  marker?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** The URL of a path under a base, or undefined when it would leave the base's host (only hosts from the config). */
export function pageUrl(baseUrl: string, path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  try {
    const base = new URL(baseUrl);
    const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
    return url.origin === base.origin ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Reads at most MAX_BODY_BYTES of a body, then lets the rest go. */
async function readCapped(response: Response): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const body = new Uint8Array(Math.min(size, MAX_BODY_BYTES));
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk.subarray(0, body.length - at), at);
    at += Math.min(chunk.byteLength, body.length - at);
  }
  return body;
}

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Whether the marker appears in a header value or the body, as written or HTML-escaped. */
function carries(marker: string, headers: Headers, body: Uint8Array): boolean {
  const text = `${[...headers.values()].join('\n')}\n${new TextDecoder().decode(body)}`;
  return text.includes(marker) || text.includes(escapeHtml(marker));
}

/** One GET, redirects not followed, within the timeout; what it showed (never throws). */
export async function observe(
  baseUrl: string,
  path: string,
  options: Pick<CheckPageOptions, 'timeoutMs' | 'fetch' | 'marker'> & { headers?: Readonly<Record<string, string>> },
): Promise<Seen> {
  const url = pageUrl(baseUrl, path);
  if (!url) return { url: `${baseUrl}${path}`, status: 0, error: 'not under the configured host' };
  try {
    const response = await (options.fetch ?? fetch)(url, {
      redirect: 'manual',
      headers: options.headers,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const body = await readCapped(response);
    const h = response.headers;
    const age = Number.parseInt(h.get('age') ?? '', 10);
    const cacheStatus = CACHE_STATUS_HEADERS.map((name) => h.get(name)).find((v) => v !== null);
    return {
      url,
      status: response.status,
      ...(h.get('etag') && { etag: h.get('etag')! }),
      ...(h.get('last-modified') && { lastModified: h.get('last-modified')! }),
      ...(response.status < 300 && { digest: hex(await crypto.subtle.digest('SHA-256', body)) }),
      ...(Number.isFinite(age) && { age }),
      ...(cacheStatus && { cacheStatus }),
      ...(options.marker && { marker: carries(options.marker, h, body) }),
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { url, status: 0, error: timedOut ? `no answer within ${options.timeoutMs} ms` : String(error) };
  }
}

/** Fetches the page from the origin and through the edge at once and judges them. */
export async function checkPage(options: CheckPageOptions): Promise<PageCheck> {
  const { path, timeoutMs, marker } = options;
  const [origin, edge] = await Promise.all([
    observe(options.originBaseUrl, path, { timeoutMs, marker, fetch: options.fetch, headers: options.originHeaders }),
    observe(options.edgeBaseUrl, path, { timeoutMs, marker, fetch: options.fetch }),
  ]);
  return judge(origin, edge, { validator: options.validator, marker });
}
