// Doctor: each webhook source — its secrets set, as long as its platform requires, not sent in clear; what
// verifies weakly; and the key URLs it fetches (checked over the network in network.ts).
import { getProvider } from '../providers/registry';
import type { RelayConfig, SourceConfig } from '../rules/schema';
import { workerSecret } from '../settings';
import { error, isLoopback, ok, warning, type Check } from './report';

/** Below this, a shared secret can be guessed: the relay's own floor, as for ADMIN_TOKEN. */
const SHORT_SECRET = 16;

export interface KeyUrl {
  source: string;
  url: string;
  algorithm: SubtleCryptoImportKeyAlgorithm;
}

function secretChecks(id: string, source: SourceConfig, env: object, check: (secret: string) => string | undefined): Check[] {
  const checks: Check[] = [];
  for (const name of source.secrets) {
    const value = workerSecret(env, name);
    const subject = `source ${id}`;
    if (value === undefined) {
      checks.push(
        error(
          'sources',
          subject,
          `names secret ${name}, which is not set: its webhooks are refused (500)`,
          `wrangler secret put ${name} with the secret the platform shows`,
        ),
      );
      continue;
    }
    const broken = check(value);
    if (broken)
      checks.push(
        error(
          'sources',
          subject,
          `${name}: ${broken}`,
          `copy the secret again from the platform into ${name} (wrangler secret put ${name})`,
        ),
      );
    else if (value.length < SHORT_SECRET)
      checks.push(
        warning(
          'sources',
          subject,
          `${name} is only ${value.length} characters: a short shared secret can be guessed`,
          `use a random secret of 32 characters or more, on the platform and in ${name}`,
        ),
      );
  }
  return checks;
}

/** Every source's checks, and the key URLs to fetch. */
export function sourceChecks(config: RelayConfig, env: object, relay: URL): { checks: Check[]; keyUrls: KeyUrl[] } {
  const checks: Check[] = [];
  const keyUrls: KeyUrl[] = [];
  const plainHttp = relay.protocol === 'http:' && !isLoopback(relay.hostname);
  if (Object.keys(config.sources).length === 0)
    checks.push(
      warning(
        'sources',
        'sources',
        'the config has no sources: no webhook can arrive',
        'add one per platform (purge-relay init writes a first one)',
      ),
    );
  for (const [id, source] of Object.entries(config.sources)) {
    const provider = getProvider(source.provider);
    const parsed = provider?.options.safeParse(source.options);
    if (!provider || !parsed?.success) continue; // The config was validated when saved.
    const options = parsed.data;
    const audit = provider.audit;
    const found: Check[] = [];
    const usesSecrets = provider.usesSecrets?.(options) !== false;
    if (usesSecrets) found.push(...secretChecks(id, source, env, (secret) => audit?.secretProblem?.(secret)));
    if (plainHttp && audit?.sharedToken?.(options))
      found.push(
        warning(
          'sources',
          `source ${id}`,
          `the relay answers over plain HTTP: ${source.provider} sends its token in a header anyone on the way can read`,
          'give the platform the https:// URL of the relay (turn on "Always Use HTTPS" for a custom domain)',
        ),
      );
    const weak = audit?.weakness?.(options);
    if (weak) found.push(warning('sources', `source ${id}`, `verifies weakly: ${weak}`));
    for (const key of audit?.keyUrls?.(options) ?? []) keyUrls.push({ source: id, ...key });
    const fine = usesSecrets
      ? `secrets set${source.secrets.length > 1 ? ` (${source.secrets.length}, rotating)` : ''}`
      : 'verified with public keys';
    checks.push(...(found.length > 0 ? found : [ok('sources', `source ${id}`, `${fine} (${source.provider})`)]));
  }
  return { checks, keyUrls };
}
