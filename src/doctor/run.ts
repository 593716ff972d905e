// `GET /admin/doctor`: every check of a running relay in one report — settings, config, sources, schedules, and
// (unless offline) Gotipath for each distribution, the public sites and the key URLs.
import { schedulerFor } from '../purge/scheduler';
import type { RelayConfig } from '../rules/schema';
import { loadConfigOr503 } from '../rules/store';
import { workerSecret } from '../settings';
import { deployedCrons, distributionChecks, scheduleChecks } from './config';
import { gotipathChecks } from './gotipath';
import { networkChecks } from './network';
import { error, isLoopback, report, type Check, type DoctorReport } from './report';
import { settingsChecks } from './settings';
import { sourceChecks } from './sources';

export interface DoctorOptions {
  /** The URL the doctor was asked at: tells a local relay from a deployed one, and HTTPS from plain HTTP. */
  relay: URL;
  /** Only what needs no call out (settings, config, sources, schedules): the console's banner. */
  offline?: boolean;
  /** One real URL purge of this path per distribution, with the configured type. */
  probePurge?: string;
}

export async function runDoctor(env: Env, options: DoctorOptions): Promise<DoctorReport> {
  const { checks, usable } = settingsChecks(env, options.relay);
  const loaded = await loadConfigOr503(env.CONFIG);
  if (!loaded) {
    checks.push(
      error(
        'config',
        'config',
        'no config has been saved yet: nothing is purged',
        'purge-relay init, then purge-relay config push purge-relay.config.json',
      ),
    );
    return report(checks);
  }
  const { config } = loaded;
  const apiBase = workerSecret(env, 'GOTIPATH_API_BASE');
  const local = isLoopback(options.relay.hostname) && isLoopback(hostOf(apiBase));
  const sources = sourceChecks(config, env, options.relay);
  const crons = deployedCrons(workerSecret(env, 'DEPLOYED_CRONS'));
  checks.push(...distributionChecks(config, local), ...sources.checks, ...scheduleChecks(config, crons, 'as deployed'));
  if (options.offline) return report(checks);
  checks.push(...(await networkChecks(config, sources.keyUrls)));
  if (usable) checks.push(...(await gotipath(env, config, options.probePurge)));
  return report(checks);
}

/** The host of a URL setting, '' when it is unset or no URL. */
function hostOf(url: string | undefined): string {
  try {
    return url === undefined ? '' : new URL(url).hostname;
  } catch {
    return '';
  }
}

async function gotipath(env: Env, config: RelayConfig, probe?: string) {
  const found = await Promise.all(
    Object.entries(config.distributions).map(async ([name, d]): Promise<Check[]> => {
      const diagnosis = await schedulerFor(env, d.id).diagnose(d, config.gotipath, probe);
      return gotipathChecks(name, d.id, diagnosis);
    }),
  );
  return found.flat();
}
