// @ts-check
// `purge-relay tags`: the tag index of a distribution (a tag's pages, a page's tags, the summary) and crawl now.
import { CliError } from './relay.mjs';
/** @import { Output, Relay } from './relay.mjs' */

/**
 * What the CLI reads of GET /admin/tags's three answers (src/admin/tags.ts) and of the crawl's progress.
 * @typedef {{ state: 'idle' | 'running' | 'done', startedAt?: number, finishedAt?: number, sitemaps: number,
 *   pages: number, tagged: number, errors: number, skipped: number, remaining: number }} CrawlProgress
 * @typedef {{ tag: string, count: number, expandLimit: number, folds: boolean,
 *   paths: { path: string, lastSeen: string }[] }} TagAnswer
 * @typedef {{ path: string, tags: { tag: string, lastSeen: string }[] }} PathAnswer
 * @typedef {{ distribution: string, entries: number, tags?: number, paths?: number, lastSeenAt?: number | null,
 *   top?: { tag: string, paths: number }[], queued: number, crawl?: CrawlProgress }} TagSummary
 * @typedef {(TagAnswer & { path?: undefined }) | (PathAnswer & { tag?: undefined }) |
 *   (TagSummary & { tag?: undefined, path?: undefined })} TagsAnswer
 */

/** @param {number | null | undefined} ms */
const when = (ms) => (ms ? new Date(ms).toISOString() : '–');

/** @param {CrawlProgress | undefined} crawl */
function formatCrawl(crawl) {
  if (!crawl || crawl.state === 'idle') return 'crawl         never run';
  const counts = `${crawl.pages} pages (${crawl.tagged} tagged), ${crawl.sitemaps} sitemaps, ${crawl.errors} errors, ${crawl.skipped} skipped`;
  const end = crawl.state === 'running' ? `${crawl.remaining} left` : `finished ${when(crawl.finishedAt)}`;
  return `crawl         ${crawl.state}, started ${when(crawl.startedAt)}, ${end}: ${counts}`;
}

/** Plain text for one of GET /admin/tags's three answers. @param {TagsAnswer} answer */
export function formatTags(answer) {
  if (answer.tag !== undefined) {
    const fold = answer.folds ? ` (over expandLimit ${answer.expandLimit}: a purge folds it into patterns)` : '';
    const rows = answer.paths.map((p) => `  ${p.path}  last seen ${p.lastSeen}`);
    return [`tag ${answer.tag} reaches ${answer.count} paths${fold}`, ...rows].join('\n');
  }
  if (answer.path !== undefined) {
    const rows = answer.tags.map((t) => `  ${t.tag}  last seen ${t.lastSeen}`);
    return [`${answer.path} carries ${answer.tags.length} tags`, ...rows].join('\n');
  }
  const top = (answer.top ?? []).map((t) => `${t.tag} ${t.paths}`).join(' · ') || 'none';
  return [
    `${answer.distribution}: ${answer.entries} index entries (${answer.tags ?? 0} tags on ${answer.paths ?? 0} paths), last seen ${when(answer.lastSeenAt)}`,
    `largest tags  ${top}`,
    `queued tags   ${answer.queued}`,
    formatCrawl(answer.crawl),
  ].join('\n');
}

/**
 * @param {Relay} relay @param {string[]} _args @param {Output} out
 * @param {{ distribution?: string, tag?: string, path?: string, crawl?: boolean, json?: boolean }} options
 */
export async function tagsCommand(relay, _args, options, out) {
  const name = options.distribution;
  if (!name) throw new CliError('tags needs --distribution <name>', 2);
  if (options.tag !== undefined && options.path !== undefined) throw new CliError('give --tag or --path, not both', 2);
  if (options.crawl) {
    /** @type {{ started: boolean }} */
    const started = await relay.call('POST', `/admin/distributions/${encodeURIComponent(name)}/crawl`);
    return out.log(
      options.json ? JSON.stringify(started, null, 2) : started.started ? 'crawl started' : 'a crawl is already running',
    );
  }
  const query = new URLSearchParams({ distribution: name });
  if (options.tag !== undefined) query.set('tag', options.tag);
  if (options.path !== undefined) query.set('path', options.path);
  /** @type {TagsAnswer} */
  const answer = await relay.call('GET', `/admin/tags?${query}`);
  out.log(options.json ? JSON.stringify(answer, null, 2) : formatTags(answer));
}
