// Verification for one scheduler: checks scheduled when a purge is accepted, run on its alarms, and checkNow.
import { RelayError } from '../../errors';
import { requireSecret } from '../../settings';
import type { DistributionConfig } from '../../rules/schema';
import { verifyOn } from '../../rules/verify-schema';
import type { TagIndex } from '../../tags/tag-index';
import { LEDGER_KEEP_MS } from '../ledger';
import type { Batch } from '../planner';
import type { QueuedOrigin, QueueStore } from '../queue-store';
import { CheckStore } from './checks';
import { OriginPacer, pagesToCheck } from './policy';
import type { PageCheck } from './probe';
import { checkOne, runDueChecks, type VerifyRun } from './run';
import { freshnessStatus, type FreshnessStatus } from './stats';

/** What the origin is sent: the configured header, its value from a Worker secret; or why it cannot be. */
export function originHeaders(env: object, name: string, config: DistributionConfig): Record<string, string> | string {
  const { originHeader } = config.verify;
  if (!originHeader) return {};
  try {
    return { [originHeader.name]: requireSecret(env, originHeader.secret, `distribution "${name}" verify.originHeader`) };
  } catch (error) {
    return error instanceof RelayError ? (error.internal ?? error.message) : String(error);
  }
}

export class Verifier {
  readonly checks: CheckStore;
  // One pace for every check of this distribution's origin: alarms and checkNow alike.
  private readonly pacer = new OriginPacer();

  constructor(
    private readonly sql: SqlStorage,
    private readonly store: QueueStore,
    private readonly tags: TagIndex,
  ) {
    this.checks = new CheckStore(sql);
  }

  /** Schedules the first check of each page an accepted purge reached (a sample for patterns and purge-alls). */
  purged(config: DistributionConfig, batch: Batch, covered: readonly QueuedOrigin[], at: number): void {
    if (!verifyOn(config)) return;
    const { sample, delaysMs } = config.verify;
    const pages = pagesToCheck({ kind: batch.kind, paths: batch.paths, covered }, sample, {
      recentlyPurged: (prefix, limit) => this.store.ledger.recentlyPurged(prefix, at - LEDGER_KEEP_MS, limit),
      indexed: (prefix, limit) => this.tags.pathsUnder(prefix, limit),
    });
    // A page being purged again that a pattern or purge-all covered is checked whether sampled or not.
    const chosen = new Set(pages.map((p) => p.path));
    const repurged = covered.filter(
      (c) => c.kind === 'url' && !chosen.has(c.path) && this.checks.get(c.path)?.state === 'repurging',
    );
    this.checks.schedule([...pages, ...repurged], at, at + delaysMs[0]!);
  }

  /**
   * Runs the checks due now, starting none after `deadline` (when the next purge may go); returns when to wake for
   * the next ones, and whether pages were purged again.
   */
  async run(
    env: object,
    name: string,
    config: DistributionConfig,
    deadline?: number,
  ): Promise<{ wakeAt?: number; repurged: number }> {
    if (!verifyOn(config)) return { repurged: 0 };
    const { repurged } = await runDueChecks(this.context(env, name, config), deadline);
    this.checks.prune(Date.now());
    return { wakeAt: this.checks.nextDue(), repurged };
  }

  /** One check of a page now (nothing is scheduled or written): the admin's question "is it fresh?". */
  async checkNow(env: object, name: string, config: DistributionConfig, path: string): Promise<PageCheck> {
    if (config.publicBaseUrl === undefined || config.verify.originBaseUrl === undefined) {
      const reason = 'not-comparable' as const;
      const missing = config.publicBaseUrl === undefined ? 'publicBaseUrl' : 'verify.originBaseUrl';
      return { verdict: 'unknown', evidence: { reason, origin: { url: '', status: 0, error: `${missing} is not set` } } };
    }
    return checkOne(this.context(env, name, config), path, this.checks.get(path)?.marker);
  }

  status(now: number): FreshnessStatus {
    return freshnessStatus(this.sql, this.checks, now);
  }

  private context(env: object, name: string, config: DistributionConfig): VerifyRun {
    return {
      store: this.store,
      checks: this.checks,
      config,
      pacer: this.pacer,
      originHeaders: originHeaders(env, name, config),
      now: Date.now,
    };
  }
}
