// @ts-check
// The CLI (bin/purge-relay.mjs) against a relay under wrangler dev and the Gotipath stand-in on 127.0.0.1.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { readDevVars } from '../../scripts/local-relay.mjs';
import { runCli, startStack } from '../../scripts/stack.mjs';
/** @import { AddressInfo } from 'node:net' */
/** @import { GotipathStandin } from '../../scripts/gotipath-standin/index.mjs' */
/** @import { LocalRelay, Stack, StackSecrets } from '../../scripts/stack.mjs' */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WINDOW_MS = 2_000;
// The sample secrets of .dev.vars.example, so send-sample can sign as each platform does.
/** @type {StackSecrets} */
const SECRETS = {
  ...readDevVars(`${ROOT}.dev.vars.example`),
  GOTIPATH_CLIENT_ID: 'cli-client',
  GOTIPATH_LIBRARY_ID: 'cli-library',
  GOTIPATH_API_KEY: 'cli-key',
  ADMIN_TOKEN: 'cli-admin-token-0123456789',
};
const EXAMPLE = JSON.parse(readFileSync(`${ROOT}examples/config.json`, 'utf8'));
const CONFIG = {
  ...EXAMPLE,
  distributions: { main: { id: 'dist-cli', coalesceMs: 300, limits: { windowMs: WINDOW_MS + 100 } } },
};

/** @type {Stack | undefined} */
let stack;
/** @type {GotipathStandin} */
let standin;
/** @type {LocalRelay} */
let relay;
/** @type {string} */
let dir;

before(async () => {
  stack = await startStack({ name: 'cli', secrets: SECRETS, config: CONFIG, windowMs: WINDOW_MS, portBase: 20_000 });
  ({ standin, relay, dir } = stack);
});

after(async () => {
  await stack?.stop();
});

/** @param {string[]} args @param {{ token?: string, url?: string, env?: NodeJS.ProcessEnv, input?: string }} [options] */
const cli = (args, { token = SECRETS.ADMIN_TOKEN, url = relay.url, env = {}, input } = {}) =>
  runCli(args, { url, token, cwd: dir, env, input });

/** @param {string} name @param {unknown} value */
const file = (name, value) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
};

