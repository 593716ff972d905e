// What a "why" request names: a path of a distribution, given as a path or as a full URL of the distribution's
// public site (its origin stripped). Anything else is a 400 that says what to give.
import { badRequest, notFound } from '../errors';
import type { RelayConfig } from '../rules/schema';

export const MAX_PATH_LENGTH = 2048;

/** A path as the ledger keeps it: starts with "/", no whitespace or control characters, no fragment. */
const PATH = /^\/[^\s#\u0000-\u001f\u007f]*$/;

/** The named distribution, or the only one, or the one whose publicBaseUrl the URL is on. */
export function chooseDistribution(config: RelayConfig, name: string | undefined, input: string): string {
  const names = Object.keys(config.distributions);
  if (name !== undefined) {
    if (!(name in config.distributions)) throw notFound(`unknown distribution "${name}"`);
    return name;
  }
  if (names.length === 1) return names[0]!;
  const origin = URL.canParse(input) ? new URL(input).origin : undefined;
  const byUrl = names.filter((n) => {
    const base = config.distributions[n]!.publicBaseUrl;
    return origin !== undefined && base !== undefined && new URL(base).origin === origin;
  });
  if (byUrl.length === 1) return byUrl[0]!;
  throw badRequest(`name the distribution: distribution is one of ${names.join(', ')}`);
}

/** The path of `input` on the distribution: a path as is, or a URL of its publicBaseUrl without the origin. */
export function pathOf(input: string, publicBaseUrl: string | undefined): string {
  const text = input.trim();
  if (text === '') throw badRequest('path is empty: give a path such as /blog/hello or a URL of the site');
  if (text.length > MAX_PATH_LENGTH) throw badRequest(`path is longer than ${MAX_PATH_LENGTH} characters`);
  if (text.startsWith('/')) {
    if (text.startsWith('//') || !PATH.test(text))
      throw badRequest('path must start with one "/" and have no spaces, control characters or "#"');
    return text;
  }
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol))
    throw badRequest(`path must start with "/" or be a full http(s) URL of the site, got "${text.slice(0, 100)}"`);
  const url = new URL(text);
  if (!publicBaseUrl)
    throw badRequest('this distribution has no publicBaseUrl, so a full URL cannot be read: give the path (starting with "/")');
  const base = new URL(publicBaseUrl);
  if (url.origin !== base.origin)
    throw badRequest(`${url.origin} is not this distribution's site (${base.origin}): give a path or a URL of ${base.origin}`);
  return `${url.pathname}${url.search}`;
}
