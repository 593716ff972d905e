// @ts-check
// The Gotipath API as the stand-in answers it, apart from HTTP: the faults, the checks in Gotipath's order,
// the account's general limit and the rate limits, then what an accepted call does (edge.mjs). Each call comes
// back as the record tests read.
import { DEFAULT_PURGE_TYPES, checkAccess, checkPayload } from './checks.mjs';
import { Edge } from './edge.mjs';
import { FaultInjector, forcedFailure, missingDistribution, quotaExceeded, rejectedPath } from './faults.mjs';
import { AccountRate, RateLimits } from './limits.mjs';
/** @import { IncomingHttpHeaders } from 'node:http' */
/** @import { Credentials, RawBody } from './checks.mjs' */
/** @import { Purge } from './cache.mjs' */
/** @import { EdgeOptions } from './edge.mjs' */
/** @import { Faults } from './faults.mjs' */
/** @import { AccountLimit, AccountScope, Limits } from './limits.mjs' */

/**
 * @typedef {{
 *   at: number, method: string, path: string, distributionId: string | null,
 *   kind: string | null, type: unknown, paths: unknown[], status: number, error?: string
 * }} Call  One recorded call; `status` 0 means the socket was reset by the resetRate fault.
 * @typedef {{ status: number, error?: string, body?: unknown, headers?: Record<string, string> }} Outcome
 * @typedef {{ method: string, path: string, headers: IncomingHttpHeaders, raw: RawBody }} ApiRequest
 * @typedef {{
 *   credentials: Credentials, distributions: string[] | null, limits: Limits, windowMs: number,
 *   faults: unknown, seed: number, accountLimit: AccountLimit | null, accountScope: AccountScope,
 *   edge: EdgeOptions | null
 * }} ApiOptions
 */

export class GotipathApi {
  #credentials;
  #known;
  /** @param {ApiOptions} options */
  constructor({ credentials, distributions, limits, windowMs, faults, seed, accountLimit, accountScope, edge }) {
    this.#credentials = credentials;
    this.#known = distributions ? new Set(distributions) : null;
    this.faults = new FaultInjector(faults, seed);
    this.rates = new RateLimits(limits, windowMs);
    this.account = new AccountRate(accountLimit, accountScope);
    /** Where accepted calls take effect: the caching edge when there is one. */
    this.edge = new Edge(edge && { ...edge, seed });
  }

  /**
   * Answers one request with the faults it met (taken when it arrived), recording what it was.
   * @param {ApiRequest} request @param {Faults} faults
   * @returns {{ call: Call, outcome: Outcome | 'reset' }}
   */
  answer(request, faults) {
    /** @type {Call} */
    const call = {
      at: Date.now(),
      method: request.method,
      path: request.path,
      distributionId: null,
      kind: null,
      type: undefined,
      paths: [],
      status: 0,
    };
    const outcome = this.#decide(request, call, faults);
    if (outcome === 'reset') call.error = 'connection reset (stand-in fault)';
    else call.status = outcome.status;
    if (outcome !== 'reset' && outcome.error) call.error = outcome.error;
    return { call, outcome };
  }

  /** Run the checks in order, filling in `call`. @param {ApiRequest} request @param {Call} call @param {Faults} faults @returns {Outcome | 'reset'} */
  #decide({ headers, raw }, call, faults) {
    if (this.faults.resets(faults)) return 'reset';
    return (
      forcedFailure(call, faults) ??
      checkAccess(headers, call, this.#credentials, this.#known) ??
      this.account.admit(call, this.#credentials.clientId, faults.account) ??
      missingDistribution(faults) ??
      checkPayload(headers['content-type'], raw, call, this.rates.limits, { ...DEFAULT_PURGE_TYPES, ...faults.purgeTypes }) ??
      rejectedPath(call, faults) ??
      quotaExceeded(call, faults) ??
      this.faults.injectedError(faults) ??
      this.#accept(call, faults)
    );
  }

  /**
   * A valid call: a distribution is described; a purge or prefetch within the limits takes effect at the edge.
   * @param {Call} call @param {Faults} faults @returns {Outcome}
   */
  #accept(call, faults) {
    const distributionId = call.distributionId ?? '';
    if (call.kind === 'distribution') return { status: 200, body: this.edge.distribution(distributionId) };
    const limited = this.rates.admit(call);
    if (limited) return limited;
    // checkPayload has checked every path: strings, as many as the kind allows.
    const paths = /** @type {string[]} */ (call.paths);
    if (call.kind === 'prefetch') return { status: 200, body: this.edge.prefetch(distributionId, paths) };
    const type = /** @type {Purge['type']} */ (call.kind);
    return { status: 200, body: this.edge.purge(distributionId, { type, paths }, faults) };
  }

  /** Forget the violation counts and the rate-window history. */
  clear() {
    this.rates.clear();
    this.account.clear();
  }
}
