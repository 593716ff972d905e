// @ts-check
// What an accepted call does at the CDN: the one place a purge or a prefetch takes effect. The stand-in keeps
// no cache yet, so a purge and a prefetch change nothing and are answered `{}` (Gotipath's answer), and every
// distribution is active. A caching edge would evict here (after its delay) and fetch on a prefetch.

/** @typedef {{ type: 'url' | 'pattern' | 'all', paths: string[] }} Purge  An accepted purge: valid, within the limits. */

export class Edge {
  /** The answer to GET /v1/distributions/{id}. @param {string} distributionId */
  distribution(distributionId) {
    return { id: distributionId, status: 'active' };
  }

  /** Takes an accepted purge into effect; returns the answer's body. @param {string} distributionId @param {Purge} purge */
  purge(distributionId, purge) {
    return {};
  }

  /** Takes an accepted prefetch into effect; returns the answer's body. @param {string} distributionId @param {string[]} paths */
  prefetch(distributionId, paths) {
    return {};
  }
}
