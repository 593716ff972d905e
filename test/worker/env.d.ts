// Bindings only the tests have (see vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    SIGNER_URL: string;
    STANDIN_URL: string;
    FUZZ_RUNS: string;
  }
}
