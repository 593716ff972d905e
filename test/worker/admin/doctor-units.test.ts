// The doctor's checks that need no network: the Worker's settings (a fake env), a relay with no config yet.
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../../src/doctor/report';
import { settingsChecks } from '../../../src/doctor/settings';
import { ADMIN, workerFetch } from '../support/helpers';

const CREDENTIALS = { GOTIPATH_CLIENT_ID: 'c', GOTIPATH_LIBRARY_ID: 'l', GOTIPATH_API_KEY: 'k' };
const LOCAL = new URL('http://127.0.0.1:8787/admin/doctor');
const DEPLOYED = new URL('https://purge-relay.example.workers.dev/admin/doctor');

describe('settingsChecks', () => {
  it('names each Gotipath credential that is not set, and then tries no call to Gotipath', () => {
    const { checks, usable } = settingsChecks({ GOTIPATH_CLIENT_ID: 'c', GOTIPATH_API_KEY: ' ' }, DEPLOYED);
    expect(checks.filter((c) => c.status === 'error').map((c) => c.subject)).toEqual(['GOTIPATH_LIBRARY_ID', 'GOTIPATH_API_KEY']);
    expect(checks[0]).toMatchObject({ message: 'GOTIPATH_LIBRARY_ID is not set: the relay cannot call Gotipath' });
    expect(usable).toBe(false);
  });

  it('accepts Gotipath’s API anywhere and the stand-in only for a local relay', () => {
    const base = (value: string | undefined, relay: URL) =>
      settingsChecks({ ...CREDENTIALS, ...(value && { GOTIPATH_API_BASE: value }) }, relay).checks.find(
        (c) => c.subject === 'GOTIPATH_API_BASE',
      )?.status;
    expect(base(undefined, DEPLOYED)).toBe('ok');
    expect(base('https://apistream.gotipath.com/', DEPLOYED)).toBe('ok');
    expect(base('http://127.0.0.1:8788', LOCAL)).toBe('ok');
    expect(base('http://127.0.0.1:8788', DEPLOYED)).toBe('error');
    expect(base('http://cdn-proxy.example', DEPLOYED)).toBe('error');
    expect(base('https://cdn-proxy.example', DEPLOYED)).toBe('warning');
    expect(base('not a url', DEPLOYED)).toBe('error');
  });
});

describe('GET /admin/doctor before any config', () => {
  it('says no config is saved and how to write one', async () => {
    const response = await workerFetch('http://127.0.0.1:8787/admin/doctor', { headers: ADMIN });
    const report = await response.json<DoctorReport>();
    expect(report.status).toBe('error');
    expect(report.checks.find((c) => c.area === 'config')).toMatchObject({
      status: 'error',
      message: 'no config has been saved yet: nothing is purged',
      fix: 'purge-relay init, then purge-relay config push purge-relay.config.json',
    });
  });
});
