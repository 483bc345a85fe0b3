/**
 * Golden files: one small synthetic citizen in each content format, committed under
 * test-fixtures/, so that any change to a format shows up as a diff in review. After an intended
 * change, regenerate them with `UPDATE_GOLDEN=1 npx vitest run packages/records/src/formats/golden.test.ts`
 * (this also formats them with Biome, which the repository's lint applies to JSON). They are
 * compared as JSON values, so formatting never fails the test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, goldenInput } from '../../test-fixtures/fixtures.js';
import { toFhirBundle } from './fhir/index.js';
import { fromMhb } from './mhb/read.js';
import { toMhb } from './mhb/write.js';
import { parseRecordsDocument, toRecordsDocument } from './records.js';

const update = process.env.UPDATE_GOLDEN === '1';
const { citizen, records, generatedAt } = goldenInput();

/** Compares `value` (as JSON) to the golden file, or rewrites the file when updating. */
function golden(name: string, value: unknown): void {
  const file = path.join(fixturesDir, name);
  const json: unknown = JSON.parse(JSON.stringify(value));
  if (update) {
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
    execFileSync(process.execPath, [biome, 'format', '--write', file], { stdio: 'ignore' });
  }
  expect(existsSync(file), `${name} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
  const committed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  expect(json, `${name} differs: if the change is intended, run with UPDATE_GOLDEN=1 and review the diff`).toEqual(
    committed,
  );
}

describe('golden files', () => {
  it('records', () => {
    const doc = toRecordsDocument({ records, generatedAt });
    golden('golden.records.json', doc);
    expect(
      parseRecordsDocument(JSON.parse(readFileSync(path.join(fixturesDir, 'golden.records.json'), 'utf8'))),
    ).toEqual(doc);
  });

  it('fhir', () => {
    golden(
      'golden.fhir.json',
      toFhirBundle({
        patient: {
          identifier: {
            kind: 'pairwise',
            system: 'https://healthbank.example/sub/golden-app',
            value: 'golden-subject',
          },
          sex: citizen.sex,
          birthDate: citizen.birthDate,
          name: citizen.name,
        },
        records,
        generatedAt,
        identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:00000000-0000-4000-8000-000000000001' },
      }),
    );
  });

  it('mhb', () => {
    golden(
      'golden.mhb.json',
      toMhb({ subject: { kind: 'masked-national-id', value: citizen.nationalId }, records, generatedAt }),
    );
    const back = fromMhb(JSON.parse(readFileSync(path.join(fixturesDir, 'golden.mhb.json'), 'utf8')));
    expect(back.lab?.map((r) => r.value)).toEqual(records.lab?.map((r) => r.value));
  });
});
