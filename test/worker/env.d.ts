// Bindings only the tests have (see vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    SIGNER_URL: string;
    /** Public keys the signer signs with: /jwks.json, /public-keys.json, /sns/<kid>.pem. */
    KEYS_URL: string;
    STANDIN_URL: string;
    /** The cache-tags example site (examples/tagged-site/site.mjs). */
    TAGGED_SITE_URL: string;
    /** A site that redirects every GET to OTHER_HOST_URL, which stands for another host (test/setup/redirector.ts). */
    REDIRECT_SITE_URL: string;
    OTHER_HOST_URL: string;
    /** The example origin (examples/origin/server.mjs): PUT/DELETE /__origin/pages?path=/x change it. */
    ORIGIN_URL: string;
    /** The stand-in's caching edge in front of ORIGIN_URL: every distribution's accepted purges evict from it. */
    EDGE_URL: string;
    /** A Next.js-style app in front of ORIGIN_URL (examples/nextjs-app/server.mjs): revalidation applies staged pages. */
    REVALIDATOR_URL: string;
    FUZZ_RUNS: string;
    /** The notifications receiver (scripts/notify-receiver.mjs): /__received/{name}, /__faults/{name}. */
    NOTIFY_RECEIVER_URL: string;
  }
}

// Vite's `?raw` imports: fixture files as the exact text a platform sends.
declare module '*?raw' {
  const text: string;
  export default text;
}
