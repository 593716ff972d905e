// Reads cache tags from an origin's response headers, in the forms the CDNs that define them document.
import { DEFAULT_TAG_HEADERS, isTag } from '../rules/tags-schema';

/**
 * Splits one header value into tags. `Cache-Tag` is comma-separated
 * (https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/), `Surrogate-Key` is
 * space-separated (https://www.fastly.com/documentation/reference/http/http-headers/Surrogate-Key/);
 * both separators are accepted in every header, so either form works under any name. Order kept, duplicates dropped.
 */
export function splitTags(value: string): string[] {
  const seen = new Set<string>();
  for (const part of value.split(/[\s,]+/)) if (isTag(part)) seen.add(part);
  return [...seen];
}

/** Every tag the named headers carry (a header repeated in a response arrives joined with ", "). */
export function readTags(headers: Headers, names: readonly string[] = DEFAULT_TAG_HEADERS): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) for (const tag of splitTags(value)) seen.add(tag);
  }
  return [...seen];
}
