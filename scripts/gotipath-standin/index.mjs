// @ts-check
// The Gotipath stand-in (loopback only), for exercising purge-relay without the real CDN: start one, and
// summarize what it recorded. Run it alone with `node scripts/gotipath-standin/cli.mjs`.
//   checks.mjs  request validation: credentials, route, content type, body size and shape, paths
//   limits.mjs  calls per sliding window per distribution and kind, paths per call, the account's 4 requests/s
//   faults.mjs  the injectable faults and the seeded dice
//   edge.mjs    what an accepted purge or prefetch does at the CDN: evict (after a delay, faults permitting), fill
//   cache.mjs   the caching edge's store;  edge-server.mjs  the caching edge's own port (GET/HEAD, Age, X-Cache)
//   api.mjs     the order of it all, apart from HTTP;  server.mjs  HTTP, control routes, the handle
export { startGotipathStandin } from './server.mjs';
export { summarize } from './summary.mjs';

/**
 * @typedef {import('./api.mjs').Call} Call
 * @typedef {import('./faults.mjs').Faults} Faults
 * @typedef {import('./server.mjs').StandinOptions} StandinOptions
 * @typedef {import('./server.mjs').GotipathStandin} GotipathStandin
 */
