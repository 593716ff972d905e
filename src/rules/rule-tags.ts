// A rule's tag templates (`post-{id}`), compiled once and filled from an event like path templates. Pure.
import { expandEntry, type CompiledEntry, type Scope } from './expand';
import { compileTemplate } from './template';
import { isTag } from './tags-schema';

/** Most tags one rule may produce for one event (a list variable fans out to one tag per element). */
export const MAX_TAGS_PER_RULE = 1000;

/**
 * Compiled as a path template behind a "/" so tags share the path code exactly: RFC 6570 expansion,
 * list fan-out, blank variables skipped. The "/" is removed again after expansion.
 */
export function compileTag(template: string): CompiledEntry {
  const compiled = compileTemplate(`/${template}`);
  return { template: compiled, kind: 'url', priority: 0, prefetch: false, dependent: false, tag: true };
}

export interface FilledTags {
  tags: string[];
  skipped: { template: string; reason: string; locale?: string }[];
}

/** Every tag the rule's templates give for the event's scopes, deduplicated, in order. */
export function fillTagTemplates(entries: readonly CompiledEntry[], scopes: readonly Scope[]): FilledTags {
  const tags = new Set<string>();
  const skipped: FilledTags['skipped'] = [];
  for (const entry of entries) {
    const template = entry.template.source.slice(1);
    for (const scope of scopes) {
      const x = expandEntry(entry, scope, MAX_TAGS_PER_RULE - tags.size);
      if (x.reason && !scope.previous)
        skipped.push({ template, reason: x.reason, ...(scope.locale && { locale: scope.locale }) });
      for (const path of x.paths) {
        const tag = path.slice(1);
        if (isTag(tag)) tags.add(tag);
        else if (!scope.previous) skipped.push({ template, reason: `gives ${JSON.stringify(tag)}, which is not a tag` });
      }
    }
  }
  return { tags: [...tags], skipped };
}
