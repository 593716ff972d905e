// Types of the example origin's exports, for the TypeScript tests that import it (server.mjs is plain Node JavaScript).
export interface PageInput {
  title: string;
  body?: string;
  updatedAt?: string;
}
export interface ExampleOrigin {
  url: string;
  close: () => Promise<void>;
  setPage: (path: string, page: PageInput) => void;
  removePage: (path: string) => boolean;
  /** Every page request (path with query) the origin answered, control routes apart. */
  requests: string[];
  pages: Map<string, { title: string; updatedAt: string; html: string; etag: string }>;
}
export function startExampleOrigin(options?: { port?: number; pages?: Record<string, PageInput> }): Promise<ExampleOrigin>;
