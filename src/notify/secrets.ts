// Checks of the notifications block that need the Worker's secrets or the rest of the config, made when a config is
// saved: each problem at its exact field, so a destination that could never be reached is refused up front.
import type { ConfigIssue } from '../rules/issues';
import { destinationSecrets } from './deliver';
import type { NotificationsConfig } from './schema';

interface Names {
  sources: readonly string[];
  distributions: readonly string[];
}

/** Every problem with the destinations: secrets unset, blank or not a usable URL/key; filters naming unknown things. */
export function notificationIssues(env: object, notifications: NotificationsConfig, names: Names): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  notifications.destinations.forEach((d, i) => {
    const at = `notifications.destinations[${i}]`;
    const secrets = destinationSecrets(env, d);
    if ('problem' in secrets)
      issues.push({
        path: `${at}.${secrets.problem.includes('(signingSecret)') ? 'signingSecret' : 'urlSecret'}`,
        message: `${secrets.problem} (wrangler secret put, or .dev.vars locally)`,
      });
    for (const kind of ['sources', 'distributions'] as const)
      d.filter[kind]?.forEach((name, j) => {
        if (!names[kind].includes(name))
          issues.push({ path: `${at}.filter.${kind}[${j}]`, message: `no ${kind.slice(0, -1)} "${name}" in this config` });
      });
  });
  return issues;
}
