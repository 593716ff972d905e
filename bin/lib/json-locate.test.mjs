// @ts-check
// Where a validator's path is in a JSON file: every member at its line and column, a missing key at its parent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locateJson, positionOf } from './json-locate.mjs';

const TEXT = `{
  "distributions": { "main": { "id": "d1" } },
  "rules": [
    {
      "id": "r",
      "purge": ["/a", "/b\\"q"],
      "match": { "actions": ["publsh"] }
    }
  ],
  "empty": {}, "list": [], "n": -1.5e3, "t": true
}`;

describe('locateJson', () => {
  const located = locateJson(TEXT);

  it('places object members at their key and list items at their value', () => {
    assert.deepEqual(located.get('(root)'), { line: 1, column: 1 });
    assert.deepEqual(located.get('distributions.main.id'), { line: 2, column: 32 });
    assert.deepEqual(located.get('rules[0]'), { line: 4, column: 5 });
    assert.deepEqual(located.get('rules[0].purge[1]'), { line: 6, column: 23 });
    assert.deepEqual(located.get('rules[0].match.actions[0]'), { line: 7, column: 30 });
    assert.deepEqual(located.get('t'), { line: 10, column: 41 });
  });

  it('reads past escaped quotes, empty objects and lists, numbers and literals', () => {
    assert.ok(located.has('empty'));
    assert.ok(located.has('list'));
    assert.ok(located.has('n'));
    assert.equal(located.size, 17);
  });

  it('answers a missing path with its nearest ancestor, else the root', () => {
    assert.deepEqual(positionOf(located, 'rules[0].match.contentTypes'), located.get('rules[0].match'));
    assert.deepEqual(positionOf(located, 'rules[3].id'), located.get('rules'));
    assert.deepEqual(positionOf(located, 'nowhere'), located.get('(root)'));
  });
});
