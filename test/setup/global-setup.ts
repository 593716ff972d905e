// Vitest global setup (Node): a Gotipath stand-in and the SDK signer with its key server, all on 127.0.0.1.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { TestProject } from 'vitest/node';
import { startGotipathStandin } from '../../scripts/gotipath-standin/index.mjs';
import { startTaggedSite } from '../../examples/tagged-site/site.mjs';
import { startExampleOrigin } from '../../examples/origin/server.mjs';
import { startRedirector } from './redirector.ts';
import { startNextjsApp } from '../../examples/nextjs-app/server.mjs';
import { startNotifyReceiver } from '../../scripts/notify-receiver.mjs';
import { TEST_BINDINGS } from './bindings.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    standinUrl: string;
    signerUrl: string;
    keysUrl: string;
    taggedSiteUrl: string;
    redirectSiteUrl: string;
    otherHostUrl: string;
    notifyReceiverUrl: string;
    originUrl: string;
    edgeUrl: string;
    revalidatorUrl: string;
  }
}

/** The SDKs run in a plain Node process: some (got, via Contentful's toolkit) break under Vite's loader. */
async function startSigner() {
  const child = spawn(process.execPath, ['scripts/sdk-signers.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: chunk.toString().trim().split('\n')[0]!, close: () => child.kill('SIGTERM') };
}

export default async function setup(project: TestProject) {
  // Short windows keep the scheduler tests quick; the limits per window are Gotipath's. Test files run side by
  // side, each in its own workerd with its own relay (and account limiter), so the account's general limit
  // (4 requests/s) applies only to distributions a test names into an account (the `account` fault).
  // The example origin, and the stand-in's caching edge in front of it: an accepted purge evicts at once (faults
  // per distribution keep or lose evictions), so verification at the edge is checked against a real cache.
  const origin = await startExampleOrigin();
  const standin = await startGotipathStandin({
    log: false,
    windowMs: 1_000,
    accountScope: 'named',
    edge: { originUrl: origin.url },
  });
  project.provide('originUrl', origin.url);
  project.provide('edgeUrl', standin.edgeUrl);
  // A Next.js-style app in front of the example origin: revalidation (secret checked) applies staged pages late.
  const revalidator = await startNextjsApp({ originUrl: origin.url, secret: TEST_BINDINGS.REVALIDATE_SECRET });
  project.provide('revalidatorUrl', revalidator.url);
  const signer = await startSigner();
  // The cache-tags example site: the crawler and http-get warming read its Cache-Tag headers.
  const site = await startTaggedSite();
  project.provide('taggedSiteUrl', site.url);
  // A public site that redirects every GET to another loopback port, standing for another host.
  const redirector = await startRedirector();
  project.provide('redirectSiteUrl', redirector.siteUrl);
  project.provide('otherHostUrl', redirector.otherUrl);
  project.provide('standinUrl', standin.url);
  project.provide('signerUrl', signer.url);
  // The signer also publishes the public keys (JWKS, PEM keys, SNS certificates) it signs with.
  project.provide('keysUrl', `${signer.url}/keys`);
  // Notifications: a receiver that verifies webhooks with the official standardwebhooks library (test/worker/notify).
  const receiver = await startNotifyReceiver({ secret: TEST_BINDINGS.NOTIFY_SIGNING_KEY });
  project.provide('notifyReceiverUrl', receiver.url);
  return async () => {
    await standin.close();
    await revalidator.close();
    await origin.close();
    await site.close();
    await redirector.close();
    signer.close();
    await receiver.close();
  };
}
