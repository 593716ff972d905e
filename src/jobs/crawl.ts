// Cron: starts the sitemap crawl of every distribution whose `tags.crawl.cron` is the trigger that fired.
import { schedulerFor } from '../purge/scheduler';
import type { RelayConfig } from '../rules/schema';
import { log } from '../lib/log';
import { normalizeCron } from '../lib/cron-expression';

/** The distributions (by name) whose crawl this trigger starts. */
export function crawlsFor(config: RelayConfig, cron: string): string[] {
  const fired = normalizeCron(cron);
  return Object.entries(config.distributions)
    .filter(([, d]) => d.tags.crawl && normalizeCron(d.tags.crawl.cron) === fired)
    .map(([name]) => name);
}

export async function startCrawls(env: Env, config: RelayConfig, cron: string): Promise<number> {
  const names = crawlsFor(config, cron);
  for (const name of names) {
    const distribution = config.distributions[name]!;
    const { started } = await schedulerFor(env, distribution.id).startCrawl({ name, config: distribution });
    log('info', started ? 'tag crawl started' : 'tag crawl still running', { distribution: name, cron });
  }
  return names.length;
}
