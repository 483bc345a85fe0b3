import { generatePersonas } from '@healthbank/synth';
import { describe, expect, it } from 'vitest';
import { AS_OF, byCategory, GENERATED_AT, goldenInput } from '../../test-fixtures/fixtures.js';
import { CATEGORY_IDS } from '../categories.js';
import { ContentFormatError } from './errors.js';
import { parseRecordsDocument, recordsDocumentBytes, toRecordsDocument } from './records.js';

const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('toRecordsDocument', () => {
  const { records } = goldenInput();

  it('lists the covered categories in canonical order and hands the arrays over uncopied', () => {
    const doc = toRecordsDocument({
      records: { lab: records.lab, outpatient: records.outpatient },
      generatedAt: GENERATED_AT,
    });
    expect(doc).toMatchObject({ format: 'records', version: 1, generatedAt: GENERATED_AT });
    expect(doc.categories).toEqual(['outpatient', 'lab']);
    expect(Object.keys(doc.records)).toEqual(['outpatient', 'lab']);
    expect(doc.records.lab).toBe(records.lab);
  });

  it('gives a covered category without records an empty list, and leaves uncovered ones out', () => {
    const doc = toRecordsDocument({
      records: { lab: records.lab },
      categories: ['lab', 'allergy'],
      generatedAt: GENERATED_AT,
    });
    expect(doc.categories).toEqual(['allergy', 'lab']);
    expect(doc.records.allergy).toEqual([]);
    expect(doc.records).not.toHaveProperty('outpatient');
  });

  it('refuses records outside the covered categories, or filed under the wrong category', () => {
    expect(() =>
      toRecordsDocument({ records: { lab: records.lab, allergy: [] }, categories: ['lab'], generatedAt: GENERATED_AT }),
    ).toThrow(/outside the covered categories/);
    expect(() =>
      toRecordsDocument({ records: { tcm: records.outpatient as never }, generatedAt: GENERATED_AT }),
    ).toThrow(/category "outpatient" is in the tcm list/);
    expect(() => toRecordsDocument({ records: {}, generatedAt: '2025-06-30' })).toThrow(/generatedAt/);
  });
});

describe('parseRecordsDocument', () => {
  it('reads back what toRecordsDocument wrote, for the golden citizen and the personas', () => {
    const inputs = [
      goldenInput().records,
      ...generatePersonas('healthbank', AS_OF)
        .slice(0, 3)
        .map((p) => byCategory(p.records)),
    ];
    for (const records of inputs) {
      const doc = toRecordsDocument({ records, generatedAt: GENERATED_AT });
      expect(doc.categories).toEqual([...CATEGORY_IDS]);
      expect(parseRecordsDocument(roundTrip(doc))).toEqual(roundTrip(doc));
    }
  });

  it('names every problem with its path', () => {
    const doc = roundTrip(toRecordsDocument({ records: goldenInput().records, generatedAt: GENERATED_AT }));
    const bad = roundTrip(doc) as unknown as { records: Record<string, Record<string, unknown>[] | undefined> };
    const labs = bad.records.lab ?? [];
    (labs[0] as Record<string, unknown>).loinc = 'not-loinc';
    (labs[1] as Record<string, unknown>).category = 'outpatient';
    delete bad.records.allergy;
    bad.records.unknown = [];
    let error: unknown;
    try {
      parseRecordsDocument(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContentFormatError);
    const issues = (error as ContentFormatError).issues.join('\n');
    expect(issues).toMatch(/records\.lab\[0\]\.loinc/);
    expect(issues).toMatch(/records\.lab\[1\]/);
    expect(issues).toMatch(/records\.allergy: missing/);
    expect(issues).toMatch(/records\.unknown: category not listed/);
  });

  it('rejects another format or version', () => {
    expect(() => parseRecordsDocument({ format: 'fhir' })).toThrow(ContentFormatError);
    expect(() => parseRecordsDocument(null)).toThrow(ContentFormatError);
    const doc = roundTrip(toRecordsDocument({ records: {}, generatedAt: GENERATED_AT }));
    expect(() => parseRecordsDocument({ ...doc, version: 2 })).toThrow(/version/);
  });
});

describe('recordsDocumentBytes', () => {
  const encoder = new TextEncoder();
  const joined = (list: readonly unknown[]) => encoder.encode(list.map((r) => JSON.stringify(r)).join(','));

  it('gives, byte for byte, the UTF-8 JSON of toRecordsDocument without parsing the stored records', () => {
    for (const { records: list } of generatePersonas('records-json', AS_OF).slice(0, 5)) {
      const records = byCategory(list);
      // One category left out, one covered but empty (allergy is rare): both shapes must come out right.
      const categories = CATEGORY_IDS.filter((id) => id !== 'care_wishes');
      const arrays = Object.fromEntries(categories.map((id) => [id, joined(records[id] ?? [])]));
      const covered = Object.fromEntries(categories.map((id) => [id, records[id] ?? []]));
      const bytes = recordsDocumentBytes({ arrays, categories, generatedAt: GENERATED_AT });
      expect(
        Buffer.from(bytes).equals(
          Buffer.from(
            encoder.encode(
              JSON.stringify(toRecordsDocument({ records: covered, categories, generatedAt: GENERATED_AT })),
            ),
          ),
        ),
      ).toBe(true);
      expect(parseRecordsDocument(JSON.parse(new TextDecoder().decode(bytes))).records.lab).toEqual(records.lab ?? []);
    }
  });

  it('writes an empty array for a covered category without records', () => {
    const bytes = recordsDocumentBytes({ arrays: {}, categories: ['lab'], generatedAt: GENERATED_AT });
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({
      format: 'records',
      version: 1,
      generatedAt: GENERATED_AT,
      categories: ['lab'],
      records: { lab: [] },
    });
  });

  it('refuses records outside the covered categories', () => {
    expect(() =>
      recordsDocumentBytes({
        arrays: { lab: encoder.encode('{}') },
        categories: ['outpatient'],
        generatedAt: GENERATED_AT,
      }),
    ).toThrow(RangeError);
  });
});
