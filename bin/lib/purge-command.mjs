// @ts-check
// `purge-relay purge`: a manual purge through the relay's scheduler; with --wait, follows this purge's own paths
// (its event's journey, GET /admin/events/{id}) until each is purged or failed. --all asks first.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { CliError } from './relay.mjs';
import { waitForVerification } from './verify-wait.mjs';
/** @import { Output, Relay } from './relay.mjs' */

/**
 * What the CLI reads of the admin API's answers (src/admin/scheduler.ts, src/purge/ledger.ts).
 * @typedef {{ eventId: string, paths: number, patterns: number, prefetch: number, all: boolean,
 *   etaSeconds?: number | null }} Queued  POST /admin/purge
 * @typedef {{ step: string, kind: string, path: string, status?: number, detail?: string }} Step
 * @typedef {{ kind: string, path: string, steps: Step[] }} PathJourney
 * @typedef {{ eventId: string, distributions: { distribution: string, paths: PathJourney[] }[] }} Journey  GET /admin/events/{id}
 * @typedef {{ distribution: string, health: string, hold?: { message: string } }} DistributionStatus
 * @typedef {{ state: 'done' | 'failed' | 'pending', text: string }} Outcome
 */

/** Steps of the verification at the edge (verify-wait.mjs reads them). */
const VERIFICATION = new Set(['checked', 'repurged', 'stuck']);
const ok = (/** @type {number | undefined} */ status) => status !== undefined && status >= 200 && status < 300;

/** Where one path's journey stands: purged (a 2xx call of its own, or covered), failed (dead, dropped), or not yet. @param {PathJourney} p @returns {Outcome} */
export function outcomeOf(p) {
  // Checks at the edge (and a purge sent again after one) follow the purge: its outcome is the last step before them.
  const last = p.steps.filter((s) => !VERIFICATION.has(s.step)).at(-1);
  const done = p.kind === 'prefetch' ? 'prefetched' : 'purged';
  if (!last) return { state: 'pending', text: 'queued' };
  if (last.step === 'covered')
    return { state: 'done', text: `${done} (covered by ${last.detail === 'all' ? 'a purge of everything' : last.detail})` };
  if (last.step === 'call' && last.kind === p.kind && ok(last.status)) return { state: 'done', text: done };
  if (last.step === 'dead')
    return { state: 'failed', text: `refused by Gotipath (${last.status}: ${last.detail ?? ''}), now a dead letter` };
  if (last.step === 'dropped') return { state: 'failed', text: 'dead letter dropped' };
  if (last.step === 'call')
    return { state: 'pending', text: `queued, last answer ${last.status || 'none'}${last.detail ? `: ${last.detail}` : ''}` };
  return { state: 'pending', text: last.step === 'folded' ? `folded into ${last.detail}` : 'queued' };
}

/** @param {PathJourney} p */
const label = (p) => (p.kind === 'all' ? 'everything' : p.kind === 'url' ? p.path : `${p.path} (${p.kind})`);

/**
 * Follows an event's paths until every one is purged or failed; prints each path's outcome. False if any failed.
 * @param {Relay} relay @param {string} eventId @param {string} distribution @param {number} timeoutMs @param {Output} out
 */
