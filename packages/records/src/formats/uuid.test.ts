import { describe, expect, it } from 'vitest';
import { deterministicUuid, hash128 } from './uuid.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('deterministicUuid', () => {
  it('is a lower-case RFC 9562 version-8 UUID', () => {
    for (let i = 0; i < 1000; i++) expect(deterministicUuid('ns', `r${i}`, 'encounter')).toMatch(UUID_V8);
  });

  it('is the same for the same parts and pinned across releases', () => {
    expect(deterministicUuid('ns', 'p0y793ll-0', 'encounter')).toBe(deterministicUuid('ns', 'p0y793ll-0', 'encounter'));
    // Changing the hash changes every resource id apps have stored: this value must not move.
    expect(deterministicUuid('healthbank', 'p0y793ll-0', 'encounter')).toBe('c63def5d-8bda-8b7e-8c35-286e4496404e');
  });

  it('separates parts, so moving a boundary changes the id', () => {
    expect(deterministicUuid('ab', 'c')).not.toBe(deterministicUuid('a', 'bc'));
    expect(deterministicUuid('a', 'b', '')).not.toBe(deterministicUuid('a', 'b'));
  });

  it('gives no collision over 300,000 similar inputs (ids, roles, lengths 0–40)', () => {
    const seen = new Set<string>();
    const roles = ['encounter', 'dx:0', 'dx:1', 'order:0', 'order:12', 'observation'];
    for (let i = 0; i < 50_000; i++) {
      for (const role of roles) seen.add(deterministicUuid('ns', `p${i.toString(36)}-${i % 97}`, role));
    }
    expect(seen.size).toBe(300_000);
  });

  it('mixes every input code unit into every output lane', () => {
    const base = hash128('abcdefghijklmnopq');
    for (let i = 0; i < 17; i++) {
      const s = `${'abcdefghijklmnopq'.slice(0, i)}#${'abcdefghijklmnopq'.slice(i + 1)}`;
      const h = hash128(s);
      for (let lane = 0; lane < 4; lane++) expect(h[lane], `position ${i}, lane ${lane}`).not.toBe(base[lane]);
    }
  });
});