const liveVersion = async () =>
  (await (await fetch(`${relay.url}/admin/config`, { headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}` } })).json())
    .version;

describe('purge-relay status', () => {
  it('prints each distribution with its health, queue and calls left', async () => {
    const { code, stdout } = await cli(['status']);
    assert.equal(code, 0);
    assert.match(stdout, /^config version \d+$/m);
    assert.match(stdout, /^main \(dist-cli\) {2}health ok$/m);
    assert.match(stdout, /^ {2}pending {7}0 \(none\)/m);
  });

  it('prints the JSON answer with --json', async () => {
    const { stdout } = await cli(['status', '--json']);
    assert.equal(JSON.parse(stdout).distributions[0].distribution, 'main');
  });
});

describe('purge-relay config', () => {
  it('validates a good file without saving it', async () => {
    const before = await liveVersion();
    const { code, stdout } = await cli(['config', 'validate', file('good.json', { ...CONFIG, schedules: [] })]);
    assert.equal(code, 0);
    assert.match(stdout, /good\.json is valid \(checked by http:\/\/127\.0\.0\.1:\d+; nothing was saved\)/);
    assert.equal(await liveVersion(), before);
  });

  it('fails on a bad file naming every problem at its line and field, with what was meant', async () => {
    const bad = { ...CONFIG, rules: [{ ...CONFIG.rules[0], match: { actions: ['publsh'] }, purgue: [] }] };
    const path = file('bad.json', bad);
    const lines = readFileSync(path, 'utf8').split('\n');
    const lineOf = (/** @type {string} */ text) => lines.findIndex((l) => l.includes(text)) + 1;
    const { code, stderr } = await cli(['config', 'validate', path]);
    assert.equal(code, 1);
    assert.match(stderr, /bad\.json is invalid \(2 problems\):/);
    const publsh = lineOf('"publsh"');
    assert.match(
      stderr,
      new RegExp(`^ {2}.*bad\\.json:${publsh}:\\d+: rules\\[0\\]\\.match\\.actions\\[0\\]: expected one of "publish"`, 'm'),
    );
    // An unknown key is reported at the object that holds it, with the key it resembles.
    const rule = lines.findIndex((l) => l.includes('"rules"')) + 2;
    assert.match(
      stderr,
      new RegExp(`^ {2}.*bad\\.json:${rule}:\\d+: rules\\[0\\]: unknown key "purgue" \\(did you mean "purge"\\?\\)$`, 'm'),
    );
  });

  it('warns about a schedule the Worker has no cron trigger for, and --strict refuses it', async () => {
    const before = await liveVersion();
    const untriggered = { ...CONFIG, schedules: [{ ...CONFIG.schedules[0], cron: '*/7 * * * *' }] };
    const path = file('untriggered.json', untriggered);
    const loose = await cli(['config', 'validate', path]);
    assert.equal(loose.code, 0, loose.stderr);
    assert.match(loose.stderr, /^warning: schedule .*: "\*\/7 \* \* \* \*" is not among the Worker's cron triggers/m);
    const strict = await cli(['config', 'push', path, '--strict']);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /untriggered\.json has 1 warning and --strict refuses warnings; nothing was saved/);
    assert.equal(await liveVersion(), before);
  });

  it('fails on a file that is not JSON', async () => {
    const { code, stderr } = await cli(['config', 'validate', file('broken.json', '{ "distributions": ')]);
    assert.equal(code, 1);
    assert.match(stderr, /broken\.json is not valid JSON/);
  });

  it('pulls the live config to stdout and to a file', async () => {
    const { code, stdout } = await cli(['config', 'pull']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), CONFIG);
    const out = join(dir, 'pulled.json');
    const written = await cli(['config', 'pull', '--out', out]);
    assert.match(written.stderr, /wrote version \d+ .* to .*pulled\.json/);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), CONFIG);
  });

  it('diffs a file against the live version', async () => {
    const changed = { ...CONFIG, schedules: [{ ...CONFIG.schedules[0], purge: ['/sitemap-index.xml'] }] };
    const { code, stdout } = await cli(['config', 'diff', file('changed.json', changed)]);
    assert.equal(code, 0);
    assert.match(stdout, /^--- live \(version \d+\)\n\+\+\+ .*changed\.json\n@@ /);
    assert.match(stdout, /^- {8}"\/sitemap\.xml",?$/m);
    assert.match(stdout, /^\+ {8}"\/sitemap-index\.xml"$/m);
    const same = await cli(['config', 'diff', file('same.json', CONFIG)]);
    assert.match(same.stdout, /^no differences between .*same\.json and the live version \d+$/m);
  });

  it('pushes a file as a new version after showing the diff', async () => {
    const before = await liveVersion();
    const next = { ...CONFIG, distributions: { main: { ...CONFIG.distributions.main, coalesceMs: 250 } } };
    const { code, stdout, stderr } = await cli(['config', 'push', file('next.json', next)]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^- +"coalesceMs": 300,$/m);
    assert.match(stderr, new RegExp(`saved as version ${before + 1}`));
    assert.equal(await liveVersion(), before + 1);
  });
});

describe('purge-relay preview', () => {
  it('shows the matched rules and their paths for a payload file and headers', async () => {
    const payload = file('entry.json', {
      sys: { id: 'p1', type: 'Entry', contentType: { sys: { id: 'blogPost' } } },
      fields: { slug: { 'en-US': 'cli post' } },
    });
    const { code, stdout } = await cli([
      'preview',
      '--source',
      'contentful',
      '--header',
      'X-Contentful-Topic: ContentManagement.Entry.publish',
      payload,
    ]);
    assert.equal(code, 0);
    assert.match(stdout, /^event {4}publish blogPost p1 \(source contentful/m);
    assert.match(stdout, /^matched  blog-post → main\n {2}purge {5}\/blog\/cli%20post\n/m);
    assert.match(stdout, /^ {2}prefetch {2}\/blog\/cli%20post$/m);
    assert.match(stdout, /^ {2}product: source "contentful" is not in \["shopify"\]$/m);
  });

  it('needs --source', async () => {
    const { code, stderr } = await cli(['preview', file('x.json', {})]);
    assert.equal(code, 2);
    assert.match(stderr, /preview needs --source/);
  });
});

describe('purge-relay purge --wait', () => {
  it('follows this purge’s own paths and reports each one purged', async () => {
    const { code, stdout, stderr } = await cli([
      'purge',
      '--distribution',
      'main',
      '/cli/one',
      '/cli/two',
      '--wait',
      '--timeout',
      '30',
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^queued 2 path\(s\) on main as (man_\w+), expected to be sent in \d+ s$/m);
    assert.match(stderr, /^man_\w+: 0 of 2 path\(s\) done, waiting for \/cli\/one \/cli\/two$/m);
    assert.match(stdout, /^ok {6}\/cli\/one {2}purged$/m);
    assert.match(stdout, /^ok {6}\/cli\/two {2}purged$/m);
    const call = standin.calls.find((c) => c.paths.includes('/cli/one'));
    assert.deepEqual([call?.status, call?.paths], [200, ['/cli/one', '/cli/two']]);
  });

  it('reports a path Gotipath refused as failed and exits 1, while the rest of the purge goes through', async () => {
    standin.setFaults({ rejectPaths: ['/cli/refused'] }, 'dist-cli');
    try {
      const { code, stdout, stderr } = await cli([
        'purge',
        '--distribution',
        'main',
        '/cli/refused',
        '/cli/fine',
        '--wait',
        '--timeout',
        '30',
      ]);
      assert.equal(code, 1, stderr);
      assert.match(
        stdout,
        /^FAILED {2}\/cli\/refused {2}refused by Gotipath \(422: paths\[0\] is invalid: \/cli\/refused\), now a dead letter$/m,
      );
      assert.match(stdout, /^ok {6}\/cli\/fine {2}purged$/m);
      assert.match(stderr, /^purge-relay: some paths of man_\w+ failed: see the dead letters/m);
    } finally {
      standin.setFaults({ rejectPaths: null }, 'dist-cli');
      await fetch(`${relay.url}/admin/distributions/main/dead-letters/drop`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: '{"all":true}',
      });
    }
  });

  it('refuses a purge with nothing to purge', async () => {
    const { code, stderr } = await cli(['purge', '--distribution', 'main']);
    assert.equal(code, 2);
    assert.match(stderr, /give paths, --file, --pattern, --prefetch or --all/);
  });

  it('asks before purging everything: refused without a terminal, done with --yes', async () => {
    const refused = await cli(['purge', '--distribution', 'main', '--all']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /purge --all empties the whole cache of main; there is no terminal to ask on: add --yes/);
    const confirmed = await cli(['purge', '--distribution', 'main', '--all', '--yes']);
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.match(confirmed.stdout, /^queued a purge of everything on main as man_\w+, expected to be sent in \d+ s$/m);
  });
});

describe('purge-relay why', () => {
  it('tells what the relay recorded about a purged path: verdict, events and history', async () => {
    const { code, stdout, stderr } = await cli(['why', '/cli/one', '--recorded']);
    // Purged but never checked at the edge: not settled, so exit 1.
    assert.equal(code, 1, stderr);
    assert.match(stdout, /^purged at \S+Z; not checked at the edge since$/m);
    assert.match(stdout, /^path {6}\/cli\/one on main \(unchecked\)$/m);
    assert.match(stdout, /^events\n {2}\S+Z {2}man_\w+ {2}manual purge, rule manual$/m);
    assert.match(stdout, /^ {2}\S+Z {2}queued {3}\/cli\/one/m);
    assert.match(stdout, /^ {2}\S+Z {2}call {5}\/cli\/one {2}200, attempt 1, batch \d+$/m);
  });

  it('says no rule produces a path and names the nearest rules', async () => {
    const { code, stdout } = await cli(['why', '/blog/2024/old', '--recorded']);
    assert.equal(code, 1);
    assert.match(
      stdout,
      /^no rule produces this path \(nearest rules: blog-post \(\{\+localePrefix\}\/blog\/\{fields\.slug\}\)\)$/m,
    );
  });

  it('prints the JSON answer with --json', async () => {
    const { stdout } = await cli(['why', '/cli/two', '--recorded', '--json']);
    assert.equal(JSON.parse(stdout).verdict.state, 'unchecked');
  });

  it('refuses bad input with the relay’s message', async () => {
    const none = await cli(['why']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /why needs one path or URL/);
    const relative = await cli(['why', 'blog/x', '--recorded']);
    assert.equal(relative.code, 1);
    assert.match(relative.stderr, /failed \(400\): path must start with "\/" or be a full http\(s\) URL/);
    const unknown = await cli(['why', '/x', '--recorded', '--distribution', 'nowhere']);
    assert.match(unknown.stderr, /failed \(404\): unknown distribution "nowhere"/);
  });
});

describe('purge-relay resume', () => {
  it('lifts the holds of a distribution and says its health', async () => {
    const { code, stdout } = await cli(['resume', '--distribution', 'main']);
    assert.equal(code, 0);
    assert.match(stdout, /^main: resumed, health ok, \d+ path\(s\) pending$/m);
    assert.equal((await cli(['resume'])).code, 2);
  });
});

describe('purge-relay init', () => {
  it('writes a first config from flags that the relay accepts', async () => {
    const out = join(dir, 'init-flags.json');
    const args = [
      'init',
      '--distribution-id',
      'dist-cli',
      '--platform',
      'shopify',
      '--public-url',
      'https://shop.example',
      '--out',
      out,
    ];
    const { code, stdout, stderr } = await cli(args);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^ {2}npx wrangler secret put SHOPIFY_WEBHOOK_SECRET/m);
    assert.match(stdout, /^ {2}purge-relay doctor$/m);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(written.distributions, { main: { id: 'dist-cli', publicBaseUrl: 'https://shop.example' } });
    assert.deepEqual(written.sources, { shopify: { provider: 'shopify', secrets: ['SHOPIFY_WEBHOOK_SECRET'] } });
    const valid = await cli(['config', 'validate', out]);
    assert.equal(valid.code, 0, valid.stderr);
    assert.equal((await cli(args)).code, 1, 'an existing file is not replaced without --force');
  });

  it('asks for what the flags do not give, one answer a line on stdin', async () => {
    const out = join(dir, 'init-stdin.json');
    const { code, stderr } = await cli(['init', '--out', out], { input: 'dist-piped\nstrapi\nhttps://blog.example\n' });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Gotipath distribution id .*: \nPlatform that sends the webhooks: \nPublic URL of the site/);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(written.distributions.main.id, 'dist-piped');
    assert.equal(written.sources.strapi.provider, 'strapi');
    assert.equal((await cli(['config', 'validate', out])).code, 0);
    const bad = await cli(['init', '--out', join(dir, 'init-bad.json')], { input: 'dist-x\nnot-a-platform\n' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /platform "not-a-platform": a platform is one of: contentful, /);
  });
});

describe('purge-relay doctor', () => {
  it('finds nothing wrong with the stack as started, and exits 0', async () => {
    const { code, stdout, stderr } = await cli(['doctor']);
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /^purge-relay doctor: http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(
      stdout,
      /^ {2}ok {7}gotipath {2}distribution main: Gotipath accepts the credentials and knows distribution dist-cli$/m,
    );
    assert.match(stdout, /^ {2}ok {7}schedules schedule nightly-feeds: "0 3 \* \* \*" is a cron trigger \(as deployed\)$/m);
    assert.match(stdout, /^\d+ ok, 0 warnings, 0 errors$/m);
  });

  it('names each seeded mistake with what to do, and exits 2', async () => {
    const broken = {
      ...CONFIG,
      distributions: { ...CONFIG.distributions, missing: { id: 'dist-cli-missing' } },
      sources: { ...CONFIG.sources, unset: { provider: 'strapi', secrets: ['CLI_UNSET_TOKEN'] } },
      schedules: [...CONFIG.schedules, { id: 'hourly', cron: '0 * * * *', distribution: 'main', purge: ['/hourly'] }],
    };
    standin.setFaults({ notFound: true }, 'dist-cli-missing');
    standin.setFaults({ purgeTypes: { url: 'file' } }, 'dist-cli');
    const pushed = await cli(['config', 'push', file('broken.json', broken)]);
    assert.equal(pushed.code, 0, pushed.stderr);
    try {
      const { code, stdout } = await cli(['doctor', '--probe-purge', '/cli-doctor-probe']);
      assert.equal(code, 2, stdout);
      assert.match(stdout, /^ {2}ERROR {4}sources {3}source unset: names secret CLI_UNSET_TOKEN, which is not set/m);
      assert.match(stdout, /^ {21}→ wrangler secret put CLI_UNSET_TOKEN/m);
      assert.match(
        stdout,
        /^ {2}ERROR {4}schedules schedule hourly: "0 \* \* \* \*" is not among the cron triggers \(as deployed\)/m,
      );
      assert.match(
        stdout,
        /^ {2}ERROR {4}schedules schedule hourly: "0 \* \* \* \*" is not among the cron triggers in .*wrangler\.toml/m,
      );
      assert.match(
        stdout,
        /^ {2}ERROR {4}gotipath {2}distribution missing: Gotipath knows no distribution dist-cli-missing in this account \(404\)$/m,
      );
      assert.match(
        stdout,
        /^ {2}ERROR {4}gotipath {2}distribution main: Gotipath refused a URL purge of \/cli-doctor-probe with type "url" \(422: /m,
      );
      assert.match(stdout, /^ {21}→ set gotipath\.purgeTypes\.url to the type Gotipath expects/m);
      const json = JSON.parse((await cli(['doctor', '--json'])).stdout);
      assert.equal(json.status, 'error');
      assert.ok(!JSON.stringify(json).includes(SECRETS.GOTIPATH_API_KEY), 'no secret value in the report');
    } finally {
      standin.setFaults({ notFound: null }, 'dist-cli-missing');
      standin.setFaults({ purgeTypes: null }, 'dist-cli');
      await cli(['config', 'push', file('restored.json', CONFIG)]);
    }
  });
});

describe('purge-relay send-sample', () => {
  it('sends a webhook signed by the platform’s SDK and reports the 202', async () => {
    // The paths the relay reports are what POST /admin/preview says the same sample would queue (prefetches aside).
    const sample = JSON.parse(readFileSync(`${ROOT}examples/samples/contentful.json`, 'utf8'));
    /** @type {{ work: { items: { kind: string }[] }[] }} what the test reads of the preview */
    const preview = await (
      await fetch(`${relay.url}/admin/preview`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'contentful', headers: sample.headers, body: sample.body }),
      })
    ).json();
    const expected = preview.work.flatMap((w) => w.items).filter((i) => i.kind !== 'prefetch').length;
    assert.ok(expected > 0);
    const { code, stdout, stderr } = await cli(['send-sample', 'contentful'], {
      env: { CONTENTFUL_WEBHOOK_SECRET: SECRETS.CONTENTFUL_WEBHOOK_SECRET },
    });
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      new RegExp(
        `^POST /webhooks/contentful → 202 \\{"eventId":"(evt_\\w+)","events":1,"paths":${expected},"etaSeconds":\\d+,"statusUrl":"http://127\\.0\\.0\\.1:\\d+/status/\\1\\?exp=\\d+&sig=[\\w-]+"\\}$`,
        'm',
      ),
    );
  });
});

describe('purge-relay tail', () => {
  it('follows webhooks as they are answered and the Gotipath calls they cause, with their paths', async () => {
    const following = cli(['tail', '--timeout', '7']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const sent = await cli(['send-sample', 'contentful'], {
      env: { CONTENTFUL_WEBHOOK_SECRET: SECRETS.CONTENTFUL_WEBHOOK_SECRET },
    });
    assert.equal(sent.code, 0, sent.stderr);
    const eventId = /"eventId":"(evt_\w+)"/.exec(sent.stdout)?.[1];
    const refused = await fetch(`${relay.url}/webhooks/contentful`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(refused.status, 401);
    const { code, stdout, stderr } = await following;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^following http:\/\/127\.0\.0\.1:\d+ \(webhooks and Gotipath calls\); Ctrl-C to stop$/m);
    assert.match(
      stdout,
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d  webhook  contentful  202 accepted  publish .* → ${eventId} \\(\\d+ paths?\\)$`, 'm'),
    );
    assert.match(stdout, /^\d\d:\d\d:\d\d  webhook  contentful  401 rejected  /m);
    assert.match(stdout, new RegExp(`^\\d\\d:\\d\\d:\\d\\d  call     main  url 200  \\d+ paths?: /blog.* ← .*${eventId}`, 'm'));
  });
});

describe('purge-relay failures', () => {
  it('exits 1 with the relay’s message for a wrong token', async () => {
    const { code, stderr } = await cli(['status'], { token: 'not-the-token' });
    assert.equal(code, 1);
    assert.equal(stderr, 'purge-relay: GET /admin/status failed (401): token does not match\n');
  });

  it('exits 1 saying so when the relay cannot be reached', async () => {
    const closed = await new Promise((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = /** @type {AddressInfo} */ (server.address());
        server.close(() => resolve(port));
      });
    });
    const { code, stderr } = await cli(['status'], { url: `http://127.0.0.1:${closed}` });
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`could not reach the relay at http://127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\)`));
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = await cli([flag]);
      assert.equal(code, 0);
      assert.equal(stdout, `purge-relay ${version}\n`);
    }
  });

  it('exits 2 with the usage for an unknown command or option', async () => {
    for (const args of [['frobnicate'], ['status', '--colour']]) {
      const { code, stderr } = await cli(args);
      assert.equal(code, 2);
      assert.match(stderr, /Usage: purge-relay <command>/);
    }
  });
});
