// Source config rules that depend on the provider: secrets only where they are used, key URLs https.
import { describe, expect, it } from 'vitest';
import { admin } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';

async function issuesFor(sources: Record<string, unknown>) {
  const response = await admin('/config', { method: 'PUT', body: JSON.stringify(casesConfig({ sources })) });
  if (response.status === 200) return [];
  return (await response.json<{ issues: { path: string; message: string }[] }>()).issues;
}

describe('source config per provider', () => {
  it('requires a secret for signed and shared-secret providers', async () => {
    const issues = await issuesFor({ bare: { provider: 'shopify' }, token: { provider: 'strapi', secrets: [] } });
    expect(issues).toEqual([
      { path: 'sources.bare.secrets', message: 'must name at least one Worker secret' },
      { path: 'sources.token.secrets', message: 'must name at least one Worker secret' },
    ]);
  });

  it('needs no secret where public keys verify, but does for their HMAC variants', async () => {
    const issues = await issuesFor({
      jws: { provider: 'saleor', options: { jwksUrl: 'https://shop.example.com/.well-known/jwks.json' } },
      legacy: { provider: 'saleor' },
      cert: { provider: 'contentstack' },
      hmac: { provider: 'contentstack', options: { signing: 'hmac' } },
      sns: { provider: 'commercetools', options: { push: 'sns', topicArn: 'arn:aws:sns:eu-west-1:1:t' } },
    });
    expect(issues.map((i) => i.path)).toEqual(['sources.legacy.secrets', 'sources.hmac.secrets']);
  });

  it('accepts key URLs over https, or http on loopback only', async () => {
    const issues = await issuesFor({
      remote: { provider: 'saleor', options: { jwksUrl: 'http://shop.example.com/jwks.json' } },
      local: { provider: 'saleor', options: { jwksUrl: 'http://127.0.0.1:8000/jwks.json' } },
      pattern: {
        provider: 'commercetools',
        options: { push: 'sns', topicArn: 'arn:aws:sns:eu-west-1:1:t', certUrlPattern: 'https://sns' },
      },
      pubsub: { provider: 'commercetools', options: { push: 'pubsub' } },
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'sources.pattern.options.certUrlPattern',
      'sources.pubsub.options.audience',
      'sources.pubsub.options.serviceAccount',
      'sources.remote.options.jwksUrl',
    ]);
  });

  it('refuses a Pub/Sub push source without its service account, saying why (SECURITY.md F1)', async () => {
    const issues = await issuesFor({
      open: { provider: 'commercetools', options: { push: 'pubsub', audience: 'https://relay.example/webhooks/open' } },
      blank: { provider: 'commercetools', options: { push: 'pubsub', audience: 'https://r.example/', serviceAccount: 'x' } },
    });
    const message =
      "the push subscription's service account email (required for Pub/Sub push: without it any Google account could sign deliveries)";
    expect(issues).toEqual([
      { path: 'sources.open.options.serviceAccount', message },
      { path: 'sources.blank.options.serviceAccount', message },
    ]);
  });
});
