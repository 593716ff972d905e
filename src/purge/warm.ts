// The `http-get` warming mode: GET each public URL through the CDN, a few at a time, instead of Gotipath's prefetch API.

export interface WarmOptions {
  /** The distribution's public origin, e.g. `https://www.example.com`. */
  baseUrl: string;
  concurrency: number;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Sees each answer before its body is read (the tag index learns from its headers). */
  onResponse?: (path: string, response: Response) => void;
}

/**
 * Fetches every path, reading each body to its end so the edge stores the whole object; returns each status (0: no
 * answer). Redirects are never followed (`redirect: "manual"`): a `Location` is the origin's (or an editor's) to
 * choose and may name a host the config does not, so the relay would fetch it; the 3xx itself is what the CDN
 * caches for that path, so it counts as warmed.
 */
export async function warmPaths(paths: readonly string[], options: WarmOptions): Promise<number[]> {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const statuses: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < paths.length; i = next++) {
      try {
        const response = await doFetch(`${base}${paths[i]}`, {
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        options.onResponse?.(paths[i]!, response);
        await response.body?.pipeTo(new WritableStream());
        statuses[i] = response.status;
      } catch {
        statuses[i] = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, paths.length) }, worker));
  return statuses;
}
