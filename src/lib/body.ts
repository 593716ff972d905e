// Reads a body (a request's, or a fetched response's) up to a byte limit, stopping as soon as the limit is passed.
import { RelayError, badRequest } from '../errors';
import { concatBytes } from '../lib/bytes';

export async function readBodyLimited(request: Request | Response, limit: number): Promise<Uint8Array> {
  const tooLarge = () => new RelayError(413, `body is larger than the ${limit}-byte limit`);
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof RelayError) throw error;
    throw badRequest('the request body could not be read to its end');
  }
  return concatBytes(...chunks);
}
