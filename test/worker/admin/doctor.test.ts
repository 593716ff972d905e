// GET /admin/doctor against a relay with each mistake seeded: secrets unset or too short, weak sources, a schedule
// with no trigger, wrong credentials, an unknown distribution, a refused type, a site and a key URL that fail.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Check, DoctorReport } from '../../../src/doctor/report';
import { TEST_BINDINGS } from '../../setup/bindings';
import { PUBSUB_OPTIONS } from '../support/cases/keyed';
import { parseConfig } from '../../../src/rules/schema';
import { saveConfig } from '../../../src/rules/store';
import { ADMIN, workerFetch } from '../support/helpers';
import { scheduler, testDistribution } from '../support/scheduler-harness';

const DISTRIBUTIONS = {
  fine: testDistribution('doctor-fine', { publicBaseUrl: env.TAGGED_SITE_URL }),
  gone: testDistribution('doctor-gone'),
  denied: testDistribution('doctor-denied'),
  typed: testDistribution('doctor-typed'),
  // A "site" answering 503: the stand-in in an outage set for the id this URL names.
  offline: testDistribution('doctor-offline', {
    publicBaseUrl: `${env.STANDIN_URL}/v1/distributions/doctor-site-down`,
    warming: { mode: 'http-get' },
  }),
};
const SOURCES = {
  contentful: { provider: 'contentful', secrets: ['CONTENTFUL_SECRET'] },
  'contentful-short': { provider: 'contentful', secrets: ['SANITY_SECRET'] },
  strapi: { provider: 'strapi', secrets: ['STRAPI_TOKEN'] },
  unset: { provider: 'strapi', secrets: ['NEVER_SET_TOKEN'] },
  woo: { provider: 'woocommerce', secrets: ['WOO_SECRET'] },
  pubsub: {
    provider: 'commercetools',
    options: { ...PUBSUB_OPTIONS, serviceAccount: undefined, jwksUrl: `${env.KEYS_URL}/jwks.json` },
  },
  saleor: { provider: 'saleor', options: { jwksUrl: `${env.KEYS_URL}/no-such-keys.json` } },
};
const CONFIG = {
  distributions: DISTRIBUTIONS,
  sources: SOURCES,
  schedules: [
    { id: 'nightly', cron: '0 3 * * *', distribution: 'fine', purge: ['/sitemap.xml'] },
    { id: 'odd', cron: '*/7 * * * *', distribution: 'fine', purge: ['/odd'] },
  ],
};

/** Saves a config as stored before the save-time checks it fails existed (the API would refuse it now). */
async function storeConfig(document: Record<string, unknown>) {
  const parsed = parseConfig(document, { stored: true });
  if (!parsed.ok) throw new Error(`test config: ${JSON.stringify(parsed.issues)}`);
  await saveConfig(env.CONFIG, document, Date.now(), { config: parsed.config });
}

async function doctor(query = '', origin = 'http://127.0.0.1:8787'): Promise<{ status: number; report: DoctorReport }> {
  const response = await workerFetch(`${origin}/admin/doctor${query}`, { headers: ADMIN });
  return { status: response.status, report: await response.json<DoctorReport>() };
}

const find = (report: DoctorReport, subject: string, area?: string) =>
  report.checks.filter((c) => c.subject === subject && (area === undefined || c.area === area));
const one = (report: DoctorReport, subject: string, area: string): Check => {
  const found = find(report, subject, area);
  if (found.length !== 1) throw new Error(`expected one ${area} check of ${subject}, got ${JSON.stringify(found)}`);
  return found[0]!;
};

beforeAll(async () => {
  // Stored as a config saved before Pub/Sub sources needed a service account (the API refuses it now): it
  // still loads, and doctor names the weak source.
  await storeConfig(CONFIG);
  await scheduler('gone', DISTRIBUTIONS.gone).faults({ notFound: true });
  await scheduler('denied', DISTRIBUTIONS.denied).faults({ unauthorized: true });
  await scheduler('typed', DISTRIBUTIONS.typed).faults({ purgeTypes: { url: 'file' } });
  await scheduler('site', testDistribution('doctor-site-down')).faults({ outageUntil: Date.now() + 3_600_000 });
});

