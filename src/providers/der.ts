// The few DER structures public keys arrive in (ITU-T X.690): an X.509 certificate's key (SNS), and a
// PKCS#1 RSAPublicKey (Contentstack's `-----BEGIN RSA PUBLIC KEY-----`), both turned into the
// subjectPublicKeyInfo WebCrypto imports ('spki').

/** Reads one DER element's bounds (X.690 §8.1): tag, then a short or long-form length. */
function element(der: Uint8Array, at: number): { start: number; end: number } {
  let length = der[at + 1] ?? 0;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes > 4) throw new RangeError('DER length too long');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start++] ?? 0);
  }
  if (start + length > der.length) throw new RangeError('truncated DER');
  return { start, end: start + length };
}

/**
 * The subjectPublicKeyInfo of an X.509 certificate (RFC 5280 §4.1): Certificate → tbsCertificate →
 * [0] version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
 */
export function certificateSpki(der: Uint8Array): Uint8Array | undefined {
  try {
    const tbs = element(der, element(der, 0).start);
    let at = tbs.start;
    if (der[at] === 0xa0) at = element(der, at).end;
    for (let i = 0; i < 5; i++) at = element(der, at).end;
    return der.slice(at, element(der, at).end);
  } catch {
    return undefined;
  }
}

/** A DER length (X.690 §8.1.3): short form below 128, else 0x80 | byte count, then the bytes. */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return [0x80 | bytes.length, ...bytes];
}

const tlv = (tag: number, body: Uint8Array | number[]): number[] => [tag, ...derLength(body.length), ...body];

/** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL } (RFC 3279 §2.3.1). */
const RSA_ENCRYPTION = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

/**
 * A PKCS#1 RSAPublicKey (RFC 8017 §A.1.1: SEQUENCE { modulus, publicExponent }) wrapped as the
 * subjectPublicKeyInfo WebCrypto imports (RFC 5280 §4.1.2.7): SEQUENCE { AlgorithmIdentifier, BIT STRING
 * { 0 unused bits, RSAPublicKey } }. Undefined when the bytes are not one well-formed SEQUENCE.
 */
export function pkcs1Spki(der: Uint8Array): Uint8Array | undefined {
  try {
    if (der[0] !== 0x30 || element(der, 0).end !== der.length) return undefined;
  } catch {
    return undefined;
  }
  const bitString = tlv(0x03, [0x00, ...der]);
  return new Uint8Array(tlv(0x30, [...RSA_ENCRYPTION, ...bitString]));
}
