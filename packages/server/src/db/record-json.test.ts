import { CATEGORY_IDS, type HealthRecord } from '@healthbank/records';
import { describe, expect, it } from 'vitest';
import { fixturePopulation } from './fixtures.js';
import { payloadPrefix, storedPayload } from './record-json.js';

const records = [...fixturePopulation({ citizens: 20, seed: 7 })].flatMap((c) => c.records);

describe('storedPayload', () => {
  it('drops exactly the id, date and category, which payloadPrefix puts back', () => {
    expect(new Set(records.map((r) => r.category))).toEqual(new Set(CATEGORY_IDS));
    for (const record of records) {
      const stored = storedPayload(record);
      expect(stored).not.toMatch(/"(id|date|category)":/);
      expect(JSON.parse(payloadPrefix(record.id, record.date, record.category) + stored)).toEqual(record);
    }
  });

  it('gives back the JSON byte for byte when it starts with id, date, category, as generated records do', () => {
    for (const original of records) {
      const { id, date, category, ...rest } = original;
      const record = { id, date, category, ...rest } as HealthRecord;
      expect(payloadPrefix(id, date, category) + storedPayload(record)).toBe(JSON.stringify(record));
    }
  });

  it('keeps ids that JSON writes unescaped, emoji and CJK included', () => {
    const record = { ...(records[0] as HealthRecord), id: '病歷-😀-1' };
    expect(JSON.parse(payloadPrefix(record.id, record.date, record.category) + storedPayload(record))).toEqual(record);
  });

  it.each([
    ['a date with a quote', { date: '2024-01-01"' }],
    ['a date of another shape', { date: '2024/01/01' }],
    ['an unknown category', { category: 'lab","x' }],
  ])('refuses %s, which the SQL reassembly writes unescaped', (_, change) => {
    expect(() => storedPayload({ ...(records[0] as HealthRecord), ...change } as HealthRecord)).toThrow(
      expect.objectContaining({ code: 'invalid_record' }),
    );
  });

  it.each([
    ['a quote', 'a"b'],
    ['a backslash', 'a\\b'],
    ['a newline', 'a\nb'],
    ['a lone surrogate', 'a\ud800b'],
  ])('refuses an id with %s, which the SQL reassembly would not escape', (_, id) => {
    expect(() => storedPayload({ ...(records[0] as HealthRecord), id })).toThrow(
      expect.objectContaining({ code: 'invalid_record' }),
    );
  });
});
