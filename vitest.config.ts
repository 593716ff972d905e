// Tests inside workerd with real KV and Durable Objects (vitest-pool-workers).
import { readFileSync } from 'node:fs';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { cronTriggers } from './bin/lib/wrangler-toml.mjs';
import { TEST_BINDINGS } from './test/setup/bindings.ts';

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: './src/index.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          ...TEST_BINDINGS,
          GOTIPATH_API_BASE: inject('standinUrl'),
          SIGNER_URL: inject('signerUrl'),
          KEYS_URL: inject('keysUrl'),
          STANDIN_URL: inject('standinUrl'),
          // What `npm run deploy` tells the Worker: the cron triggers of wrangler.toml (doctor compares the schedules).
          DEPLOYED_CRONS: JSON.stringify(cronTriggers(readFileSync('wrangler.toml', 'utf8'))),
          TAGGED_SITE_URL: inject('taggedSiteUrl'),
          REDIRECT_SITE_URL: inject('redirectSiteUrl'),
          OTHER_HOST_URL: inject('otherHostUrl'),
          // Notification URLs are Worker secrets: here, names on the local receiver (scripts/notify-receiver.mjs).
          // One pair per test file that delivers, so files running side by side never read each other's messages.
          NOTIFY_RECEIVER_URL: inject('notifyReceiverUrl'),
          ...Object.fromEntries(
            ['OPS', 'EMIT', 'STATUS'].flatMap((name) => [
              [`NOTIFY_SLACK_URL_${name}`, `${inject('notifyReceiverUrl')}/slack/${name.toLowerCase()}`],
              [`NOTIFY_HOOK_URL_${name}`, `${inject('notifyReceiverUrl')}/hook/${name.toLowerCase()}`],
            ]),
          ),
          ORIGIN_URL: inject('originUrl'),
          EDGE_URL: inject('edgeUrl'),
          REVALIDATOR_URL: inject('revalidatorUrl'),
          // Cases per property in the fuzz tests: short in CI, `FUZZ_RUNS=100000 npm run test:fuzz` for the long run.
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? '30',
        },
      },
    })),
  ],
  test: {
    globalSetup: ['./test/setup/global-setup.ts'],
    include: ['test/worker/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
