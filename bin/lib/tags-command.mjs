// `purge-relay tags`: the tag index of a distribution (a tag's pages, a page's tags, the summary) and crawl now.
import { CliError } from './relay.mjs';

const when = (ms) => (ms ? new Date(ms).toISOString() : '–');

function formatCrawl(crawl) {
  if (!crawl || crawl.state === 'idle') return 'crawl         never run';
  const counts = `${crawl.pages} pages (${crawl.tagged} tagged), ${crawl.sitemaps} sitemaps, ${crawl.errors} errors, ${crawl.skipped} skipped`;
  const end = crawl.state === 'running' ? `${crawl.remaining} left` : `finished ${when(crawl.finishedAt)}`;
  return `crawl         ${crawl.state}, started ${when(crawl.startedAt)}, ${end}: ${counts}`;
}

/** Plain text for one of GET /admin/tags's three answers. */
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

export async function tagsCommand(relay, _args, options, out) {
  const name = options.distribution;
  if (!name) throw new CliError('tags needs --distribution <name>', 2);
  if (options.tag !== undefined && options.path !== undefined) throw new CliError('give --tag or --path, not both', 2);
  if (options.crawl) {
    const started = await relay.call('POST', `/admin/distributions/${encodeURIComponent(name)}/crawl`);
    return out.log(
      options.json ? JSON.stringify(started, null, 2) : started.started ? 'crawl started' : 'a crawl is already running',
    );
  }
  const query = new URLSearchParams({ distribution: name });
  if (options.tag !== undefined) query.set('tag', options.tag);
  if (options.path !== undefined) query.set('path', options.path);
  const answer = await relay.call('GET', `/admin/tags?${query}`);
  out.log(options.json ? JSON.stringify(answer, null, 2) : formatTags(answer));
}