async function waitForEvent(relay, eventId, distribution, timeoutMs, out) {
  const deadline = Date.now() + timeoutMs;
  let warned = false;
  for (;;) {
    /** @type {Journey} */
    const journey = await relay.call('GET', `/admin/events/${encodeURIComponent(eventId)}`);
    const paths = journey.distributions.flatMap((d) => d.paths);
    const outcomes = paths.map((p) => ({ p, o: outcomeOf(p) }));
    const pending = outcomes.filter(({ o }) => o.state === 'pending');
    if (pending.length === 0 || Date.now() > deadline) {
      out.progress.done();
      for (const { p, o } of outcomes)
        out.log(`${o.state === 'done' ? 'ok    ' : o.state === 'failed' ? 'FAILED' : 'WAITING'}  ${label(p)}  ${o.text}`);
      if (pending.length > 0)
        throw new CliError(
          `${pending.length} path(s) of ${eventId} not done after ${Math.round(timeoutMs / 1000)} s (they stay queued; see \`purge-relay status\`)`,
        );
      return outcomes.every(({ o }) => o.state === 'done');
    }
    if (!warned) warned = await warnIfHeld(relay, distribution, out);
    out.progress.update(
      `${eventId}: ${paths.length - pending.length} of ${paths.length} path(s) done, waiting for ${pending
        .map(({ p }) => label(p))
        .slice(0, 3)
        .join(' ')}${pending.length > 3 ? ' …' : ''}`,
    );
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Says once why nothing moves while the distribution is held. @param {Relay} relay @param {string} name @param {Output} out */
async function warnIfHeld(relay, name, out) {
  /** @type {{ distributions?: DistributionStatus[] }} */
  const status = await relay.call('GET', '/admin/status');
  const d = status.distributions?.find((x) => x.distribution === name);
  if (d?.health === 'unauthorized')
    out.progress.done('warning: Gotipath refuses the relay’s credentials (401/403); the paths stay queued');
  else if (d?.health === 'refused')
    out.progress.done(
      `warning: Gotipath refuses every call (${d.hold?.message ?? ''}); the paths stay queued, see \`purge-relay doctor\``,
    );
  else return false;
  return true;
}

/** A purge of everything empties the whole cache: asked on a terminal, refused without one unless --yes. @param {string} distribution */
async function confirmAll(distribution) {
  if (!process.stdin.isTTY)
    throw new CliError(`purge --all empties the whole cache of ${distribution}; there is no terminal to ask on: add --yes`, 2);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`Purge everything cached on ${distribution}? [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('nothing purged', 1);
}

/** @param {string | undefined} file */
const pathsIn = (file) =>
  file
    ? readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];

/**
 * @param {Relay} relay @param {string[]} paths @param {Output} out
 * @param {{ distribution?: string, file?: string, pattern?: string[], prefetch?: string[], all?: boolean,
 *   wait?: boolean, verify?: boolean, timeout?: string, yes?: boolean }} options
 */
export async function purgeCommand(relay, paths, options, out) {
  if (!options.distribution) throw new CliError('purge needs --distribution <name>', 2);
  const body = {
    distribution: options.distribution,
    paths: [...paths, ...pathsIn(options.file)],
    patterns: options.pattern ?? [],
    prefetch: options.prefetch ?? [],
    all: Boolean(options.all),
  };
  if (!body.all && body.paths.length + body.patterns.length + body.prefetch.length === 0)
    throw new CliError('give paths, --file, --pattern, --prefetch or --all', 2);
  if (body.all && !options.yes) await confirmAll(body.distribution);
  /** @type {Queued} */
  const queued = await relay.call('POST', '/admin/purge', body);
  const eta =
    queued.etaSeconds === null
      ? ', held: nothing is sent until the hold lifts'
      : queued.etaSeconds !== undefined
        ? `, expected to be sent in ${queued.etaSeconds} s`
        : '';
  out.log(
    `queued ${queued.all ? 'a purge of everything' : `${queued.paths} path(s)`}${queued.patterns ? ` and ${queued.patterns} pattern(s)` : ''}${queued.prefetch ? ` and ${queued.prefetch} prefetch(es)` : ''} on ${body.distribution} as ${queued.eventId}${eta}`,
  );
  if (options.verify && !options.wait) throw new CliError('--verify goes with --wait', 2);
  if (!options.wait) return;
  const started = Date.now();
  const timeoutMs = Number(options.timeout ?? 300) * 1000;
  const allDone = await waitForEvent(relay, queued.eventId, body.distribution, timeoutMs, out);
  if (!allDone)
    throw new CliError(
      `some paths of ${queued.eventId} failed: see the dead letters (console, or GET /admin/distributions/${body.distribution}/dead-letters)`,
    );
  if (options.verify) await waitForVerification(relay, queued.eventId, body.distribution, started + timeoutMs, out);
}