describe('GET /admin/doctor: settings, sources and schedules', () => {
  it('names a secret a source needs that is not set, never a value', async () => {
    const { status, report } = await doctor('?offline=1');
    expect(status).toBe(200);
    expect(one(report, 'source unset', 'sources')).toMatchObject({
      status: 'error',
      message: 'names secret NEVER_SET_TOKEN, which is not set: its webhooks are refused (500)',
      fix: 'wrangler secret put NEVER_SET_TOKEN with the secret the platform shows',
    });
    const text = JSON.stringify(report);
    for (const value of [
      TEST_BINDINGS.GOTIPATH_API_KEY,
      TEST_BINDINGS.STRAPI_TOKEN,
      TEST_BINDINGS.CONTENTFUL_SECRET,
      TEST_BINDINGS.ADMIN_TOKEN,
    ])
      expect(text).not.toContain(value);
  });

  it('refuses a secret the platform would not issue, and warns of a short one', async () => {
    const { report } = await doctor('?offline=1');
    expect(one(report, 'source contentful-short', 'sources')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/^SANITY_SECRET: Contentful signing secrets are exactly 64 characters .*this one has 18$/),
    });
    expect(one(report, 'source woo', 'sources')).toMatchObject({
      status: 'warning',
      message: 'WOO_SECRET is only 15 characters: a short shared secret can be guessed',
    });
    expect(one(report, 'source contentful', 'sources')).toMatchObject({ status: 'ok', message: 'secrets set (contentful)' });
  });

  it('warns of a Pub/Sub source without a service account, and of a shared token over plain HTTP', async () => {
    const local = await doctor('?offline=1');
    expect(one(local.report, 'source pubsub', 'sources')).toMatchObject({
      status: 'warning',
      message: expect.stringContaining('until options.serviceAccount names'),
    });
    expect(one(local.report, 'source strapi', 'sources').status).toBe('ok');
    const plain = await doctor('?offline=1', 'http://relay.example');
    expect(one(plain.report, 'source strapi', 'sources')).toMatchObject({
      status: 'warning',
      message: expect.stringContaining('plain HTTP'),
    });
    const https = await doctor('?offline=1', 'https://relay.example');
    expect(one(https.report, 'source strapi', 'sources').status).toBe('ok');
  });

  it('finds a schedule whose cron is not among the triggers the Worker was deployed with', async () => {
    const { report } = await doctor('?offline=1');
    expect(one(report, 'schedule nightly', 'schedules').status).toBe('ok');
    expect(one(report, 'schedule odd', 'schedules')).toMatchObject({
      status: 'error',
      message: '"*/7 * * * *" is not among the cron triggers (as deployed): it never runs',
      fix: 'add "*/7 * * * *" to [triggers] crons in wrangler.toml, then npm run deploy',
    });
  });

  it('takes an example distribution id as a mistake on a deployed relay, not on a local one', async () => {
    await storeConfig({ ...CONFIG, distributions: { ...DISTRIBUTIONS, example: { id: 'dist-local' } } });
    try {
      expect(one((await doctor('?offline=1')).report, 'distribution example', 'config').status).toBe('ok');
      const deployed = await doctor('?offline=1', 'https://relay.example');
      expect(one(deployed.report, 'distribution example', 'config')).toMatchObject({
        status: 'error',
        message: 'still has the example id dist-local',
      });
      expect(one(deployed.report, 'GOTIPATH_API_BASE', 'settings')).toMatchObject({ status: 'error' });
    } finally {
      await storeConfig(CONFIG);
    }
  });

  it('calls nothing out when offline, and refuses a bad probe path', async () => {
    const before = (await scheduler('fine', DISTRIBUTIONS.fine).calls()).length;
    const { report } = await doctor('?offline=1');
    expect(report.checks.some((c) => c.area === 'gotipath' || c.area === 'urls')).toBe(false);
    expect((await scheduler('fine', DISTRIBUTIONS.fine).calls()).length).toBe(before);
    for (const query of ['?probePurge=no-slash', '?probePurge=/a%20b', '?probePurge=/x&offline=1', '?offline=yes'])
      expect((await doctor(query)).status).toBe(400);
  });
});

describe('GET /admin/doctor: Gotipath and the URLs it depends on', () => {
  it('checks each distribution with Get Distribution: 401 is the credentials, 404 the id', async () => {
    const { report } = await doctor();
    expect(one(report, 'distribution fine', 'gotipath')).toMatchObject({ status: 'ok' });
    expect(one(report, 'distribution denied', 'gotipath')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/^Gotipath refuses the credentials \(401\)/),
      fix: expect.stringContaining('GOTIPATH_API_KEY'),
    });
    expect(one(report, 'distribution gone', 'gotipath')).toMatchObject({
      status: 'error',
      message: 'Gotipath knows no distribution doctor-gone in this account (404)',
    });
    expect(report.status).toBe('error');
    expect(report.summary.error).toBe(report.checks.filter((c) => c.status === 'error').length);
  });

  it('sends one real URL purge only when asked, and says when the type is refused', async () => {
    const typed = scheduler('typed', DISTRIBUTIONS.typed);
    const before = (await typed.calls()).filter((c) => c.method === 'POST').length;
    await doctor();
    expect((await typed.calls()).filter((c) => c.method === 'POST')).toHaveLength(before);
    const { report } = await doctor('?probePurge=/doctor-probe');
    const purges = find(report, 'distribution typed', 'gotipath');
    expect(purges.map((c) => c.status)).toEqual(['ok', 'error']);
    expect(purges[1]).toMatchObject({
      message:
        'Gotipath refused a URL purge of /doctor-probe with type "url" (422: type must be one of "file", "pattern", "all": "url")',
      fix: expect.stringContaining('gotipath.purgeTypes.url'),
    });
    expect(find(report, 'distribution fine', 'gotipath').map((c) => c.message)).toContain(
      'Gotipath accepted a URL purge of /doctor-probe with type "url" (200)',
    );
    const sent = (await typed.calls()).filter((c) => c.method === 'POST');
    expect(sent.map((c) => c.paths)).toEqual([['/doctor-probe']]);
  });

  it('checks that each publicBaseUrl answers and each key URL serves usable keys', async () => {
    const { report } = await doctor();
    expect(one(report, 'distribution fine', 'urls')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/answers 200$/),
    });
    expect(one(report, 'distribution offline', 'urls')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/doctor-site-down answers 503$/),
      fix: expect.stringContaining('http-get'),
    });
    expect(one(report, 'source pubsub', 'urls')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/serves 2 usable key\(s\)$/),
    });
    expect(one(report, 'source saleor', 'urls')).toMatchObject({
      status: 'error',
      message: expect.stringContaining('no-such-keys.json'),
    });
  });
});
