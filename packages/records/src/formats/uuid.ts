/**
 * Deterministic UUIDs for the content formats: the same record always gets the same resource id,
 * so an app that imports two exports can recognise what it already has. WebCrypto digests are
 * asynchronous and SHA-1 in pure JavaScript is slow on the export hot path, so this uses a
 * 128-bit MurmurHash3-style mix (x86_128 lanes and constants) over UTF-16 code units.
 *
 * It is NOT a cryptographic hash: the ids are meant to be stable and collision-free for the
 * platform's own ids, not to hide their input. Never feed it a secret or a national ID that the
 * output would otherwise not reveal.
 *
 * The result is an RFC 9562 version 8 ("custom") UUID: version nibble 8, variant bits 10.
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const mix1 = (k: number): number => Math.imul(rotl(Math.imul(k, C1), 15), C2);
const mix2 = (k: number): number => Math.imul(rotl(Math.imul(k, C2), 16), C3);
const mix3 = (k: number): number => Math.imul(rotl(Math.imul(k, C3), 17), C4);
const mix4 = (k: number): number => Math.imul(rotl(Math.imul(k, C4), 18), C1);

/** Two UTF-16 code units as one 32-bit word (0 past the end). */
const word = (s: string, i: number): number => s.charCodeAt(i) | 0 | ((s.charCodeAt(i + 1) | 0) << 16);

/** The four 32-bit lanes of the hash of `s`. */
export function hash128(s: string): [number, number, number, number] {
  let h1 = 0x9e3779b9;
  let h2 = 0x7f4a7c15;
  let h3 = 0x85ebca6b;
  let h4 = 0xc2b2ae35;
  const n = s.length;
  const blockEnd = n - (n % 8);
  let i = 0;
  for (; i < blockEnd; i += 8) {
    h1 ^= mix1(word(s, i));
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= mix2(word(s, i + 2));
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= mix3(word(s, i + 4));
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= mix4(word(s, i + 6));
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // The tail: up to seven code units; word() reads 0 past the end of the string.
  const rest = n - i;
  if (rest > 6) h4 ^= mix4(word(s, i + 6));
  if (rest > 4) h3 ^= mix3(word(s, i + 4));
  if (rest > 2) h2 ^= mix2(word(s, i + 2));
  if (rest > 0) h1 ^= mix1(word(s, i));

  h1 ^= n;
  h2 ^= n;
  h3 ^= n;
  h4 ^= n;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** Separates the parts so that ('ab', 'c') and ('a', 'bc') hash differently. */
const SEPARATOR = '\u001f';

/**
 * A deterministic version-8 UUID (lower-case, without the `urn:uuid:` prefix) for the given parts.
 * @example deterministicUuid('ns', 'p0y793ll-0', 'encounter') // e.g. '3f2a…-…-8…-…'
 */
export function deterministicUuid(...parts: readonly string[]): string {
  const [a, b, c, d] = hash128(parts.join(SEPARATOR));
  const h = hex8(a) + hex8((b & 0xffff0fff) | 0x00008000) + hex8((c & 0x3fffffff) | 0x80000000) + hex8(d);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
