// Reads cache tags from an origin's response headers, in the forms the CDNs that define them document.

/** Headers read when a distribution names none: Cloudflare/Akamai, Fastly, and a common custom one. */
export const DEFAULT_TAG_HEADERS = ['cache-tag', 'surrogate-key', 'x-cache-tags'] as const;
/** Longest tag kept (Cloudflare's limit for one Cache-Tag value: 1,024 characters). */
export const MAX_TAG_LENGTH = 1024;
/** A tag: visible characters other than the comma, no whitespace. */
export const TAG_PATTERN = /^[^\s,]+$/;

export const isTag = (tag: string) => tag.length > 0 && tag.length <= MAX_TAG_LENGTH && TAG_PATTERN.test(tag);

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
