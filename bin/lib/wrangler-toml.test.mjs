// @ts-check
// The wrangler.toml reader: cron triggers and KV namespaces, comments and quotes as TOML has them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { cronTriggers, isPlaceholderId, kvNamespaces } from './wrangler-toml.mjs';

describe('wrangler.toml', () => {
  it('reads the repository’s own file: its crons, and a CONFIG namespace wrangler provisions (no id)', () => {
    const text = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8');
    assert.deepEqual(cronTriggers(text), ['*/5 * * * *', '0 3 * * *']);
    assert.deepEqual(kvNamespaces(text), [{ binding: 'CONFIG', id: undefined }]);
  });

  it('reads crons over several lines, with comments, in either quotes, and none when the table is missing', () => {
    const text = `name = "x" # a comment with [triggers]
[triggers]
# crons = ["ignored"]
crons = [
  "0 3 * * *", # nightly
  '*/10 * * * *',
]
[vars]
crons = ["not a trigger"]`;
    assert.deepEqual(cronTriggers(text), ['0 3 * * *', '*/10 * * * *']);
    assert.deepEqual(cronTriggers('name = "x"'), []);
  });

  it('reads every kv namespace with its id, and tells a placeholder id from a real one', () => {
    const text = `[[kv_namespaces]]
binding = "CONFIG"
id = "00000000000000000000000000000000"

[[kv_namespaces]]
binding = "OTHER" # second
id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"`;
    const [config, other] = kvNamespaces(text);
    assert.deepEqual(config, { binding: 'CONFIG', id: '00000000000000000000000000000000' });
    assert.equal(isPlaceholderId(config?.id ?? ''), true);
    assert.equal(isPlaceholderId(other?.id ?? ''), false);
    assert.equal(isPlaceholderId('paste-the-id-here'), true);
  });
});
