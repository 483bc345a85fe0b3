import { describe, expect, it } from 'vitest';
import { GENERATED_AT, goldenInput } from '../../../test-fixtures/fixtures.js';
import { CODE_SYSTEMS } from '../../codes/systems.js';
import type { CancerScreeningRecord, CareWishesRecord, LabRecord, OutpatientRecord } from '../../record.js';
import { type FhirBundleInput, toFhirBundle } from './index.js';
import { escapeXhtml } from './narrative.js';
import { impressionOf } from './reports.js';
import { PROFILES } from './terminology.js';
import type {
  Bundle,
  Condition,
  Consent,
  DiagnosticReport,
  Encounter,
  MedicationRequest,
  Observation,
  Organization,
  Patient,
  Procedure,
  Resource,
} from './types.js';
import { utf8Base64 } from './values.js';

const { citizen, records } = goldenInput();
const pairwise = { kind: 'pairwise', system: 'https://healthbank.example/sub/app-1', value: 'sub-123' } as const;
const input = (over: Partial<FhirBundleInput> = {}): FhirBundleInput => ({
  patient: { identifier: pairwise, sex: citizen.sex, birthDate: citizen.birthDate, name: citizen.name },
  records,
  generatedAt: GENERATED_AT,
  ...over,
});

const resources = <T extends Resource>(bundle: Bundle, type: T['resourceType']): T[] =>
  bundle.entry.map((e) => e.resource).filter((r): r is T => r.resourceType === type);

const byUrl = (bundle: Bundle) => new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));

