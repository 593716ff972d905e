// The generic HMAC provider: each option changes what is verified; bad options are refused on save.
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, postWebhook, putConfig, secret, sign } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { errorOf, previewEvent } from './helpers';

const GITHUB_LIKE = {
  header: 'x-hub-signature-256',
  prefix: 'sha256=',
  topicHeader: 'x-event',
  actions: { push: 'update', release: 'publish' },
};
const SHA1_BASE64 = {
  header: 'x-signature',
  algorithm: 'sha1',
  encoding: 'base64',
  idField: 'uid',
  fieldsField: 'entry',
  previousField: 'before',
};
const source = (options: Record<string, unknown>) => ({ provider: 'generic-hmac', secrets: ['GENERIC_SECRET'], options });

beforeAll(async () => {
  await putConfig(casesConfig({ sources: { 'github-like': source(GITHUB_LIKE), 'sha1-base64': source(SHA1_BASE64) } }));
});

const body = JSON.stringify({ uid: 'e-1', entry: { slug: 'ünïcode' }, before: { slug: 'old' } });

describe('generic-hmac', () => {
  it('verifies `sha256=<hex>` of the body and maps the event header through `actions`', async () => {
    const headers = await sign('generic-hmac', { secret: secret('GENERIC_SECRET'), body, options: GITHUB_LIKE });
    expect((await postWebhook('github-like', body, { ...headers, 'x-event': 'release' })).status).toBe(202);
    expect(await previewEvent('github-like', body, { 'x-event': 'release' })).toMatchObject({
      action: 'publish',
      topic: 'release',
    });
  });

  it('rejects the signature without its configured prefix', async () => {
    const headers = await sign('generic-hmac', {
      secret: secret('GENERIC_SECRET'),
      body,
      options: { ...GITHUB_LIKE, prefix: '' },
    });
    const response = await postWebhook('github-like', body, headers);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('malformed x-hub-signature-256');
  });

  it('verifies base64 SHA-1 and reads fields, id and previous values from the configured paths', async () => {
    const headers = await sign('generic-hmac', { secret: secret('GENERIC_SECRET'), body, options: SHA1_BASE64 });
    expect((await postWebhook('sha1-base64', body, headers)).status).toBe(202);
    expect(await previewEvent('sha1-base64', body, {})).toMatchObject({
      documentId: 'e-1',
      fields: { slug: 'ünïcode' },
      previous: { slug: 'old' },
    });
  });

  it('rejects a SHA-256 signature where SHA-1 is configured', async () => {
    const headers = await sign('generic-hmac', {
      secret: secret('GENERIC_SECRET'),
      body,
      options: { ...SHA1_BASE64, algorithm: 'sha256' },
    });
    expect((await postWebhook('sha1-base64', body, headers)).status).toBe(401);
  });

  it('refuses options that cannot verify anything, naming the field', async () => {
    const bad = casesConfig({
      sources: {
        'no-body': source({ header: 'x-sig', signed: '{timestamp}' }),
        'no-ts-header': source({ header: 'x-sig', signed: '{timestamp}.{body}' }),
        'bad-algo': source({ header: 'x-sig', algorithm: 'md5' }),
      },
    });
    const response = await admin('/config', { method: 'PUT', body: JSON.stringify(bad) });
    expect(response.status).toBe(422);
    const { issues } = await response.json<{ issues: { path: string; message: string }[] }>();
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        'sources.no-body.options.signed',
        'sources.no-ts-header.options',
        'sources.bad-algo.options.algorithm',
      ]),
    );
  });
});
