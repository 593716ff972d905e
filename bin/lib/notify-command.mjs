// `purge-relay notify test <id>`: a test message to one notification destination, and what its receiver answered.
import { CliError } from './relay.mjs';

/** @import { Relay, Output } from './relay.mjs' */
/** @typedef {{ status: number, outcome: string, error?: string, durationMs: number, message: string }} Attempt */

/** @param {Relay} relay @param {string[]} args @param {{ json?: boolean }} options @param {Output} out */
export async function notifyCommand(relay, [action, id], options, out) {
  if (action !== 'test' || !id) throw new CliError('usage: purge-relay notify test <destination id>', 2);
  /** @type {Attempt} */
  const attempt = await relay.call('POST', `/admin/notifications/${encodeURIComponent(id)}/test`);
  if (options.json) out.log(JSON.stringify(attempt, null, 2));
  else if (attempt.outcome === 'sent')
    out.log(`${id}: test message sent (answered ${attempt.status} in ${attempt.durationMs} ms)`);
  else out.warn(`${id}: test message failed: ${attempt.error ?? `answered ${attempt.status}`}`);
  return attempt.outcome === 'sent' ? 0 : 1;
}
