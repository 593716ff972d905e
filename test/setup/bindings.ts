// Secrets and vars the Worker gets in tests (values for tests only).
export const TEST_BINDINGS = {
  GOTIPATH_CLIENT_ID: 'standin-client',
  GOTIPATH_LIBRARY_ID: 'standin-library',
  GOTIPATH_API_KEY: 'standin-key',
  ADMIN_TOKEN: 'test-admin-token-0123456789',
  MAX_BODY_BYTES: '1048576',
  // A Contentful secret is 64 characters; the toolkit refuses others.
  CONTENTFUL_SECRET: 'c'.repeat(32) + '0123456789abcdef0123456789abcdef',
  CONTENTFUL_SECRET_OLD: 'o'.repeat(32) + 'fedcba9876543210fedcba9876543210',
  SANITY_SECRET: 'sanity-test-secret',
  SANITY_SECRET_OLD: 'sanity-old-secret',
  SHOPIFY_SECRET: 'shopify-test-secret',
  SHOPIFY_SECRET_OLD: 'shopify-old-secret',
  STRAPI_TOKEN: 'strapi-test-token',
  STRAPI_TOKEN_OLD: 'strapi-old-token',
  STANDARD_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  STANDARD_SECRET_OLD: 'whsec_' + btoa('an-older-standard-webhooks-key!!'),
} as const;
