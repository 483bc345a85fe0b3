/**
 * Strict base64url (RFC 4648 §5, no padding), as JOSE compact serialization uses it. Only the
 * canonical encoding of a byte string is accepted: lenient decoders ignore the unused low bits of
 * the last character, so two different files would open to the same bytes, and "any changed byte
 * is rejected" would not hold.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

const SHAPE = /^[A-Za-z0-9_-]*$/;

/** True when `text` is the canonical unpadded base64url encoding of some byte string. */
export function isCanonicalBase64url(text: string): boolean {
  const rest = text.length % 4;
  if (rest === 1 || !SHAPE.test(text)) return false;
  if (rest === 0) return true;
  const last = VALUES[text.charCodeAt(text.length - 1)] ?? -1;
  // 2 leftover characters carry 1 byte (4 unused bits), 3 carry 2 bytes (2 unused bits).
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** Decodes canonical base64url; throws a `SyntaxError` on anything else. */
export function decodeBase64url(text: string): Uint8Array {
  if (!isCanonicalBase64url(text)) throw new SyntaxError('not canonical base64url');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    buffer = ((buffer << 6) | (VALUES[text.charCodeAt(i)] as number)) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}
