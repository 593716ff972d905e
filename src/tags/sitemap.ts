// Parses sitemap.xml and sitemap index documents (https://www.sitemaps.org/protocol.html) into same-origin paths.
// Pure, and linear in the document's length: one forward scan with indexOf, no backtracking pattern.

export interface SitemapLinks {
  /** Child sitemaps (from a `<sitemapindex>`). */
  sitemaps: string[];
  /** Page paths (from a `<urlset>`). */
  pages: string[];
  /** `<loc>` values left out: another origin, not a URL, longer than MAX_LOC_LENGTH, or never closed. */
  skipped: number;
}

/** Longest `<loc>` kept: the protocol's "less than 2,048 characters" (sitemaps.org, XML tag definitions). */
export const MAX_LOC_LENGTH = 2048;
/** A tag's name is read from at most this many characters after its `<` (`<image:loc>` needs 10). */
const NAME_SCAN = 64;

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

/** A `<loc>`'s text: trimmed, a CDATA section taken as it is, otherwise XML escapes decoded; undefined when too long. */
function locText(raw: string): string | undefined {
  const text = raw.trim();
  const cdata = text.startsWith('<![CDATA[') && text.endsWith(']]>');
  const value = cdata ? text.slice(9, -3).trim() : decodeXml(text);
  return value.length > 0 && value.length <= MAX_LOC_LENGTH ? value : undefined;
}

/** `<x:loc …>` → {closing: false, name: "loc"}: the local name, without namespace prefix or attributes. */
function tagName(xml: string, lt: number, gt: number): { closing: boolean; name: string; empty: boolean } {
  const head = xml.slice(lt + 1, Math.min(gt, lt + 1 + NAME_SCAN));
  const closing = head.startsWith('/');
  const qualified = (closing ? head.slice(1) : head).split(/[\s/]/, 1)[0]!;
  return { closing, name: qualified.slice(qualified.indexOf(':') + 1), empty: xml[gt - 1] === '/' };
}

/** Where the markup starting at `lt` ends (just past it), for comments, CDATA and declarations; -1 when never. */
function skipSpecial(xml: string, lt: number): number | undefined {
  const close = xml.startsWith('<!--', lt) ? '-->' : xml.startsWith('<![CDATA[', lt) ? ']]>' : undefined;
  if (close === undefined) return undefined;
  const end = xml.indexOf(close, lt + 4);
  return end === -1 ? -1 : end + close.length;
}

/**
 * The `<loc>` of every `<sitemap>` and `<url>` element, kept only when it is on `origin`. Every character
 * is looked at a bounded number of times whatever the input (a `<loc>` followed by megabytes of spaces
 * and no `</loc>` included), so a hostile sitemap costs time in proportion to its size and no more.
 */
export function parseSitemap(xml: string, origin: string): SitemapLinks {
  const links: SitemapLinks = { sitemaps: [], pages: [], skipped: 0 };
  let root: string | undefined;
  let locStart = -1;
  const take = (raw: string) => {
    const text = locText(raw);
    const path = text === undefined ? undefined : sameOriginPath(text, origin);
    if (path === undefined) links.skipped++;
    else (root === 'sitemapindex' ? links.sitemaps : links.pages).push(path);
  };
  for (let pos = 0, lt = xml.indexOf('<'); lt !== -1; lt = xml.indexOf('<', pos)) {
    const special = skipSpecial(xml, lt);
    if (special === -1) break;
    if (special !== undefined) {
      pos = special; // a CDATA section inside a <loc> stays part of its text
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt === -1) break;
    pos = gt + 1;
    const tag = tagName(xml, lt, gt);
    if (locStart !== -1) {
      // Inside a <loc>: its closing tag ends it; any other tag means it was never closed.
      if (tag.closing && tag.name === 'loc') take(xml.slice(locStart, lt));
      else links.skipped++;
      locStart = -1;
      if (tag.closing) continue;
    }
    if (tag.closing || xml[lt + 1] === '?' || xml[lt + 1] === '!') continue;
    root ??= tag.name;
    if (tag.name === 'loc' && !tag.empty) locStart = pos;
  }
  if (locStart !== -1) links.skipped++;
  return links;
}
