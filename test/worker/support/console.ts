// Builders for console tests: log in through the form, then GET pages and POST forms as a browser would
// (redirects not followed, so each test sees the 303 and its cookie).
import { TEST_BINDINGS } from '../../setup/bindings';
import { ORIGIN, workerFetch } from './helpers';

export interface Browser {
  cookie: string;
  csrf: string;
  get(path: string): Promise<Response>;
  post(path: string, fields: Record<string, string | string[]>, headers?: Record<string, string>): Promise<Response>;
}

export const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

export function form(fields: Record<string, string | string[]>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of ([] as string[]).concat(v)) body.append(k, one);
  return body;
}

export const postLogin = (token: string, headers: Record<string, string> = { origin: ORIGIN }) =>
  workerFetch(
    new Request(`${ORIGIN}/admin/ui/login`, {
      method: 'POST',
      body: form({ token, next: '/admin/ui' }),
      headers,
      redirect: 'manual',
    }),
  );

/** A logged-in browser: the session cookie, and the CSRF token read from a page as a form would carry it. */
export async function login(): Promise<Browser> {
  const response = await postLogin(TEST_BINDINGS.ADMIN_TOKEN);
  if (response.status !== 303) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  const get = (path: string) =>
    workerFetch(new Request(`${ORIGIN}${path}`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' }));
  const csrf = csrfIn(await (await get('/admin/ui/purge')).text());
  return {
    cookie,
    csrf,
    get,
    post: (path, fields, headers = {}) =>
      workerFetch(
        new Request(`${ORIGIN}${path}`, {
          method: 'POST',
          body: form({ _csrf: csrf, ...fields }),
          headers: { cookie, origin: ORIGIN, ...headers },
          redirect: 'manual',
        }),
      ),
  };
}
