/**
 * `fromFhirBundle`, the inverse of `toFhirBundle`: over the synthetic population (ordinary
 * citizens and the personas) and the golden file it gives back every field the format carries,
 * with stable ids; it reads Bundles whose references a FHIR server rewrote, leaves an app's own
 * resources alone, and reports every place it cannot read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generatePopulation, PERSONA_COUNT } from '@healthbank/synth';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AS_OF, byCategory, fixturesDir, GENERATED_AT, goldenInput } from '../../../test-fixtures/fixtures.js';
import { CATEGORY_IDS, type CategoryId } from '../../categories.js';
import type { HealthRecord, ImmunizationRecord, LabRecord, RecordsByCategory } from '../../record.js';
import { ContentFormatError } from '../errors.js';
import { deterministicUuid } from '../uuid.js';
import { type FhirBundleInput, toFhirBundle } from './index.js';
import { fromFhirBundle } from './read.js';
import { FHIR_UNCARRIED_FIELDS, type FhirLabRecord, type FhirRecordOf, type FhirRecordsByCategory } from './reading.js';
import type { Bundle } from './types.js';

/** The role of each category's main resource in its id (`ctx.idFor(record.id, role)`). */
const ROLE: Record<CategoryId, string> = {
  outpatient: 'encounter',
  tcm: 'encounter',
  dental: 'encounter',
  inpatient: 'encounter',
  allergy: 'allergy',
  imaging_pathology: 'report',
  adult_preventive: 'report',
  cancer_screening: 'observation',
  care_wishes: 'consent',
  immunization: 'immunization',
  lab: 'observation',
};

type Json = Record<string, unknown>;

/** Deletes a dotted path; `list[].field` deletes the field in every element. */
function drop(value: Json, dotted: string): void {
  const [head = '', ...rest] = dotted.split('.');
  if (head.endsWith('[]')) {
    for (const item of (value[head.slice(0, -2)] as Json[] | undefined) ?? []) drop(item, rest.join('.'));
  } else if (rest.length === 0) delete value[head];
  else if (value[head] !== undefined) drop(value[head] as Json, rest.join('.'));
}

/** What the `fhir` format carries of a record, by FHIR_UNCARRIED_FIELDS. */
function carried(record: HealthRecord): Json {
  const copy = structuredClone(record) as unknown as Json;
  for (const p of [...FHIR_UNCARRIED_FIELDS.everyRecord, ...FHIR_UNCARRIED_FIELDS.byCategory[record.category]]) {
    drop(copy, p);
  }
  if (Array.isArray(copy.orders)) {
    const skipped: readonly string[] = FHIR_UNCARRIED_FIELDS.orderKinds;
    copy.orders = (copy.orders as Json[]).filter((o) => !skipped.includes(o.kind as string));
    for (const o of copy.orders as Json[])
      if (o.kind === 'procedure') for (const p of FHIR_UNCARRIED_FIELDS.procedureOrder) drop(o, p);
  }
  if (record.category === 'allergy' && record.allergenKind !== 'drug') {
    for (const p of FHIR_UNCARRIED_FIELDS.nonDrugAllergen) drop(copy, p);
  }
  return copy;
}

/** A reading as `carried` shapes records: no id, procedure orders without their quantity. */
function comparable(reading: Json): Json {
  const copy = structuredClone(reading);
  delete copy.id;
  for (const o of (copy.orders as Json[] | undefined) ?? []) {
    if (o.kind === 'procedure') {
      expect(o.quantity).toBe(1);
      delete o.quantity;
    }
  }
  return copy;
}

const bundleFor = (records: RecordsByCategory, idNamespace: string): Bundle =>
  JSON.parse(
    JSON.stringify(
      toFhirBundle({
        patient: {
          identifier: { kind: 'pairwise', system: 'https://healthbank.example/sub/app', value: idNamespace },
          sex: 'female',
          birthDate: '1970-01-01',
        },
        records,
        generatedAt: GENERATED_AT,
        idNamespace,
      } satisfies FhirBundleInput),
    ),
  );

