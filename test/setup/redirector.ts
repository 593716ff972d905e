// Two loopback servers for the redirect tests: a public site that answers every GET with a redirect to
// the other one, which stands for another host. Each lists the paths it was asked for at /__requests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Server {
  url: string;
  close: () => Promise<void>;
}

async function listen(handle: (path: string, res: http.ServerResponse) => void): Promise<Server> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/__requests')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(requests));
    requests.push(path);
    req.resume();
    handle(path, res);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The site redirects (302, or 301 under /moved) to the same path on the other host. */
export async function startRedirector(): Promise<{ siteUrl: string; otherUrl: string; close: () => Promise<void> }> {
  const other = await listen((_path, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('the other host'));
  const site = await listen((path, res) =>
    res.writeHead(path.startsWith('/moved') ? 301 : 302, { location: `${other.url}${path}` }).end(),
  );
  return { siteUrl: site.url, otherUrl: other.url, close: async () => void (await Promise.all([site.close(), other.close()])) };
}
