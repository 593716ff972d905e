// The sitemap crawler: walks sitemap.xml (and sitemap indexes) on the publicBaseUrl origin only, a budget of
// requests per Durable Object alarm, and learns each page's tags from its response headers.
import { readBodyLimited } from '../lib/body';
import type { DistributionConfig } from '../rules/schema';
import { readTags } from './headers';
import { parseSitemap } from './sitemap';
import type { TagIndex } from './tag-index';

/** Largest sitemap read (sitemaps.org allows 50 MB; a bigger one should be split with a sitemap index). */
export const MAX_SITEMAP_BYTES = 10 * 1024 * 1024;
/** Per-request timeout. */
export const CRAWL_TIMEOUT_MS = 10_000;
/**
 * Sitemap characters one run (one Durable Object alarm) reads and parses at most: sitemaps are visited one
 * after another and the next waits for the next run once this is reached, so a run parses at most this plus
 * one sitemap (parsing is linear: about 20 MiB bounds a run's parse to well under a second, BENCHMARKS.md).
 */
export const SITEMAP_CHARS_PER_RUN = MAX_SITEMAP_BYTES;

export interface CrawlProgress {
  state: 'idle' | 'running' | 'done';
  startedAt?: number;
  finishedAt?: number;
  sitemaps: number;
  pages: number;
  /** Pages that carried at least one tag. */
  tagged: number;
  /** Answers other than 2xx (redirects included: they are not followed), timeouts, oversized sitemaps. */
  errors: number;
  /** `<loc>` entries left out: another origin, or past maxUrls. */
  skipped: number;
  /** URLs still to visit. */
  remaining: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS crawl_queue (path TEXT PRIMARY KEY, kind TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0);
`;
const IDLE: CrawlProgress = { state: 'idle', sitemaps: 0, pages: 0, tagged: 0, errors: 0, skipped: 0, remaining: 0 };

type Visit = { path: string; kind: 'sitemap' | 'page' };

/** The body as text, or undefined once it passes `limit` bytes (stops reading there, not at the end). */
async function readLimited(response: Response, limit: number): Promise<string | undefined> {
  const bytes = await readBodyLimited(response, limit).catch(() => undefined);
  return bytes && new TextDecoder().decode(bytes);
}

/** Where the crawl's progress is kept, and (in a Durable Object) how to wait until a write is durable. */
export interface CrawlMeta {
  get: () => CrawlProgress | undefined;
  set: (p: CrawlProgress) => void;
  sync?: () => Promise<void>;
}

export class Crawler {
  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: CrawlMeta,
  ) {
    sql.exec(SCHEMA);
  }

  progress(): CrawlProgress {
    return this.meta.get() ?? IDLE;
  }

  /** Starts a crawl from the sitemap; a crawl already running goes on (false). */
  start(sitemapPath: string, now: number): boolean {
    if (this.progress().state === 'running') return false;
    this.sql.exec(`DELETE FROM crawl_queue`);
    this.sql.exec(`INSERT INTO crawl_queue (path, kind) VALUES (?, 'sitemap')`, sitemapPath);
    this.meta.set({ ...IDLE, state: 'running', startedAt: now, remaining: 1 });
    return true;
  }

  /** One run within the budget; returns when to run again (undefined: nothing to do). */
  async step(
    config: DistributionConfig,
    index: TagIndex,
    now: () => number,
    doFetch: typeof fetch = fetch,
  ): Promise<number | undefined> {
    const progress = this.progress();
    const crawl = config.tags.crawl;
    if (progress.state !== 'running') return undefined;
    if (!crawl || !config.publicBaseUrl) {
      // The crawl config was removed while it ran: end it where it stands.
      this.meta.set({ ...progress, state: 'done', finishedAt: now() });
      return undefined;
    }
    const origin = new URL(config.publicBaseUrl).origin;
    const base = config.publicBaseUrl.replace(/\/+$/, '');
    const batch = this.sql
      .exec<Visit>(
        `SELECT path, kind FROM crawl_queue WHERE done = 0 ORDER BY kind = 'page', rowid LIMIT ?`,
        crawl.requestsPerRun,
      )
      .toArray();
    const reports: { path: string; tags: string[] }[] = [];
    const visit = (v: Visit) => this.visit(v, `${base}${v.path}`, origin, config, reports, doFetch, progress);
    await this.visitSitemaps(batch, visit, progress);
    const pages = batch.filter((b) => b.kind === 'page');
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < pages.length; i = next++) {
        await this.markDone(pages[i]!.path);
        if ((await visit(pages[i]!)) === undefined) progress.errors++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(crawl.concurrency, pages.length) }, worker));
    index.learn(reports, config.tags, now());
    progress.tagged += reports.filter((r) => r.tags.length > 0).length;
    progress.remaining = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM crawl_queue WHERE done = 0`).one().n;
    if (progress.remaining === 0) Object.assign(progress, { state: 'done', finishedAt: now() });
    this.meta.set(progress);
    return progress.state === 'running' ? now() + crawl.delayMs : undefined;
  }

  /** Sitemaps first, one at a time, within the run's parse budget (SITEMAP_CHARS_PER_RUN); the rest wait for the next run. */
  private async visitSitemaps(
    batch: readonly Visit[],
    visit: (v: Visit) => Promise<number | undefined>,
    progress: CrawlProgress,
  ): Promise<void> {
    let read = 0;
    for (const v of batch.filter((b) => b.kind === 'sitemap')) {
      if (read >= SITEMAP_CHARS_PER_RUN) return;
      await this.markDone(v.path);
      const chars = await visit(v);
      if (chars === undefined) progress.errors++;
      else read += chars;
    }
  }

  /**
   * Marks a URL visited before it is fetched (and, for a sitemap, parsed), durably: a visit that crashes the
   * object (a sitemap too costly to parse, say) is not tried again by every later alarm.
   */
  private async markDone(path: string): Promise<void> {
    this.sql.exec(`UPDATE crawl_queue SET done = 1 WHERE path = ?`, path);
    await this.meta.sync?.();
  }

  /** One URL; the characters of a sitemap read (0 for a page), or undefined when it failed. */
  private async visit(
    visit: Visit,
    url: string,
    origin: string,
    config: DistributionConfig,
    reports: { path: string; tags: string[] }[],
    doFetch: typeof fetch,
    progress: CrawlProgress,
  ): Promise<number | undefined> {
    try {
      // redirect: manual, so a redirect can never take the crawler to another host.
      const response = await doFetch(url, { redirect: 'manual', signal: AbortSignal.timeout(CRAWL_TIMEOUT_MS) });
      if (visit.kind === 'page') {
        await response.body?.cancel();
        if (!response.ok) return undefined;
        progress.pages++;
        reports.push({ path: visit.path, tags: readTags(response.headers, config.tags.headers) });
        return 0;
      }
      const text = response.ok ? await readLimited(response, MAX_SITEMAP_BYTES) : undefined;
      if (text === undefined) {
        await response.body?.cancel().catch(() => undefined);
        return undefined;
      }
      progress.sitemaps++;
      const links = parseSitemap(text, origin);
      progress.skipped += links.skipped + this.add(links, config.tags.crawl!.maxUrls);
      return text.length;
    } catch {
      return undefined;
    }
  }

  /** Queues new URLs up to maxUrls per crawl; returns how many were left out for the limit. */
  private add(links: { sitemaps: string[]; pages: string[] }, maxUrls: number): number {
    const known = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM crawl_queue`).one().n;
    const visits: Visit[] = [
      ...links.sitemaps.map((path) => ({ path, kind: 'sitemap' as const })),
      ...links.pages.map((path) => ({ path, kind: 'page' as const })),
    ];
    const room = Math.max(0, maxUrls - known);
    const list = JSON.stringify(visits.slice(0, room));
    this.sql.exec(
      `INSERT OR IGNORE INTO crawl_queue (path, kind) SELECT json_extract(value, '$.path'), json_extract(value, '$.kind') FROM json_each(?)`,
      list,
    );
    return Math.max(0, visits.length - room);
  }
}
