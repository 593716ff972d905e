// Vitest global setup (Node): a Gotipath stand-in and the SDK signer, both on 127.0.0.1.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { TestProject } from 'vitest/node';
import { startGotipathStandin } from '../../scripts/gotipath-standin.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    standinUrl: string;
    signerUrl: string;
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
  project.provide('standinUrl', standin.url);
  project.provide('signerUrl', signer.url);
  return async () => {
    await standin.close();
    signer.close();
  };
}
