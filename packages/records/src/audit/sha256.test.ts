import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, sha256PrefixedHash, sha256PrefixedPair } from './sha256.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('sha256', () => {
  it('gives the FIPS 180-4 example digests', () => {
    expect(hex(sha256())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256(bytes('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(bytes('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with Node for every length across the padding boundaries, in one part or several', () => {
    const data = new Uint8Array(300).map((_, i) => (i * 31 + 7) & 0xff);
    for (let n = 0; n <= 300; n++) {
      const input = data.subarray(0, n);
      const expected = createHash('sha256').update(input).digest('hex');
      expect(hex(sha256(input)), `length ${n}`).toBe(expected);
      const third = Math.floor(n / 3);
      expect(hex(sha256(input.subarray(0, third), input.subarray(third, 2 * third), input.subarray(2 * third)))).toBe(
        expected,
      );
    }
  });

  it('hashes prefixed leaves and nodes like the general function', () => {
    for (let i = 0; i < 64; i++) {
      const left = new Uint8Array(32).map((_, j) => (i * 7 + j * 13) & 0xff);
      const right = new Uint8Array(32).map((_, j) => (i * 11 + j * 3 + 255) & 0xff);
      expect(hex(sha256PrefixedHash(0, left))).toBe(hex(sha256(Uint8Array.of(0), left)));
      expect(hex(sha256PrefixedPair(1, left, right))).toBe(hex(sha256(Uint8Array.of(1), left, right)));
    }
  });
});
