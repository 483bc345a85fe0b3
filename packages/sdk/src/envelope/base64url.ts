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

type FromBase64 = (text: string, options: { alphabet: 'base64url'; lastChunkHandling: 'loose' }) => Uint8Array;
/** The platform's own decoder where it has one (ES2026 `Uint8Array.fromBase64`): the file's ciphertext is megabytes. */
const fromBase64 = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64;

/** Decodes canonical base64url; throws a `SyntaxError` on anything else. */
export function decodeBase64url(text: string): Uint8Array {
  if (!isCanonicalBase64url(text)) throw new SyntaxError('not canonical base64url');
  // 'loose' accepts the missing padding; the unused bits were checked to be zero above.
  if (fromBase64) return fromBase64(text, { alphabet: 'base64url', lastChunkHandling: 'loose' });
  // atob is native everywhere the SDK runs; the shape was checked above, so only the alphabet differs.
  const binary = atob(text.replace(/[-_]/g, (c) => (c === '-' ? '+' : '/')));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Encodes bytes as unpadded base64url (RFC 4648 §5). */
export function encodeBase64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      ALPHABET.charAt(n >> 18) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] as number) << 16) | (rest === 2 ? (bytes[i + 1] as number) << 8 : 0);
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63);
    if (rest === 2) out += ALPHABET.charAt((n >> 6) & 63);
  }
  return out;
}
