// Manual purge as an operator types it: full URLs of the public host become paths, anything else is refused with
// every problem at once and nothing queued; purging everything needs the distribution's name typed.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkManualPath, checkManualPaths } from '../../../src/admin/manual-paths';
import { login, type Browser } from '../support/console';
import { admin, baseConfig, putConfig } from '../support/helpers';

const HOME = 'https://www.example.com';
let browser: Browser;
const text = async (response: Response) => (await response.text()).replace(/&quot;/g, '"').replace(/&#39;/g, "'");
const journey = async (eventId: string) =>
  (
    await (await admin(`/events/${eventId}`)).json<{ distributions: { paths: { kind: string; path: string }[] }[] }>()
  ).distributions
    .flatMap((d) => d.paths)
    .map((p) => `${p.kind} ${p.path}`);
const pending = async () =>
  ((await (await admin('/status')).json()) as { distributions: { distribution: string; pending: unknown }[] }).distributions.map(
    (d) => [d.distribution, d.pending],
  );

beforeAll(async () => {
  const distributions = {
    main: { id: 'dist-purge-form', coalesceMs: 60_000, publicBaseUrl: `${HOME}/` },
    bare: { id: 'dist-bare', coalesceMs: 60_000 },
  };
  expect((await putConfig(baseConfig({ distributions, rules: [] }))).status).toBe(200);
  browser = await login();
});

describe('checkManualPath', () => {
  it('keeps a path, and makes a URL of the public host its path with the query as typed', () => {
    expect(checkManualPath('  /pricing ')).toEqual({ path: '/pricing' });
    expect(checkManualPath(`${HOME}/blog/a%20b?x=1&y=%2F#top`, HOME)).toEqual({ path: '/blog/a%20b?x=1&y=%2F' });
    expect(checkManualPath(`${HOME}`, `${HOME}/`)).toEqual({ path: '/' });
    expect(checkManualPath('HTTPS://WWW.EXAMPLE.COM/About', HOME)).toEqual({ path: '/About' });
  });

  it('refuses another host, a URL without a public host to compare, no leading slash, spaces and control characters', () => {
    expect(checkManualPath('https://evil.example/x', HOME)).toEqual({
      problem: `"https://evil.example/x" is not on this distribution's public host (${HOME}): give a path, or a URL of ${HOME}`,
    });
    expect(checkManualPath('http://www.example.com/x', HOME)).toHaveProperty('problem');
    expect(checkManualPath(`${HOME}/x`)).toHaveProperty('problem', expect.stringContaining('has no publicBaseUrl'));
    expect(checkManualPath('pricing')).toEqual({ problem: '"pricing": a path must start with "/"' });
    expect(checkManualPath('/bad path')).toEqual({
      problem: '"/bad path" has a space or control character: write a space as %20',
    });
    expect(checkManualPath('/tab\there')).toHaveProperty('problem');
    expect(checkManualPath('/nul\u0000')).toHaveProperty('problem');
  });

  it('checks every line of a textarea, numbering the problems, skipping blank lines', () => {
    expect(checkManualPaths(`/a\n\n${HOME}/b\nbad\n/c d`, HOME)).toEqual({
      paths: ['/a', '/b'],
      problems: [
        'line 4: "bad": a path must start with "/"',
        'line 5: "/c d" has a space or control character: write a space as %20',
      ],
    });
  });
});

describe('the manual purge form', () => {
  it('queues a pasted URL of the public host as its path', async () => {
    const response = await browser.post('/admin/ui/purge', { distribution: 'main', paths: `${HOME}/pricing?plan=pro\n/about` });
    expect(response.status).toBe(200);
    const eventId = /events\/(man_\w+)/.exec(await text(response))?.[1];
    expect(await journey(eventId!)).toEqual(['url /pricing?plan=pro', 'url /about']);
  });

  it('refuses every bad line at once and queues nothing, keeping what was typed', async () => {
    const before = await pending();
    const paths = `/fine\n/bad path\nhttps://other.example/x`;
    const response = await browser.post('/admin/ui/purge', { distribution: 'main', paths, prefetch: 'nope' });
    expect(response.status).toBe(422);
    const html = await text(response);
    expect(html).toContain('<strong>3 problem(s); nothing was queued.</strong>');
    expect(html).toContain('<li>paths line 2: "/bad path" has a space or control character: write a space as %20</li>');
    expect(html).toContain(`<li>paths line 3: "https://other.example/x" is not on this distribution's public host (${HOME})`);
    expect(html).toContain('<li>prefetch line 1: "nope": a path must start with "/"</li>');
    expect(html).toContain(`>${paths}</textarea>`);
    expect(await pending()).toEqual(before);
  });

  it('purges everything only with the distribution name typed', async () => {
    const refused = await browser.post('/admin/ui/purge', { distribution: 'bare', all: '1', confirmAll: 'main' });
    expect(refused.status).toBe(422);
    expect(await text(refused)).toContain('to purge everything cached for bare, type its name "bare" in the box');
    const done = await browser.post('/admin/ui/purge', { distribution: 'bare', all: '1', confirmAll: 'bare' });
    expect(done.status).toBe(200);
    expect(await text(done)).toMatch(/Queued a purge of everything as event/);
  });

  it('carries the public hosts for the check as it is typed', async () => {
    const html = await text(await browser.get('/admin/ui/purge'));
    expect(html).toContain(`data-homes="{"main":"${HOME}","bare":""}"`);
    expect(html).toContain(
      '<textarea id="paths" name="paths" rows="6" spellcheck="false" data-paths="true" aria-describedby="paths-check">',
    );
  });
});

describe('POST /admin/purge', () => {
  it('refuses a path with a space before anything is queued, naming the field', async () => {
    const response = await admin('/purge', {
      method: 'POST',
      body: JSON.stringify({ distribution: 'main', paths: ['/ok', '/bad path'] }),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('a path must not hold a space or control character');
  });
});
