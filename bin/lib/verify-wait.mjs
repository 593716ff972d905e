// @ts-check
// `purge --wait --verify`: after this purge's paths are purged, waits until each URL is verified at the edge
// (its first fresh or gone check, GET /admin/events/{id}), and reports any still stale or given up as stuck.
import { CliError } from './relay.mjs';
/** @import { Output, Relay } from './relay.mjs' */

/**
 * @typedef {{ step: string, detail?: string, evidence?: { reason: string, edge?: { age?: number } } }} Step
 * @typedef {{ kind: string, path: string, steps: Step[], liveAt?: number, toLiveMs?: number, verdict?: string }} LivePath
 * @typedef {{ eventId: string, distributions: { distribution: string, paths: LivePath[] }[] }} Journey
 * @typedef {{ state: 'done' | 'failed' | 'pending' | 'skipped', text: string }} Verified
 */

/** Where one path's verification stands. @param {LivePath} p @returns {Verified} */
export function verificationOf(p) {
  if (p.kind !== 'url') return { state: 'skipped', text: `not verified one by one (${p.kind})` };
  const seconds = (/** @type {number | undefined} */ ms) => `${Math.round((ms ?? 0) / 1000)} s`;
  if (p.liveAt !== undefined)
    return {
      state: 'done',
      text: `${p.verdict === 'gone' ? 'gone' : 'fresh'}, live ${seconds(p.toLiveMs)} after the purge was queued`,
    };
  const repurges = p.steps.filter((s) => s.step === 'repurged').length;
  const last = p.steps.filter((s) => s.step === 'checked').at(-1);
  const age = last?.evidence?.edge?.age;
  const why = last?.evidence ? ` (${last.evidence.reason}${age === undefined ? '' : `, Age ${age} s`})` : '';
  if (p.steps.some((s) => s.step === 'stuck'))
    return { state: 'failed', text: `stuck: the edge still serves the old version after ${repurges} re-purge(s)${why}` };
  if (!last) return { state: 'pending', text: 'waiting for the first check at the edge' };
  if (last.detail === 'stale') return { state: 'pending', text: `stale at the edge${why}; ${repurges} re-purge(s) so far` };
  return { state: 'pending', text: `the last check could not tell${why}` };
}

/** Verification must be on for the distribution, or nothing would ever be checked. @param {Relay} relay @param {string} name */
async function requireVerification(relay, name) {
  /** @type {{ config: { distributions?: Record<string, { publicBaseUrl?: string, verify?: { enabled?: boolean, originBaseUrl?: string } }> } }} */
  const live = await relay.call('GET', '/admin/config');
  const d = live.config.distributions?.[name];
  // On by default when both sites are named (docs/freshness.md); `enabled: false` turns it off.
  const on = d?.verify?.enabled ?? Boolean(d?.publicBaseUrl && d?.verify?.originBaseUrl);
  if (!on)
    throw new CliError(
      `verification is off for ${name}: it needs publicBaseUrl and verify.originBaseUrl (and verify.enabled not false) to use --verify`,
      2,
    );
}

/**
 * Follows the event until each URL path is verified (fresh or gone) or stuck; prints each. False if any is not fresh.
 * @param {Relay} relay @param {string} eventId @param {string} distribution @param {number} deadline @param {Output} out
 */
export async function waitForVerification(relay, eventId, distribution, deadline, out) {
  await requireVerification(relay, distribution);
  for (;;) {
    /** @type {Journey} */
    const journey = await relay.call('GET', `/admin/events/${encodeURIComponent(eventId)}`);
    const results = journey.distributions.flatMap((d) => d.paths).map((p) => ({ p, v: verificationOf(p) }));
    const pending = results.filter(({ v }) => v.state === 'pending');
    if (pending.length === 0 || Date.now() > deadline) {
      out.progress.done();
      const mark = { done: 'fresh ', failed: 'STUCK ', pending: 'STALE ', skipped: '-     ' };
      for (const { p, v } of results) out.log(`${mark[v.state]}  ${p.path || '(all)'}  ${v.text}`);
      const bad = results.filter(({ v }) => v.state === 'failed' || v.state === 'pending');
      if (bad.length > 0)
        throw new CliError(`${bad.length} path(s) of ${eventId} not verified fresh (see \`purge-relay why ${bad[0]?.p.path}\`)`);
      return true;
    }
    out.progress.update(
      `${eventId}: ${results.length - pending.length} of ${results.length} verified, waiting for ${pending
        .map(({ p }) => p.path)
        .slice(0, 3)
        .join(' ')}${pending.length > 3 ? ' …' : ''}`,
    );
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
