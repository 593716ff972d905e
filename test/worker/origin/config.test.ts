// The distribution's `origin` block: defaults, and bad settings refused at their exact field with a useful message.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/rules/schema';
import { baseConfig, putConfig } from '../support/helpers';

const NEXT = { type: 'nextjs', url: 'https://www.example.com/api/revalidate', secret: 'REVALIDATE_SECRET' };
const parse = (origin: unknown, distribution: Record<string, unknown> = {}) =>
  parseConfig({ distributions: { www: { id: 'dist-1', origin, ...distribution } } });
const issues = (origin: unknown, distribution: Record<string, unknown> = {}) => {
  const parsed = parse(origin, distribution);
  return parsed.ok ? [] : parsed.issues;
};

describe('the origin block', () => {
  it('is off by default: no steps, no gate, hold on failure for an hour', () => {
    const parsed = parseConfig({ distributions: { www: { id: 'dist-1' } } });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.config.distributions.www!.origin).toMatchObject({
      steps: [],
      onFailure: 'hold',
      maxHoldMs: 3_600_000,
      gate: { enabled: false, maxWaitMs: 600_000, lateWaitMs: 1_800_000, pollMs: 1_000, pollMaxMs: 30_000 },
    });
  });

  it('accepts the three kinds of step, filling their defaults', () => {
    const parsed = parse({
      steps: [
        NEXT,
        { type: 'http', url: 'https://api.netlify.com/build_hooks/abc', body: '{"paths":{paths}}' },
        {
          type: 'purge',
          method: 'BAN',
          baseUrl: 'http://127.0.0.1:6081',
          secretHeaders: { 'x-purge-key': { secret: 'VARNISH_KEY' } },
        },
      ],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const [next, http, purge] = parsed.config.distributions.www!.origin.steps;
    expect(next).toMatchObject({ secretHeader: 'x-revalidate-secret', timeoutMs: 10_000 });
    expect(http).toMatchObject({ method: 'POST', contentType: 'application/json', headers: {}, secretHeaders: {} });
    expect(purge).toMatchObject({
      banHeader: 'x-ban-url',
      secretHeaders: { 'x-purge-key': { secret: 'VARNISH_KEY', prefix: '' } },
    });
  });

  it("refuses plain http to another host than loopback, at the step's url", () => {
    expect(issues({ steps: [{ ...NEXT, url: 'http://www.example.com/api/revalidate' }] })).toEqual([
      {
        path: 'distributions.www.origin.steps[0].url',
        message: 'must be https (plain http only to 127.0.0.1 or localhost, for local development)',
      },
    ]);
    expect(issues({ steps: [{ type: 'purge', baseUrl: 'varnish:6081' }] })[0]!.path).toBe(
      'distributions.www.origin.steps[0].baseUrl',
    );
  });

  it("refuses a secret that is one of the relay's own settings, and a secret name that is not one", () => {
    expect(issues({ steps: [{ ...NEXT, secret: 'ADMIN_TOKEN' }] })).toEqual([
      expect.objectContaining({
        path: 'distributions.www.origin.steps[0].secret',
        message: expect.stringContaining("ADMIN_TOKEN is one of the relay's own settings"),
      }),
    ]);
    const header = {
      type: 'http',
      url: 'https://h.example.com/x',
      secretHeaders: { authorization: { secret: 'GOTIPATH_API_KEY', prefix: 'Bearer ' } },
    };
    expect(issues({ steps: [header] }).map((i) => i.path)).toEqual([
      'distributions.www.origin.steps[0].secretHeaders.authorization.secret',
    ]);
    expect(issues({ steps: [{ ...NEXT, secret: 'lowercase' }] })).toEqual([
      { path: 'distributions.www.origin.steps[0].secret', message: 'a Worker secret name in SCREAMING_SNAKE_CASE' },
    ]);
  });

  it('refuses an unknown step type, an unknown key, a bad header name and a bad policy', () => {
    expect(issues({ steps: [{ ...NEXT, type: 'wordpress' }] }).map((i) => i.path)).toEqual([
      'distributions.www.origin.steps[0].type',
    ]);
    expect(issues({ steps: [{ ...NEXT, secrte: 'X' }] }).map((i) => i.path)).toEqual(['distributions.www.origin.steps[0]']);
    expect(issues({ steps: [{ type: 'http', url: 'https://h.example.com/x', headers: { 'X-Upper': 'v' } }] })[0]!.path).toContain(
      'distributions.www.origin.steps[0].headers',
    );
    expect(issues({ onFailure: 'retry' }).map((i) => i.path)).toEqual(['distributions.www.origin.onFailure']);
    expect(issues({ maxHoldMs: 10 }).map((i) => i.path)).toEqual(['distributions.www.origin.maxHoldMs']);
  });

  it('refuses the gate without verify.originBaseUrl, and polls that shrink', () => {
    expect(issues({ gate: { enabled: true } })).toEqual([
      {
        path: 'distributions.www.origin.gate.enabled',
        message: 'origin.gate.enabled needs verify.originBaseUrl (the origin without the CDN)',
      },
    ]);
    const verify = { verify: { originBaseUrl: 'https://origin.example.com' } };
    expect(issues({ gate: { enabled: true } }, verify)).toEqual([]);
    expect(issues({ gate: { enabled: true, pollMs: 5_000, pollMaxMs: 1_000 } }, verify)).toEqual([
      { path: 'distributions.www.origin.gate.pollMaxMs', message: 'origin.gate.pollMaxMs must be at least origin.gate.pollMs' },
    ]);
  });
});

describe('saving a config with origin steps', () => {
  it('warns about an origin secret the Worker does not have, and saves the document', async () => {
    const steps = [
      { ...NEXT, secret: 'REVALIDATE_SECRET' },
      {
        type: 'http',
        url: 'https://h.example.com/hook',
        secretHeaders: { authorization: { secret: 'HOOK_NOT_SET', prefix: 'Bearer ' } },
      },
    ];
    const config = baseConfig({ distributions: { main: { id: 'dist-main', coalesceMs: 0, origin: { steps } } } });
    const saved = await putConfig(config);
    expect(saved.status).toBe(200);
    const { warnings } = await saved.json<{ warnings: string[] }>();
    expect(warnings).toEqual(['distribution "main": Worker secret HOOK_NOT_SET (origin.steps[1]) is not set']);
  });
});
