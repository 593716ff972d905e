// fast-check arbitraries shared by the fuzz tests: bodies that are broken in the ways clients break them
// (invalid UTF-8, truncated, huge, deeply nested, wrong types), and a case counter each file prints.
import fc from 'fast-check';
import { afterAll } from 'vitest';
import { utf8 } from '../../../src/lib/bytes';

/** A document with one value somewhere (at any depth) replaced by a random JSON value: a wrong type. */
export function mutated(valid: unknown): fc.Arbitrary<unknown> {
  return fc.tuple(fc.nat(), fc.jsonValue()).map(([pick, value]) => {
    const copy = structuredClone(valid) as Record<string, unknown>;
    const holders: [Record<string | number, unknown>, string | number][] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach((v, i) => (holders.push([node as never, i]), walk(v)));
      else if (node && typeof node === 'object')
        for (const [k, v] of Object.entries(node)) (holders.push([node as Record<string, unknown>, k]), walk(v));
    };
    walk(copy);
    if (holders.length === 0) return value;
    const [holder, key] = holders[pick % holders.length]!;
    holder[key] = value;
    return copy;
  });
}

/** `depth` levels of arrays or objects: parsers that recurse must not overflow into a 5xx. */
export const deeplyNested = fc
  .tuple(fc.integer({ min: 1, max: 5_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    utf8(arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  );

/** Bytes that are not UTF-8 (lone continuation bytes, overlong forms, surrogates) spliced into `text`. */
export const withInvalidUtf8 = (text: string) =>
  fc
    .tuple(fc.nat(), fc.constantFrom([0xff], [0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc3]))
    .map(([at, bad]) => {
      const bytes = utf8(text);
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      return new Uint8Array([...bytes.slice(0, i), ...bad, ...bytes.slice(i)]);
    });

/** `text` cut short at a random byte. */
export const truncated = (text: string) => fc.nat().map((n) => utf8(text).slice(0, text.length === 0 ? 0 : n % text.length));

/** Every broken form of a valid JSON document, as bytes; `huge` adds a body of that many bytes. */
export function brokenBodies(valid: unknown, huge?: number): fc.Arbitrary<Uint8Array> {
  const text = JSON.stringify(valid);
  const arbitraries: fc.WeightedArbitrary<Uint8Array>[] = [
    { arbitrary: mutated(valid).map((doc) => utf8(JSON.stringify(doc))), weight: 4 },
    { arbitrary: fc.jsonValue().map((doc) => utf8(JSON.stringify(doc))), weight: 2 },
    { arbitrary: withInvalidUtf8(text), weight: 2 },
    { arbitrary: truncated(text), weight: 2 },
    { arbitrary: deeplyNested, weight: 1 },
    { arbitrary: fc.uint8Array({ maxLength: 1024 }), weight: 1 },
  ];
  if (huge) arbitraries.push({ arbitrary: fc.constant(0).map(() => utf8(JSON.stringify({ pad: 'x'.repeat(huge) }))), weight: 1 });
  return fc.oneof(...arbitraries);
}

/** Header values a client can send (ByteStrings), from any string. */
export const headerValue = fc
  .oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.integer().map(String))
  .map((s) => s.replace(/[^\x20-\x7e]/g, '?'));

/** Counts the cases a file's properties ran and prints the total once, for `npm run test:fuzz` to sum. */
export function caseCounter(file: string): () => void {
  let cases = 0;
  afterAll(() => console.log(`FUZZ_CASES ${file} ${cases}`));
  return () => void cases++;
}
