// Parses sitemap.xml and sitemap index documents (https://www.sitemaps.org/protocol.html) into same-origin paths. Pure.

export interface SitemapLinks {
  /** Child sitemaps (from a `<sitemapindex>`). */
  sitemaps: string[];
  /** Page paths (from a `<urlset>`). */
  pages: string[];
  /** `<loc>` values left out: another origin, or not a URL. */
  skipped: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML character references and the five predefined entities (XML 1.0 §4.6); a sitemap must escape `&`. */
export function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The path (with query) of `url` when it is on `origin`, else undefined. Only this keeps the crawler
 * on the distribution's own site: a sitemap cannot point it at another host (SSRF).
 */
export function sameOriginPath(url: string, origin: string): string | undefined {
  try {
    const parsed = new URL(url, origin);
    return parsed.origin === origin ? `${parsed.pathname}${parsed.search}` : undefined;
  } catch {
    return undefined;
  }
}

/** The `<loc>` of every `<sitemap>` and `<url>` element, kept only when it is on `origin`. */
export function parseSitemap(xml: string, origin: string): SitemapLinks {
  const links: SitemapLinks = { sitemaps: [], pages: [], skipped: 0 };
  const isIndex = /<(?:\w+:)?sitemapindex[\s>]/.test(xml);
  const locs = /<(?:\w+:)?loc>\s*(?:<!\[CDATA\[)?([\s\S]*?)(?:\]\]>)?\s*<\/(?:\w+:)?loc>/g;
  for (const m of xml.matchAll(locs)) {
    const path = sameOriginPath(decodeXml(m[1]!.trim()), origin);
    if (path === undefined) links.skipped++;
    else (isIndex ? links.sitemaps : links.pages).push(path);
  }
  return links;
}
