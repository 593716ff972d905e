// Types of the Next.js-style app's exports, for the TypeScript tests that import it (server.mjs is plain Node JavaScript).
export interface AppCall {
  at: number;
  /** The request's method, or `APPLIED` when a staged page reached the origin. */
  method: string;
  path: string;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export interface NextjsApp {
  url: string;
  calls: AppCall[];
  close: () => Promise<void>;
}
export function startNextjsApp(options: { originUrl: string; secret: string; port?: number }): Promise<NextjsApp>;
