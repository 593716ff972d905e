// Doctor: the config's distributions (no example left behind) and schedules (each cron a trigger of this Worker).
import { normalizeCron } from '../lib/cron-expression';
import type { RelayConfig } from '../rules/schema';
import { error, ok, warning, type Check } from './report';

/** Distribution ids from the examples and docs: left in a deployed config, every purge goes to no one's CDN. */
const EXAMPLE_IDS = new Set(['dist-local', '292e5d7f-a8b9-41a0-bdf0-e70347709c6f', '3f1c9a7e-0b2d-4c55-9e0f-6a7b8c9d0e1f']);

/** Example ids are an error unless the relay calls the local stand-in, where they belong. */
export function distributionChecks(config: RelayConfig, local: boolean): Check[] {
  return Object.entries(config.distributions).map(([name, d]) =>
    EXAMPLE_IDS.has(d.id) && !local
      ? error(
          'config',
          `distribution ${name}`,
          `still has the example id ${d.id}`,
          'copy your distribution’s id from Gotipath’s panel (README "Deploy") into distributions.' +
            name +
            '.id, or run purge-relay init',
        )
      : ok('config', `distribution ${name}`, `id ${d.id}`),
  );
}

/**
 * The cron triggers the Worker was deployed with: DEPLOYED_CRONS, a JSON list `npm run deploy` (and `npm start`)
 * set from wrangler.toml; undefined when it was deployed some other way (the CLI then reads wrangler.toml).
 */
export function deployedCrons(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    const list: unknown = JSON.parse(value);
    return Array.isArray(list) && list.every((c) => typeof c === 'string') ? list.map(normalizeCron) : undefined;
  } catch {
    return undefined;
  }
}

/** Every cron the config uses, with what uses it. */
export function configCrons(config: RelayConfig): { cron: string; user: string }[] {
  const schedules = config.schedules.map((s) => ({ cron: s.cron, user: `schedule ${s.id}` }));
  const crawls = Object.entries(config.distributions).flatMap(([name, d]) =>
    d.tags.crawl ? [{ cron: d.tags.crawl.cron, user: `distribution ${name}'s crawl` }] : [],
  );
  return [...schedules, ...crawls];
}

/** The config's crons that are not among the Worker's triggers (none when the triggers are unknown), as warnings. */
export function unscheduledCrons(config: RelayConfig, triggers: string[] | undefined): string[] {
  if (triggers === undefined) return [];
  const known = new Set(triggers.map(normalizeCron));
  return configCrons(config)
    .filter(({ cron }) => !known.has(normalizeCron(cron)))
    .map(
      ({ cron, user }) =>
        `${user}: "${cron}" is not among the Worker's cron triggers (${triggers.join(', ') || 'none'}), so it never runs: add it to [triggers] crons in wrangler.toml, then npm run deploy`,
    );
}

/** Each cron the config uses must be one of the triggers: Cloudflare runs nothing else. */
export function scheduleChecks(config: RelayConfig, triggers: string[] | undefined, source: string): Check[] {
  const used = configCrons(config);
  if (used.length === 0) return [ok('schedules', 'schedules', 'the config has no schedules')];
  if (triggers === undefined)
    return [
      warning(
        'schedules',
        'cron triggers',
        `the Worker does not know the cron triggers it was deployed with, so ${used.length} schedule(s) cannot be checked here`,
        'deploy with npm run deploy, or run purge-relay doctor from the checkout (it reads wrangler.toml)',
      ),
    ];
  const known = new Set(triggers.map(normalizeCron));
  return used.map(({ cron, user }) =>
    known.has(normalizeCron(cron))
      ? ok('schedules', user, `"${cron}" is a cron trigger (${source})`)
      : error(
          'schedules',
          user,
          `"${cron}" is not among the cron triggers (${source}): it never runs`,
          `add "${cron}" to [triggers] crons in wrangler.toml, then npm run deploy`,
        ),
  );
}
