// Types of the example site's exports, for the tests that import it (site.mjs is plain Node JavaScript).
export interface Page {
  path: string;
  tags: string[];
  header: 'cache-tag' | 'surrogate-key';
}
export const POSTS: { id: string; title: string; topic: string; related: string }[];
export function pages(): Page[];
export function pagesShowing(id: string): string[];
export function startTaggedSite(options?: {
  port?: number;
}): Promise<{ url: string; requests: string[]; close: () => Promise<void> }>;