/** Checks that `back` is `records` as the format carries them, with the ids of their main resources. */
function expectRoundTrip(back: FhirRecordsByCategory, records: RecordsByCategory, namespace: string, who: string) {
  for (const id of CATEGORY_IDS) {
    const input = records[id] ?? [];
    const read = (back[id] ?? []) as Json[];
    expect(read.map(comparable), `${who} ${id}`).toEqual(input.map(carried));
    expect(
      read.map((r) => r.id),
      `${who} ${id} ids`,
    ).toEqual(input.map((r) => deterministicUuid(namespace, r.id, ROLE[id])));
  }
}

describe('fromFhirBundle over the synthetic population', () => {
  it('gives back every field the format carries: fromFhirBundle(toFhirBundle(x)) = x without FHIR_UNCARRIED_FIELDS', () => {
    const seen = Object.fromEntries(CATEGORY_IDS.map((id) => [id, 0])) as Record<CategoryId, number>;
    let citizens = 0;
    let cytology = 0;
    for (const { citizen, records } of generatePopulation({ citizens: 200, asOf: AS_OF })) {
      citizens++;
      const input = byCategory(records);
      const namespace = `ns-${citizen.nhiCardNumber}`;
      const back = fromFhirBundle(bundleFor(input, namespace));
      expectRoundTrip(back, input, namespace, citizen.persona ?? citizen.name);
      for (const id of CATEGORY_IDS) seen[id] += input[id]?.length ?? 0;
      for (const r of records) if ('orders' in r && r.orders.some((o) => o.code === '15021C')) cytology++;
    }
    expect(citizens).toBe(200 + PERSONA_COUNT); // ordinary citizens and the personas, as mhb.test.ts reads them
    for (const id of CATEGORY_IDS) expect(seen[id], id).toBeGreaterThan(10);
    expect(cytology).toBeGreaterThan(0); // a cervical work-up's 15021C, written as a DiagnosticReport, comes back
  }, 120_000);
});

