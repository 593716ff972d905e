// Doctor, over the network: each distribution's public site answers, each key URL serves usable keys. Only URLs
// the config names are fetched.
import { keysAt } from '../providers/keys';
import type { RelayConfig } from '../rules/schema';
import { error, ok, warning, type Check } from './report';
import type { KeyUrl } from './sources';

const TIMEOUT_MS = 5_000;

/** GET publicBaseUrl: any answer below 500 means the site is there (the origin decides what `/` is). */
async function siteCheck(name: string, d: RelayConfig['distributions'][string]): Promise<Check | undefined> {
  if (!d.publicBaseUrl) return undefined;
  const needed = d.warming.mode === 'http-get' || d.tags.crawl !== undefined;
  const subject = `distribution ${name}`;
  const fail = needed ? error : warning;
  const fix = `check distributions.${name}.publicBaseUrl${needed ? ' (warming by http-get and the sitemap crawl need it)' : ''}`;
  try {
    const response = await fetch(d.publicBaseUrl, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    await response.body?.cancel();
    if (response.status < 500) return ok('urls', subject, `publicBaseUrl ${d.publicBaseUrl} answers ${response.status}`);
    return fail('urls', subject, `publicBaseUrl ${d.publicBaseUrl} answers ${response.status}`, fix);
  } catch (cause) {
    const why = (cause as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause as Error).message;
    return fail('urls', subject, `publicBaseUrl ${d.publicBaseUrl} cannot be reached: ${why}`, fix);
  }
}

/** A key URL must serve at least one key verification can use (what verification imports, cached as it does). */
async function keyCheck({ source, url, algorithm }: KeyUrl): Promise<Check> {
  try {
    const ring = await keysAt({ source, url, algorithm }, Date.now());
    return ok('urls', `source ${source}`, `key URL ${url} serves ${ring.all.length} usable key(s)`);
  } catch (caught) {
    const { message, cause } = caught as Error;
    const why = cause === undefined ? message : `${message} (${String(cause)})`;
    return error(
      'urls',
      `source ${source}`,
      `key URL ${url}: ${why}`,
      `check the source's key URL option (${url}); its webhooks are answered 503 until it serves keys`,
    );
  }
}

export async function networkChecks(config: RelayConfig, keyUrls: readonly KeyUrl[]): Promise<Check[]> {
  const sites = await Promise.all(Object.entries(config.distributions).map(([name, d]) => siteCheck(name, d)));
  const keys = await Promise.all(keyUrls.map(keyCheck));
  return [...sites.filter((c): c is Check => c !== undefined), ...keys];
}
