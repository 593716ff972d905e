// @ts-check
// `node scripts/gotipath-standin/cli.mjs [--port 8788] [--window-ms 60000] [--distributions a,b] [--account-limit 4]
//   [--origin http://127.0.0.1:8790 [--edge-port 8789] [--evict-after-ms 2000]]`: the stand-in alone (with a caching
// edge in front of --origin), with the credentials from GOTIPATH_CLIENT_ID, GOTIPATH_LIBRARY_ID and GOTIPATH_API_KEY if set.
import { startGotipathStandin } from './server.mjs';
/** @import { StandinOptions } from './server.mjs' */

/** @param {string[]} argv @returns {StandinOptions} */
function parseArgs(argv) {
  /** @type {StandinOptions} */
  const opts = { port: 8788 };
  /** @type {{ originUrl?: string, port?: number, evictAfterMs?: number }} */
  const edge = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? '';
    const int = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer`);
      return n;
    };
    if (flag === '--port') opts.port = int();
    else if (flag === '--window-ms') opts.windowMs = int();
    else if (flag === '--distributions') opts.distributions = value().split(',').filter(Boolean);
    // Requests per second for the whole account (Gotipath's general limit is 4); 0 turns it off.
    else if (flag === '--account-limit') opts.accountLimit = ((n) => (n === 0 ? null : { max: n, windowMs: 1_000 }))(int());
    else if (flag === '--origin') edge.originUrl = value();
    else if (flag === '--edge-port') edge.port = int();
    else if (flag === '--evict-after-ms') edge.evictAfterMs = int();
    else
      throw new Error(
        `unknown argument ${argv[i]} (use --port N, --window-ms N, --distributions a,b, --account-limit N, --origin URL, --edge-port N, --evict-after-ms N)`,
      );
  }
  if (edge.originUrl !== undefined) opts.edge = { ...edge, originUrl: edge.originUrl };
  else if (Object.keys(edge).length) throw new Error('--edge-port and --evict-after-ms need --origin (the URL the edge fronts)');
  const env = process.env;
  opts.credentials = {
    ...(env.GOTIPATH_CLIENT_ID && { clientId: env.GOTIPATH_CLIENT_ID }),
    ...(env.GOTIPATH_LIBRARY_ID && { libraryId: env.GOTIPATH_LIBRARY_ID }),
    ...(env.GOTIPATH_API_KEY && { apiKey: env.GOTIPATH_API_KEY }),
  };
  return opts;
}

async function main() {
  /** @type {StandinOptions} */
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(/** @type {Error} */ (err).message);
    process.exitCode = 2;
    return;
  }
  const standin = await startGotipathStandin(opts);
  console.log(`Gotipath stand-in listening on ${standin.url}`);
  if (standin.edgeUrl) console.log(`Caching edge on ${standin.edgeUrl} in front of ${opts.edge?.originUrl}`);
  const stop = async () => {
    await standin.close();
    console.log('Gotipath stand-in stopped');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
