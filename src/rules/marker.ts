// The verification marker of one event: the `verify.marker` template filled from the event, values as they are.
import type { ContentEvent } from '../providers/types';
import { isBlank, resolve } from './conditions';
import { eventScopes } from './expand';

/** Longest marker kept (a marker is sought in the page's headers and body, not sent anywhere). */
export const MAX_MARKER_LENGTH = 512;

const text = (value: unknown): string | undefined => {
  if (isBlank(value)) return undefined;
  if (Array.isArray(value)) return value.filter((v) => !isBlank(v) && typeof v !== 'object').join(',') || undefined;
  return typeof value === 'object' || typeof value === 'symbol' ? undefined : String(value);
};

/**
 * Fills a marker template (the rules' syntax: `{fields.updatedAt}`, `v{fields.version}`) from an event's first
 * scope. Values are inserted as they are, not percent-encoded: the marker is matched against text. Undefined
 * when a variable is blank (the page is then judged by its validator alone) or the result is too long.
 */
export function renderMarker(
  template: string,
  event: ContentEvent,
  locales: Readonly<Record<string, string>>,
): string | undefined {
  const vars = eventScopes(event, locales)[0]?.vars ?? {};
  let blank = false;
  const marker = template.replace(/\{([^}]*)\}/g, (_all, expression: string) => {
    const names = expression.replace(/^[+#./;?&]/, '').split(',');
    const values = names.map((n) => text(resolve(vars, n.replace(/(\*|:\d+)$/, '').trim())));
    if (values.some((v) => v === undefined)) blank = true;
    return values.join(',');
  });
  return blank || marker.length > MAX_MARKER_LENGTH ? undefined : marker;
}
