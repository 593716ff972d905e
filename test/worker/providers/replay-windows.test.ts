// Replay windows against the platforms' retries (docs/providers.md, "Replay windows"): a delivery retried as
// late as the platform documents, with the timestamp of its first attempt, is still accepted; a timestamp
// ahead of the clock by more than the skew is not, whatever the window.
import { beforeAll, describe, expect, it } from 'vitest';
import { getProvider } from '../../../src/providers/registry';
import { checkTimestamp, CLOCK_SKEW_MS } from '../../../src/providers/support';
import { postWebhook, putConfig } from '../support/helpers';
import { caseFor, casesConfig, delivery } from '../support/provider-cases';

beforeAll(async () => {
  await putConfig(casesConfig());
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Each platform that signs a timestamp: its default window, and the age of its last documented retry. */
const RETRIES: { source: string; window: number; lastRetry: number; why: string }[] = [
  { source: 'contentful', window: 24 * HOUR, lastRetry: 23 * HOUR, why: 'configurable retry policy, up to ~24 h' },
  { source: 'sanity', window: HOUR, lastRetry: 31 * MINUTE, why: 'back-off for up to 30 minutes (older policy)' },
  { source: 'hygraph', window: HOUR, lastRetry: 30 * MINUTE, why: 'undocumented; queued sends' },
  { source: 'ghost', window: 5 * MINUTE, lastRetry: MINUTE, why: '5 retries within about a minute, same t' },
  { source: 'contentstack-hmac', window: 20 * MINUTE, lastRetry: 16 * MINUTE, why: '5+25+125+625 s plus timeouts' },
  { source: 'bigcommerce', window: 48 * HOUR, lastRetry: 47 * HOUR, why: 'retries for up to 48 h' },
  { source: 'ct-sns', window: 2 * HOUR, lastRetry: HOUR, why: 'SNS keeps the publish time; 3,600 s of retries at most' },
  { source: 'standard', window: 5 * MINUTE, lastRetry: 4 * MINUTE, why: 'each attempt is signed anew' },
  { source: 'stripe', window: 5 * MINUTE, lastRetry: 4 * MINUTE, why: 'each attempt is signed anew' },
];

describe('replay windows cover the platforms retries', () => {
  it.each(RETRIES)('$source: a $why retry is accepted', async ({ source, window, lastRetry }) => {
    const c = caseFor(source);
    expect(getProvider(c.provider)!.defaultToleranceMs).toBe(window);
    const { body, headers } = await delivery(c, { age: lastRetry });
    expect((await postWebhook(source, body, headers)).status).toBe(202);
  });

  it('allows a timestamp ahead of the clock by the skew only, whatever the window', () => {
    const now = Date.now();
    expect(() => checkTimestamp(now + CLOCK_SKEW_MS - 1, now, 48 * HOUR)).not.toThrow();
    expect(() => checkTimestamp(now + CLOCK_SKEW_MS + 1, now, 48 * HOUR)).toThrow('signature timestamp is in the future');
    // A window shorter than the skew bounds both directions.
    expect(() => checkTimestamp(now + 31_000, now, 30_000)).toThrow('signature timestamp is in the future');
    expect(() => checkTimestamp(now - 48 * HOUR - 1, now, 48 * HOUR)).toThrow('signature timestamp is too old (replay window)');
  });
});
