/**
 * The lean validator the SDK runs (json-schema.ts over record-schema.generated.ts) and the zod
 * schemas the platform runs (record.ts) give the same verdict and the same result: on every record
 * of the synthetic population, and on thousands of mutations of them.
 */
import { generatePersonas, generatePopulation } from '@healthbank/synth';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type HealthRecord, recordSchema } from '../record.js';
import { leanSchemaOf, validateLean } from './json-schema.js';
import { RECORD_SCHEMA } from './record-schema.generated.js';

const AS_OF = '2025-06-30';
const records: HealthRecord[] = [
  ...generatePersonas('lean', AS_OF).slice(0, 2),
  ...generatePopulation({ citizens: 30, asOf: AS_OF, seed: 'lean', personas: false }),
].flatMap((c) => c.records);

/** Every path to a value inside `value`, e.g. ['orders', 0, 'days']. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (typeof value === 'object' && value !== null)
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}

const REPLACEMENTS: unknown[] = [
  null,
  '',
  'x',
  -1,
  0,
  1.5,
  2 ** 60,
  true,
  [],
  {},
  '2024-02-30',
  '2024-01-01',
  'A'.repeat(70),
];

/** A copy of `record` with the value at `path` replaced, or deleted when `replacement` is undefined. */
function mutate(record: HealthRecord, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(record) as unknown as Record<string | number, unknown>;
  if (path.length === 0) return replacement;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === undefined) {
    if (Array.isArray(at)) at.splice(last as number, 1);
    else delete at[last];
  } else at[last] = replacement;
  return copy;
}

const verdicts = (input: unknown) => {
  const zod = recordSchema.safeParse(input);
  const lean = validateLean(RECORD_SCHEMA, input);
  return { zod: zod.success ? zod.data : 'invalid', lean: 'value' in lean ? lean.value : 'invalid' };
};

describe('the lean record validator', () => {
  it('is generated from the current zod schemas (run scripts/generate-record-schema.ts)', () => {
    expect(RECORD_SCHEMA).toEqual(leanSchemaOf(z.toJSONSchema(recordSchema, { io: 'output' })));
  });

  it(`accepts every record of the population as zod does (${records.length} records)`, () => {
    expect(records.length).toBeGreaterThan(3000);
    for (const record of records) {
      const { zod, lean } = verdicts(record);
      expect(lean).toEqual(zod);
      expect(lean).toEqual(record);
    }
  });

  it('drops unknown members, as zod does', () => {
    const record = records[0] as HealthRecord;
    const { zod, lean } = verdicts({ ...record, nationalId: 'A123456789' });
    expect(lean).toEqual(zod);
    expect(lean).not.toHaveProperty('nationalId');
  });

  it('agrees with zod on mutated records: deleted members, wrong types, bad values', () => {
    const byCategory = new Map<string, HealthRecord>();
    for (const r of records) if (!byCategory.has(r.category)) byCategory.set(r.category, r);
    expect(byCategory.size).toBe(11);
    fc.assert(
      fc.property(
        fc.constantFrom(...byCategory.values()),
        fc.nat(),
        fc.option(fc.constantFrom(...REPLACEMENTS), { nil: undefined }),
        (record, pick, replacement) => {
          const all = paths(record);
          const path = all[pick % all.length] as (string | number)[];
          const { zod, lean } = verdicts(mutate(record, path, replacement));
          expect(lean).toEqual(zod);
        },
      ),
      { numRuns: 5000, seed: 20261203 },
    );
  });

  it('names where a record is wrong', () => {
    const record = records.find((r) => r.category === 'outpatient') as HealthRecord;
    const result = validateLean(RECORD_SCHEMA, mutate(record, ['institution', 'code'], '123'));
    expect(result).toEqual({ issues: [{ path: 'institution.code', message: 'invalid format' }] });
  });
});
