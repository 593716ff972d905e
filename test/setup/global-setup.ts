// Vitest global setup (Node): a Gotipath stand-in and the SDK signer with its key server, all on 127.0.0.1.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { TestProject } from 'vitest/node';
import { startGotipathStandin } from '../../scripts/gotipath-standin/index.mjs';
import { startTaggedSite } from '../../examples/tagged-site/site.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    standinUrl: string;
    signerUrl: string;
    keysUrl: string;
    taggedSiteUrl: string;
  }
}

/** The SDKs run in a plain Node process: some (got, via Contentful's toolkit) break under Vite's loader. */
async function startSigner() {
  const child = spawn(process.execPath, ['scripts/sdk-signers.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: chunk.toString().trim().split('\n')[0]!, close: () => child.kill('SIGTERM') };
}

export default async function setup(project: TestProject) {
  // Short windows keep the scheduler tests quick; the limits per window are Gotipath's.
  const standin = await startGotipathStandin({ log: false, windowMs: 1_000 });
  const signer = await startSigner();
  // The cache-tags example site: the crawler and http-get warming read its Cache-Tag headers.
  const site = await startTaggedSite();
  project.provide('taggedSiteUrl', site.url);
  project.provide('standinUrl', standin.url);
  project.provide('signerUrl', signer.url);
  // The signer also publishes the public keys (JWKS, PEM keys, SNS certificates) it signs with.
  project.provide('keysUrl', `${signer.url}/keys`);
  return async () => {
    await standin.close();
    await site.close();
    signer.close();
  };
}
