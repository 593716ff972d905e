// What the admin routes look up in the live config, each a 404 that names what is missing: the config
// itself (none saved yet), a distribution by name (with its scheduler), a source by id.
import { notFound } from '../errors';
import { schedulerFor } from '../purge/scheduler';
import { loadConfigOr503 } from '../rules/store';

export async function requireConfig(env: Env) {
  const loaded = await loadConfigOr503(env.CONFIG);
  if (!loaded) throw notFound('no config has been saved yet: PUT /admin/config');
  return loaded;
}

/** A distribution named in the live config, with its scheduler. */
export async function requireDistribution(env: Env, name: string) {
  const loaded = await requireConfig(env);
  const config = loaded.config.distributions[name];
  if (!config) throw notFound(`unknown distribution "${name}"`);
  return { loaded, name, config, scheduler: schedulerFor(env, config.id) };
}

/** A source named in the live config. */
export async function requireSource(env: Env, id: string) {
  const loaded = await requireConfig(env);
  const source = loaded.config.sources[id];
  if (!source) throw notFound(`unknown source "${id}"`);
  return { loaded, source };
}
