// The DER helpers of key handling, checked against WebCrypto's own encodings: a PKCS#1 RSAPublicKey wrapped
// into the SPKI WebCrypto exports, byte for byte, for every RSA size the relay verifies.
import { describe, expect, it } from 'vitest';
import { pkcs1Spki } from '../../../src/providers/der';

/** The RSAPublicKey inside an SPKI: the BIT STRING's content after its unused-bits byte (RFC 5280 §4.1.2.7). */
function pkcs1Of(spki: Uint8Array): Uint8Array {
  // SEQUENCE { AlgorithmIdentifier (15 bytes for rsaEncryption), BIT STRING { 00, RSAPublicKey } }.
  const outerHeader = spki[1]! & 0x80 ? 2 + (spki[1]! & 0x7f) : 2;
  let at = outerHeader + 15;
  const lengthByte = spki[at + 1]!;
  at += 2 + (lengthByte & 0x80 ? lengthByte & 0x7f : 0);
  return spki.slice(at + 1);
}

describe('pkcs1Spki', () => {
  it.each([2048, 3072])('wraps a %i-bit PKCS#1 key into exactly the SPKI WebCrypto exports', async (modulusLength) => {
    const algorithm = { name: 'RSA-PSS', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    const pair = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
    const spki = new Uint8Array((await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer);
    const pkcs1 = pkcs1Of(spki);
    expect(pkcs1[0]).toBe(0x30);
    expect(pkcs1Spki(pkcs1)).toEqual(spki);
    // And WebCrypto imports it for the algorithms the providers verify with.
    await expect(crypto.subtle.importKey('spki', pkcs1Spki(pkcs1)!, algorithm, false, ['verify'])).resolves.toBeDefined();
  });

  it('refuses bytes that are not one whole DER SEQUENCE', () => {
    expect(pkcs1Spki(new Uint8Array([0x02, 0x01, 0x00]))).toBeUndefined();
    expect(pkcs1Spki(new Uint8Array([0x30, 0x05, 0x02, 0x01]))).toBeUndefined();
    expect(pkcs1Spki(new Uint8Array([0x30, 0x01, 0x00, 0xff]))).toBeUndefined();
    expect(pkcs1Spki(new Uint8Array([0x30, 0x89, 1, 1, 1, 1, 1, 1, 1, 1, 1]))).toBeUndefined();
  });
});
