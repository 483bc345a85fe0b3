import { isValidNationalId } from '@healthbank/records';
import { describe, expect, it } from 'vitest';
import { nationalIdFor, nhiCardNumberFor, ORDINARY_SERIALS, recordKeyFor, serialOfIndex } from './identity.js';
import { PERSONA_IDS } from './personas.js';

describe('national-ID serials', () => {
  it('are a bijection of the index over the ordinary serial space', () => {
    const seen = new Uint8Array(ORDINARY_SERIALS);
    for (let i = 0; i < ORDINARY_SERIALS; i++) {
      const s = serialOfIndex(i);
      if (s < 0 || s >= ORDINARY_SERIALS || seen[s] === 1) throw new Error(`collision or out of range at ${i}`);
      seen[s] = 1;
    }
    expect(seen.every((x) => x === 1)).toBe(true);
  });

  it('reject indexes outside the serial space', () => {
    expect(() => serialOfIndex(-1)).toThrow(RangeError);
    expect(() => serialOfIndex(ORDINARY_SERIALS)).toThrow(RangeError);
    expect(() => serialOfIndex(1.5)).toThrow(RangeError);
  });

  it('never produce a persona national ID', () => {
    const personaSerials = [PERSONA_IDS.A小姐, PERSONA_IDS.B爺爺, ...PERSONA_IDS.C職場].map((id) =>
      Number(id.slice(2, 9)),
    );
    for (const s of personaSerials) expect(s).toBeGreaterThanOrEqual(ORDINARY_SERIALS);
    const all = [PERSONA_IDS.A小姐, PERSONA_IDS.B爺爺, ...PERSONA_IDS.C職場];
    expect(new Set(all).size).toBe(62);
    expect(all.every(isValidNationalId)).toBe(true);
  });

  it('make valid national IDs whatever the letter and sex', () => {
    for (let i = 0; i < 1000; i++) {
      const id = nationalIdFor(i % 2 ? 'F' : 'Z', i % 3 ? 'female' : 'male', serialOfIndex(i * 977));
      expect(isValidNationalId(id)).toBe(true);
    }
  });
});

describe('NHI card numbers and record keys', () => {
  it('card numbers are 12 digits and distinct for distinct serials', () => {
    const cards = new Set<string>();
    let malformed = 0;
    for (let s = 0; s < 200_000; s++) {
      const card = nhiCardNumberFor(s * 49);
      if (!/^\d{12}$/.test(card)) malformed++;
      cards.add(card);
    }
    expect(malformed).toBe(0);
    expect(cards.size).toBe(200_000);
  });

  it('record keys are distinct per index and namespace and do not contain the national ID', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 100_000; i++) keys.add(recordKeyFor(12345, i, 'c'));
    for (let i = 0; i < 62; i++) keys.add(recordKeyFor(12345, i, 'p'));
    expect(keys.size).toBe(100_062);
  });
});
