// The content change behind an event, in the editor's words: its title and type, read from the payload. Pure.

/** What the relay remembers of a change for its messages and status page. */
export interface ChangeNote {
  eventId: string;
  source: string;
  action: string;
  at: number;
  title?: string;
  contentType?: string;
  documentId?: string;
  /** Paths queued for it. */
  paths: number;
}

/** The fields an editor would call the title, in the order platforms commonly name them. */
const TITLE_FIELDS = ['title', 'name', 'headline', 'heading', 'label', 'slug'];
const MAX_TITLE = 120;

/** A localized field (Contentful: `{"en-US": "Hello"}`) reads as its first string. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object' && !Array.isArray(value))
    for (const v of Object.values(value)) if (typeof v === 'string' && v.trim()) return v.trim();
  return undefined;
}

/** The change's title from its fields, shortened; undefined when it has none that reads as one. */
export function titleOf(fields: Record<string, unknown>): string | undefined {
  for (const name of TITLE_FIELDS) {
    const value = text(fields[name]);
    if (value) return value.length > MAX_TITLE ? `${value.slice(0, MAX_TITLE - 1)}…` : value;
  }
  return undefined;
}

/** "blogPost", "blog_post", "blog-post" → "blog post". */
export function humanType(type: string): string {
  return type
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
}

/** "*Hello world* (blog post)", or the type and id when the change has no title. */
export function changeWords(note: ChangeNote | undefined, bold: (s: string) => string): string {
  if (!note) return 'The change';
  const type = note.contentType ? humanType(note.contentType) : undefined;
  if (note.title) return `${bold(note.title)}${type ? ` (${type})` : ''}`;
  if (type) return `The ${type}${note.documentId ? ` ${bold(note.documentId)}` : ''}`;
  return note.documentId ? `Document ${bold(note.documentId)}` : 'The change';
}