describe('toFhirBundle', () => {
  const bundle = toFhirBundle(input());

  it('is a TW Core collection Bundle: Patient first, then the Organizations, then the records', () => {
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: GENERATED_AT });
    expect(bundle.meta?.profile).toEqual([PROFILES.bundle]);
    expect(bundle.entry[0]?.resource.resourceType).toBe('Patient');
    const orgs = resources(bundle, 'Organization');
    const codes = new Set(orgs.map((o) => (o as Organization).identifier?.[0]?.value));
    expect(codes.size).toBe(orgs.length);
    expect(bundle.entry.slice(1, 1 + orgs.length).every((e) => e.resource.resourceType === 'Organization')).toBe(true);
  });

  it('uses urn:uuid fullUrls equal to the resource ids, all distinct, and resolves every reference inside', () => {
    const urls = byUrl(bundle);
    expect(urls.size).toBe(bundle.entry.length);
    for (const e of bundle.entry) expect(e.fullUrl).toBe(`urn:uuid:${e.resource.id}`);
    const refs = JSON.stringify(bundle).match(/"reference":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(urls.has(ref.slice(13, -1)), ref).toBe(true);
  });

  it('is deterministic, and the namespace changes every id', () => {
    expect(toFhirBundle(input())).toEqual(bundle);
    const other = toFhirBundle(input({ idNamespace: 'another-app' }));
    const ids = new Set(bundle.entry.map((e) => e.resource.id));
    for (const e of other.entry) expect(ids.has(e.resource.id)).toBe(false);
  });

  it('identifies the patient by the pairwise subject, or by the national ID in TW Core’s idCardNumber slice', () => {
    const patient = bundle.entry[0]?.resource as Patient;
    expect(patient.identifier).toEqual([
      {
        use: 'secondary',
        type: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ANON', display: 'Anonymous identifier' },
          ],
        },
        system: pairwise.system,
        value: pairwise.value,
      },
    ]);
    expect(JSON.stringify(bundle)).not.toContain(citizen.nationalId);
    const withId = toFhirBundle(
      input({
        patient: {
          identifier: { kind: 'national-id', value: citizen.nationalId },
          sex: 'female',
          birthDate: citizen.birthDate,
        },
      }),
    );
    const id = (withId.entry[0]?.resource as Patient | undefined)?.identifier[0];
    expect(id).toMatchObject({ use: 'official', system: 'http://www.moi.gov.tw', value: citizen.nationalId });
    expect(id?.type?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
      code: 'NNxxx',
    });
    // The identifier-suffix extension says which country's national ID it is.
    expect(id?.type?.coding?.[0]?._code?.extension[0]?.extension).toContainEqual({ url: 'suffix', valueString: 'TWN' });
    expect(id?.value).toMatch(/^[A-Za-z][0-9]{9}$/); // the slice's invariant id-card-number
    expect(() =>
      toFhirBundle(
        input({
          patient: { identifier: { kind: 'national-id', value: 'A123456788' }, sex: 'male', birthDate: '1970-01-01' },
        }),
      ),
    ).toThrow(/national ID/);
    expect(() =>
      toFhirBundle(
        input({ patient: { identifier: { ...pairwise, system: 'not a uri' }, sex: 'male', birthDate: '1970-01-01' } }),
      ),
    ).toThrow(/absolute URI/);
  });

  it('maps a visit to an Encounter with its ranked ICD-10-CM Conditions and its drug orders', () => {
    const visit = records.outpatient?.find((r) => r.visitType === 'outpatient') as OutpatientRecord;
    const urls = byUrl(bundle);
    const encounter = resources<Encounter>(bundle, 'Encounter').find(
      (e) => e.period.start === visit.date && e.class.code === 'AMB' && !e.serviceType,
    ) as Encounter;
    expect(encounter).toBeDefined();
    expect(urls.get(encounter.serviceProvider.reference as string)).toMatchObject({ name: visit.institution.name });
    const conditions = (encounter.diagnosis ?? []).map((d) => urls.get(d.condition.reference as string) as Condition);
    expect(conditions.map((c) => c.code.coding?.[0])).toEqual(
      visit.diagnoses.map((d) => ({ system: CODE_SYSTEMS.icd10cm, code: d.code, display: d.display })),
    );
    expect(encounter.diagnosis?.map((d) => d.rank)).toEqual(visit.diagnoses.map((_, i) => i + 1));
    const meds = resources<MedicationRequest>(bundle, 'MedicationRequest').filter(
      (m) => m.encounter?.reference === `urn:uuid:${encounter.id}`,
    );
    const drugs = visit.orders.filter((o) => o.kind === 'drug');
    expect(meds).toHaveLength(drugs.length);
    const [first] = drugs;
    expect(meds[0]?.medicationCodeableConcept.coding).toEqual([
      { system: CODE_SYSTEMS.nhiMedication, code: first?.code, display: first?.name },
      { system: CODE_SYSTEMS.atc, code: first?.atc },
    ]);
    expect(meds[0]?.dispenseRequest).toEqual({
      quantity: { value: first?.quantity },
      expectedSupplyDuration: { value: first?.days, unit: 'd', system: CODE_SYSTEMS.ucum, code: 'd' },
    });
  });

  it('codes emergency, TCM, dental and inpatient encounters', () => {
    const classes = resources<Encounter>(bundle, 'Encounter').map((e) => [
      e.class.code,
      e.serviceType?.coding?.[0]?.code,
    ]);
    expect(classes).toContainEqual(['EMER', '773568002']);
    expect(classes).toContainEqual(['AMB', '60']);
    expect(classes).toContainEqual(['AMB', '722163006']);
    expect(classes).toContainEqual(['IMP', undefined]);
    const herb = resources<MedicationRequest>(bundle, 'MedicationRequest').find(
      (m) => m.medicationCodeableConcept.coding?.[0]?.system === CODE_SYSTEMS.nhiHerbMedication,
    );
    expect(herb?.dispenseRequest?.quantity).toMatchObject({ unit: 'g', code: 'g', system: CODE_SYSTEMS.ucum });
  });

  it('maps a lab result to a TW Core laboratory Observation with LOINC, the NHI order, UCUM and its range', () => {
    const lab = records.lab?.find((r) => r.quantity && r.referenceRange?.low !== undefined) as LabRecord;
    const obs = resources<Observation>(bundle, 'Observation').find(
      (o) => o.code.coding?.[0]?.code === lab.loinc && o.issued === lab.reportedAt,
    ) as Observation;
    expect(obs.meta?.profile).toEqual([PROFILES.laboratoryResult]);
    expect(obs.code.coding).toEqual([
      { system: CODE_SYSTEMS.loinc, code: lab.loinc },
      { system: CODE_SYSTEMS.nhiMedicalService, code: lab.order.code, display: lab.order.display },
    ]);
    expect(obs.valueQuantity).toEqual({
      value: lab.quantity?.value,
      unit: lab.quantity?.unit,
      system: CODE_SYSTEMS.ucum,
      code: lab.quantity?.unit,
    });
    expect(obs.referenceRange?.[0]).toMatchObject({
      low: { value: lab.referenceRange?.low },
      text: lab.referenceRange?.text,
    });
    expect(obs.interpretation?.[0]?.coding?.[0]?.code).toBe(
      { high: 'H', low: 'L', normal: 'N', abnormal: 'A' }[lab.interpretation ?? 'normal'],
    );
  });

  it('leaves out an NHI lab code the IG value set lacks (09140C), keeping the order in the text', () => {
    const lab: LabRecord = {
      ...(records.lab?.[0] as LabRecord),
      id: 'pc-1',
      order: { code: '09140C', display: '血液及體液葡萄糖-餐後' },
      item: 'Glucose PC',
      loinc: '1521-4',
    };
    const b = toFhirBundle(input({ records: { lab: [lab] } }));
    const obs = resources<Observation>(b, 'Observation')[0];
    expect(obs?.code.coding).toEqual([{ system: CODE_SYSTEMS.loinc, code: '1521-4' }]);
    expect(obs?.code.text).toContain('血液及體液葡萄糖-餐後');
  });

  it('maps the adult preventive check to vital signs, lab Observations and a report with the assessments', () => {
    const profiles = resources<Observation>(bundle, 'Observation').map((o) => o.meta?.profile?.[0]);
    for (const p of [PROFILES.bodyHeight, PROFILES.bodyWeight, PROFILES.bmi, PROFILES.bloodPressure])
      expect(profiles).toContain(p);
    const bp = resources<Observation>(bundle, 'Observation').find(
      (o) => o.meta?.profile?.[0] === PROFILES.bloodPressure,
    );
    expect(bp?.component?.map((c) => c.code.coding?.[0]?.code)).toEqual(['8480-6', '8462-4']);
    const report = resources<DiagnosticReport>(bundle, 'DiagnosticReport').find((r) =>
      r.code.text?.startsWith('成人預防保健'),
    );
    expect(report?.conclusion).toMatch(/^血壓：/);
    expect(report?.result?.length).toBeGreaterThanOrEqual(11);
  });

  it('puts the full report text in presentedForm and its impression in conclusion', () => {
    const rec = records.imaging_pathology?.[0];
    const report = resources<DiagnosticReport>(bundle, 'DiagnosticReport').find(
      (r) => r.code.coding?.[0]?.code === rec?.order.code,
    );
    expect(report?.presentedForm?.[0]?.data).toBe(Buffer.from(rec?.reportText ?? '', 'utf8').toString('base64'));
    expect(report?.conclusion).toBe(impressionOf(rec?.reportText ?? ''));
  });

  it('maps a care wish to a Consent of advance-directive scope, without claiming a TW Core profile', () => {
    const [consent] = resources<Consent>(bundle, 'Consent');
    expect(consent).toMatchObject({ status: 'active', scope: { coding: [{ code: 'adr' }] }, dateTime: '2024-03-15' });
    expect(consent?.meta).toBeUndefined();
    expect(consent?.category.map((c) => c.coding?.[0]?.code)).toEqual(['59284-0', 'acd']);
    expect(consent?.policyRule?.text).toContain('安寧緩和醫療條例');
  });

  it('gives every resource a short zh-TW narrative in the XHTML namespace (R4 §2.4, dom-6)', () => {
    for (const { resource } of bundle.entry) {
      expect(resource.text?.status, resource.resourceType).toBe('generated');
      expect(resource.text?.div).toMatch(/^<div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml">[^<>]*\p{Script=Han}/u);
      expect(resource.text?.div.endsWith('</div>')).toBe(true);
    }
    expect((bundle as { text?: unknown }).text).toBeUndefined(); // a Bundle is not a DomainResource
    const visit = records.outpatient?.find((r) => r.visitType === 'outpatient') as OutpatientRecord;
    const encounter = resources<Encounter>(bundle, 'Encounter').find((e) => e.period.start === visit.date);
    const [dx] = visit.diagnoses;
    expect(encounter?.text?.div).toBe(
      `<div xmlns="http://www.w3.org/1999/xhtml">門診：${visit.date}，${visit.institution.name}<br/>主診斷：${dx?.code} ${dx?.display}</div>`,
    );
    const lab = resources<Observation>(bundle, 'Observation').find((o) => o.code.text?.startsWith('AFP'));
    expect(lab?.text?.div).toBe(
      '<div xmlns="http://www.w3.org/1999/xhtml">2018-06-30 AFP：5.1 ng/mL（參考值 &lt;20，正常）</div>',
    );
  });

  it('escapes every value in a narrative: markup in a record stays text', () => {
    const wish: CareWishesRecord = {
      id: 'wish-x',
      date: '2024-01-02',
      category: 'care_wishes',
      wish: 'organ_donation',
      status: 'withdrawn',
      note: '<script>alert(1)</script> & <img src=x onerror=alert(2)>\n\u0007',
    };
    const [consent] = resources<Consent>(toFhirBundle(input({ records: { care_wishes: [wish] } })), 'Consent');
    expect(consent?.text?.div).toBe(
      '<div xmlns="http://www.w3.org/1999/xhtml">2024-01-02 器官捐贈意願：已撤回<br/>依據：人體器官移植條例 (Human Organ Transplantation Act)<br/>簽署文件：&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;  </div>',
    );
    expect(escapeXhtml('a\ud800b\udc00c😀\ufffe')).toBe('a\ufffdb\ufffdc😀 ');
    expect(escapeXhtml('血壓 120/80')).toBe('血壓 120/80');
  });

  it('codes an NHI procedure order the IG’s procedure-tw lacks where the IG allows it: 15021C as a cytology report', () => {
    const visit = records.outpatient?.[0] as OutpatientRecord;
    const withOrders: OutpatientRecord = {
      ...visit,
      orders: [
        { code: '15021C', name: '薄片細胞學檢查', kind: 'procedure', quantity: 1 },
        { code: 'B71', name: '脈診儀檢查費', kind: 'procedure', quantity: 1 },
        { code: '19001C', name: '腹部超音波', kind: 'procedure', quantity: 1 },
      ],
    };
    const b = toFhirBundle(input({ records: { outpatient: [withOrders] } }));
    const [encounter] = resources<Encounter>(b, 'Encounter');
    const [report] = resources<DiagnosticReport>(b, 'DiagnosticReport');
    expect(report).toMatchObject({
      meta: { profile: [PROFILES.diagnosticReport] },
      status: 'final',
      category: [{ coding: [{ code: 'CP', display: 'Cytopathology' }] }],
      code: { coding: [{ system: CODE_SYSTEMS.nhiMedicalService, code: '15021C' }], text: '薄片細胞學檢查' },
      encounter: { reference: `urn:uuid:${encounter?.id}` },
      effectiveDateTime: visit.date,
    });
    const procedures = resources<Procedure>(b, 'Procedure');
    expect(procedures.map((p) => p.code)).toEqual([
      { text: '脈診儀檢查費' }, // in no value set the IG binds for NHI codes
      {
        coding: [{ system: CODE_SYSTEMS.nhiMedicalService, code: '19001C', display: '腹部超音波' }],
        text: '腹部超音波',
      },
    ]);
  });

  it('codes oral mucosa screening with LOINC beside the NHI service code', () => {
    const oral: CancerScreeningRecord = {
      id: 'oral-1',
      date: '2024-02-03',
      category: 'cancer_screening',
      kind: 'oral',
      institution: { code: '3502110167', name: '小港百齡聯合診所' },
      item: '口腔黏膜檢查',
      result: 'negative',
      resultText: '未發現異常',
    };
    const [obs] = resources<Observation>(toFhirBundle(input({ records: { cancer_screening: [oral] } })), 'Observation');
    expect(obs?.code.coding).toEqual([
      { system: CODE_SYSTEMS.loinc, code: '10201-2' },
      { system: CODE_SYSTEMS.nhiMedicalService, code: '95', display: expect.stringContaining('口腔黏膜檢查') },
    ]);
    expect(obs?.category[0]?.coding?.[0]?.code).toBe('exam');
  });

  it('never writes an empty string (FHIR forbids them)', () => {
    expect(JSON.stringify(bundle)).not.toContain('""');
  });

  it('refuses records outside the covered categories', () => {
    expect(() => toFhirBundle(input({ categories: ['lab'] }))).toThrow(/outside the covered categories/);
  });
});

describe('helpers', () => {
  it('base64-encodes UTF-8 exactly as Node does, surrogate pairs included', () => {
    for (const s of ['', 'a', 'ab', 'abc', '腹部超音波', 'Impression: 正常 😀\n', '\u00e9\u0800\uffff']) {
      expect(utf8Base64(s)).toBe(Buffer.from(s, 'utf8').toString('base64'));
    }
  });

  it('finds the impression line of a report', () => {
    expect(impressionOf('Liver: normal.\nImpression: Fatty liver. 建議追蹤。')).toBe('Fatty liver. 建議追蹤。');
    expect(impressionOf('Appendix:\n- Acute appendicitis.')).toBeUndefined();
  });
});
