// The body of POST /tags/{distribution}: one page's tags, or a batch; shape errors are 400, bad values 422. Pure.
import * as z from 'zod/mini';
import { RelayError, badRequest } from '../errors';
import { decodeUtf8 } from '../lib/bytes';
import { formatPath } from '../rules/issues';
import { isTag, MAX_TAG_LENGTH } from '../rules/tags-schema';
import { splitTags } from './headers';

/** Largest report body. */
export const MAX_REPORT_BYTES = 256 * 1024;
/** Most pages in one report. */
export const MAX_REPORTS = 500;
/** Most tags one page may report (the index keeps at most the distribution's maxTagsPerPath of them). */
export const MAX_REPORTED_TAGS = 1_000;

/** `tags`: a list, or a header value as the origin sent it ("a,b" or "a b"). */
const Report = z.object({ path: z.string(), tags: z.union([z.array(z.string()), z.string()]) });
const Body = z.union([Report, z.object({ reports: z.array(Report) })]);

export interface PageTags {
  path: string;
  tags: string[];
}

const unprocessable = (message: string) => new RelayError(422, message);

function check(report: z.infer<typeof Report>, at: string): PageTags {
  if (!report.path.startsWith('/') || report.path.length > 2048)
    throw unprocessable(`${at}path must start with "/" and be at most 2048 characters`);
  const tags = typeof report.tags === 'string' ? splitTags(report.tags) : report.tags;
  if (tags.length > MAX_REPORTED_TAGS) throw unprocessable(`${at}tags: at most ${MAX_REPORTED_TAGS} per page`);
  const bad = tags.find((t) => !isTag(t));
  if (bad !== undefined)
    throw unprocessable(
      `${at}tags: ${JSON.stringify(bad.slice(0, 80))} is not a tag (1-${MAX_TAG_LENGTH} characters, no spaces or commas)`,
    );
  return { path: report.path, tags: [...new Set(tags)] };
}

/** Reads the report from the body's bytes; throws 400 (not JSON, wrong shape) or 422 (values out of bounds). */
export function parseReport(body: Uint8Array): PageTags[] {
  let json: unknown;
  try {
    json = JSON.parse(decodeUtf8(body));
  } catch {
    throw badRequest('body is not valid JSON');
  }
  const parsed = Body.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => formatPath(i.path)).filter(Boolean);
    throw badRequest(
      `expected {"path": "/a", "tags": ["t1", "t2"]} or {"reports": [{"path", "tags"}, ...]}${where.length ? ` (at ${where.join(', ')})` : ''}`,
    );
  }
  const data = parsed.data;
  if (!('reports' in data)) return [check(data, '')];
  if (data.reports.length === 0 || data.reports.length > MAX_REPORTS)
    throw unprocessable(`reports: 1 to ${MAX_REPORTS} pages per call`);
  return data.reports.map((r, i) => check(r, `reports[${i}].`));
}
