// Shared-secret webhooks (no signature): a header carrying a token or HTTP Basic credentials, compared in
// constant time. Strapi, DatoCMS, Builder.io, Directus, Payload and WordPress use it.
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { decodeUtf8, fromBase64 } from '../lib/bytes';
import { tokenMatchesAny } from '../lib/crypto';
import { requireHeader } from './support';

/** Options every shared-secret provider accepts. */
export const TOKEN_OPTIONS = {
  /** Header carrying the token (default `authorization`). */
  header: z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'))),
  /** Scheme before the token: `Bearer` (default), `Basic` (secret is `user:password`), or `""` for the whole value. */
  scheme: z.optional(z.string().check(z.regex(/^[A-Za-z-]*$/, 'an auth scheme such as Bearer or Basic'))),
};
const TokenSchema = z.strictObject(TOKEN_OPTIONS);
export type TokenOptions = z.infer<typeof TokenSchema>;

function decodeBasic(credentials: string): string {
  const bytes = fromBase64(credentials);
  try {
    return bytes ? decodeUtf8(bytes) : '';
  } catch {
    return '';
  }
}

export async function verifyToken(headers: Headers, secrets: readonly string[], options: TokenOptions): Promise<void> {
  const header = options.header ?? 'authorization';
  const scheme = options.scheme ?? 'Bearer';
  const value = requireHeader(headers, header);
  const prefix = scheme === '' ? '' : `${scheme} `;
  if (prefix && value.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) {
    throw unauthorized(`${header} header must use the ${scheme} scheme`);
  }
  const token = value.slice(prefix.length).trim();
  // Basic credentials are compared decoded (`user:password`), as they are typed on the platform.
  const given = scheme.toLowerCase() === 'basic' ? decodeBasic(token) : token;
  if (!(await tokenMatchesAny(given, secrets))) throw unauthorized('token does not match');
}