describe('fromFhirBundle', () => {
  const { records } = goldenInput();
  const golden = JSON.parse(readFileSync(path.join(fixturesDir, 'golden.fhir.json'), 'utf8')) as Bundle;

  it('reads the golden file back into the golden records', () => {
    // golden.test.ts writes it with the default namespace: the pairwise subject's system and value.
    expectRoundTrip(
      fromFhirBundle(golden),
      records,
      'https://healthbank.example/sub/golden-app|golden-subject',
      'golden',
    );
  });

  it('types each reading as its record without the uncarried fields', () => {
    expectTypeOf<FhirRecordOf<'immunization'>>().toEqualTypeOf<ImmunizationRecord>();
    expectTypeOf<FhirLabRecord>().toEqualTypeOf<Omit<LabRecord, 'reportDate'>>();
    expectTypeOf<FhirRecordOf<'outpatient'>>().not.toHaveProperty('copay');
  });

  it('resolves references a FHIR server rewrote (Type/id, absolute fullUrls), and keeps no category it has no record of', () => {
    const served = structuredClone(golden);
    for (const e of served.entry)
      e.fullUrl = `https://fhir.example.org/fhir/${e.resource.resourceType}/${e.resource.id}`;
    const typeOf = new Map(golden.entry.map((e) => [e.fullUrl, e.resource.resourceType]));
    const text = JSON.stringify(served).replace(
      /"reference":"(urn:uuid:([0-9a-f-]{36}))"/g,
      (_, urn: string, id: string) => `"reference":"${typeOf.get(urn)}/${id}"`,
    );
    expect(text).not.toContain('"reference":"urn:uuid:');
    expect(fromFhirBundle(JSON.parse(text))).toEqual(fromFhirBundle(golden));
    const onlyLab = fromFhirBundle(bundleFor({ lab: records.lab ?? [], allergy: [] }, 'ns'));
    expect(Object.keys(onlyLab)).toEqual(['lab']);
  });

  it('leaves alone what an app added: other resource types, resources claiming no profile of this format', () => {
    const added = structuredClone(golden);
    added.entry.push(
      {
        fullUrl: 'urn:uuid:00000000-0000-4000-8000-00000000000a',
        resource: {
          resourceType: 'Observation',
          id: '00000000-0000-4000-8000-00000000000a',
          status: 'final',
          category: [],
          code: { text: '居家血糖' },
          subject: { reference: golden.entry[0]?.fullUrl },
          effectiveDateTime: '2025-06-01',
          valueQuantity: { value: 132, unit: 'mg/dL' },
        },
      },
      { fullUrl: 'urn:uuid:00000000-0000-4000-8000-00000000000b', resource: { resourceType: 'Practitioner' } as never },
    );
    expect(fromFhirBundle(added)).toEqual(fromFhirBundle(golden));
  });

  it('lists every place it cannot read in one ContentFormatError', () => {
    const broken = structuredClone(golden) as unknown as { entry: { resource: Json }[] };
    const at = (type: string, n = 0) =>
      broken.entry.map((e, i) => ({ i, r: e.resource })).filter((e) => e.r.resourceType === type)[n] as {
        i: number;
        r: Json;
      };
    const encounter = at('Encounter');
    (encounter.r.class as Json).code = 'HH';
    const lab = broken.entry.findIndex((e) => (e.resource.code as Json | undefined)?.text === 'AFP (α－胎兒蛋白檢驗)');
    ((broken.entry[lab] as { resource: Json }).resource.valueQuantity as Json).value = '5.1';
    const immunization = at('Immunization');
    delete immunization.r.occurrenceDateTime;
    const report = broken.entry.findIndex((e) => Array.isArray(e.resource.presentedForm));
    (((broken.entry[report] as { resource: Json }).resource.presentedForm as Json[])[0] as Json).data = 'not base64!';
    const condition = at('Encounter', 1);
    const diagnosis = (condition.r.diagnosis as Json[])[0] as Json;
    const orphan = broken.entry.findIndex(
      (e) => `urn:uuid:${e.resource.id}` === (diagnosis.condition as Json).reference,
    );
    diagnosis.condition = { reference: 'urn:uuid:nowhere' };
    let error: unknown;
    try {
      fromFhirBundle(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContentFormatError);
    const { format, issues } = error as ContentFormatError;
    expect(format).toBe('fhir');
    expect([...issues].sort()).toEqual(
      [
        `entry[${encounter.i}].resource.class.code: unknown encounter class "HH"`,
        `entry[${condition.i}].resource.diagnosis[0].condition.reference: "urn:uuid:nowhere" is not Condition in this Bundle`,
        `entry[${immunization.i}].resource.occurrenceDateTime: missing`,
        `entry[${lab}].resource.valueQuantity.value: not a number`,
        `entry[${report}].resource.presentedForm[0].data: not base64 of UTF-8 text`,
        // The resources of the visit whose class is unknown belong to no record.
        ...broken.entry
          .map((e, i) => ({ e, i }))
          .filter(
            ({ e }) =>
              (e.resource.encounter as Json | undefined)?.reference === `urn:uuid:${encounter.r.id}` ||
              ((encounter.r.diagnosis as Json[]) ?? []).some(
                (d) => (d.condition as Json).reference === `urn:uuid:${e.resource.id}`,
              ),
          )
          .map(
            ({ e, i }) =>
              `entry[${i}].resource: a ${e.resource.resourceType} that belongs to no record (no Encounter, report or check refers to it)`,
          ),
        `entry[${orphan}].resource: a Condition that belongs to no record (no Encounter, report or check refers to it)`,
      ].sort(),
    );
    expect(() => fromFhirBundle({ resourceType: 'Patient' })).toThrow(/not a FHIR Bundle/);
    expect(() => fromFhirBundle({ resourceType: 'Bundle', entry: {} })).toThrow(ContentFormatError);
    expect(fromFhirBundle({ resourceType: 'Bundle', type: 'collection', entry: [] })).toEqual({});
  });
});
