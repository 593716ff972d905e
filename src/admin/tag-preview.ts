// Preview/explain: each matched rule's tags with the paths the tag index gives them now (what a send would purge).
import { schedulerFor } from '../purge/scheduler';
import type { RuleMatch } from '../rules/matcher';
import type { RelayConfig } from '../rules/schema';
import { planTag, tagPlanOptions } from '../purge/tag-plan';

/** Paths listed per tag in a preview; the count is always whole. */
const SHOWN = 100;

export async function withTagExpansion(env: Env, config: RelayConfig, matches: readonly RuleMatch[]) {
  return Promise.all(
    matches.map(async (m) => {
      if (m.tags.length === 0) return m;
      const d = config.distributions[m.distribution];
      if (!d) return m;
      const scheduler = schedulerFor(env, d.id);
      const tagPaths = await Promise.all(
        m.tags.map(async (tag) => {
          const paths = (await scheduler.tagPaths(tag, d)).map((p) => p.path);
          const plan = planTag(tag, paths, tagPlanOptions(d));
          return {
            tag,
            count: paths.length,
            paths: plan.urls.slice(0, SHOWN),
            patterns: plan.patterns.map((g) => g.pattern),
            ...(plan.escalation && { escalation: plan.escalation.reason }),
          };
        }),
      );
      return { ...m, tagPaths };
    }),
  );
}
