import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generatePopulation } from '@healthbank/synth';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AS_OF, byCategory, fixturesDir, GENERATED_AT, goldenInput } from '../../../test-fixtures/fixtures.js';
import { CATEGORY_IDS, type CategoryId } from '../../categories.js';
import type { CareWishesRecord, RecordsByCategory } from '../../record.js';
import { ContentFormatError } from '../errors.js';
import { DEFAULT_DECLARATION } from './layout.js';
import { fromMhb, MHB_READING_ONLY_FIELDS, MHB_UNCARRIED_FIELDS, readMhbHeader } from './read.js';
import type { MhbRecordsByCategory } from './reading.js';
import { appendixAProblems } from './testing-appendix-a.js';
import { maskNationalIdAsNhi } from './values.js';
import { type MhbFile, type MhbRow, toMhb } from './write.js';

/** The repository's JSON formatting: what the golden files are written in, byte for byte. */
const serialize = (file: unknown): string => `${JSON.stringify(file, null, 2)}\n`;
const viaJson = (file: MhbFile): unknown => JSON.parse(JSON.stringify(file));
const section = (file: MhbFile, key: string) => file.myhealthbank.bdata[key] as MhbRow[];

/** toMhb of what readMhbHeader and fromMhb read from a file. */
function rewrite(json: unknown): MhbFile {
  const header = readMhbHeader(json);
  const subject = header.subject ?? '';
  return toMhb({
    subject: subject.includes('*')
      ? { kind: 'masked-national-id', value: subject }
      : { kind: 'national-id', value: subject },
    ...(header.declaration ? { declaration: header.declaration } : {}),
    generatedAt: `${header.dataDate}T12:00:00+08:00`,
    records: fromMhb(json),
  });
}

/** A copy without the given dotted paths, and without `displayEn` anywhere. */
function without(value: unknown, paths: readonly string[]): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !(MHB_UNCARRIED_FIELDS.everyCoding as readonly string[]).includes(k))
        .map(([k, x]) => [k, strip(x)]),
    );
  };
  const copy = strip(value) as Record<string, unknown>;
  for (const p of paths) {
    const keys = p.split('.');
    let at: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) at = at?.[k] as Record<string, unknown> | undefined;
    if (at) delete at[keys.at(-1) as string];
  }
  return copy;
}

/** Key-sorted JSON, to put records in a canonical order (r11 regroups screenings by kind). */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
const sorted = (list: readonly unknown[]) => list.map(canonical).sort();

describe('golden files in NHI’s own layout (test-fixtures/nhi-layout)', () => {
  const dir = path.join(fixturesDir, 'nhi-layout');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');

  it('has the three hand-written files', () => {
    expect(files.sort()).toEqual(['every-section.mhb.json', 'no-data.mhb.json', 'own-download.mhb.json']);
  });

  it.each(files)('%s: only fields appendix A lists, read by fromMhb and written back byte for byte', (name) => {
    const text = read(name);
    const json: unknown = JSON.parse(text);
    expect(appendixAProblems(json)).toEqual([]);
    expect(serialize(rewrite(json))).toBe(text);
  });

  it('reads every section into typed readings: what the layout holds, derived codes where known', () => {
    const r = fromMhb(JSON.parse(read('every-section.mhb.json')));
    expect(Object.keys(r).sort()).toEqual([...CATEGORY_IDS].sort());
    const [visit, emergency] = r.outpatient ?? [];
    expect(visit).toMatchObject({
      date: '2025-03-12',
      visitType: 'outpatient',
      institution: { code: '0401180014', name: '國立臺灣大學醫學院附設醫院', branch: '臺北業務組' },
      serial: '0012',
      copay: 420,
      points: 1236,
      procedures: [],
    });
    expect(visit?.diagnoses.map((d) => d.code)).toEqual(['E11.9', 'I10', 'E78.5']);
    expect(visit?.orders.map((o) => [o.code, o.kind, o.quantity, o.days, o.atc])).toEqual([
      ['00156A', 'fee', 1, undefined, undefined],
      ['AC46185100', 'drug', 112, 28, 'A10BA02'],
      ['09005C', 'lab', 1, undefined, undefined],
      ['09006C', 'lab', 1, undefined, undefined],
    ]);
    expect(emergency).toMatchObject({ visitType: 'emergency', serial: 'IC07' });
    expect([emergency?.diagnoses.length, emergency?.procedures.length]).toEqual([6, 3]);
    // r2, r3 and r9 have no institution code in appendix A: the name and 業務組 only.
    expect(r.inpatient?.[0]?.institution).toEqual({ name: '中國醫藥大學附設醫院', branch: '中區業務組' });
    expect(r.inpatient?.[0]?.orders[0]).toMatchObject({ code: 'AC46185100', kind: 'drug', days: 5 });
    expect(r.dental?.[0]?.orders.map((o) => o.days)).toEqual([undefined, undefined, 3]);
    expect(r.tcm?.[0]?.orders.map((o) => o.kind)).toEqual(['herb', 'herb', 'fee']);
    expect(r.allergy?.[0]).toEqual({
      id: expect.stringMatching(/^mhb-[0-9a-f-]{36}$/),
      date: '2022-08-15',
      category: 'allergy',
      allergen: { display: 'Amoxicillin' },
      severity: 'severe',
      symptoms: ['皮疹', '呼吸困難'],
      note: '嚴重藥物過敏，禁止再次使用同類藥物',
      source: 'institution',
    });
    expect(r.care_wishes?.map((w) => [w.wish, w.date, w.status])).toEqual([
      ['organ_donation', '2019-04-11', undefined],
      ['life_sustaining_refusal', '2020-06-06', undefined],
      ['life_sustaining_refusal', '2023-09-18', undefined],
    ]);
    expect(r.immunization?.map((v) => [v.vaccine, v.lot, v.institution])).toEqual([
      [{ display: '流感疫苗' }, 'FL2024-117', { name: '臺北市大安區健康服務中心' }],
      [{ display: 'COVID-19疫苗' }, undefined, { name: '國立臺灣大學醫學院附設醫院' }],
      [{ display: 'B型肝炎疫苗' }, 'HB951', undefined],
    ]);
    const [glucose, , creatinine, , protein] = r.lab ?? [];
    expect(glucose).toMatchObject({ loinc: '1558-6', quantity: { value: 128, unit: 'mg/dL' } });
    expect(glucose?.referenceRange).toEqual({ low: 70, high: 99, text: '[70][99]' });
    expect(glucose?.reportedAt).toBe('2025-03-12T16:45:00+08:00');
    // An analyte the curated lists do not know is kept as written, without LOINC code or unit.
    expect(creatinine).toMatchObject({ item: 'CRE(肌酸酐)', value: '1.20' });
    expect(creatinine).not.toHaveProperty('loinc');
    expect(creatinine).not.toHaveProperty('quantity');
    expect(protein?.referenceRange).toEqual({ text: '[無][]' });
    expect(r.imaging_pathology?.map((x) => x.kind)).toEqual(['imaging', 'pathology']);
    const [screened, notScreened] = r.adult_preventive ?? [];
    expect(screened).toMatchObject({ hepatitisBScreened: true, hbsag: 'negative', metabolicSyndrome: true });
    expect(screened?.measurements.waist).toEqual({ value: 88, unit: 'cm' });
    expect(notScreened).toMatchObject({ hepatitisBScreened: false, hepatitisCScreened: false });
    expect(notScreened).not.toHaveProperty('hbsag');
    expect(notScreened?.assessments).not.toHaveProperty('hepatitisB');
    expect(r.cancer_screening?.map((s) => [s.kind, s.result])).toEqual([
      ['colorectal', 'negative'],
      ['colorectal', 'positive'],
      ['oral', 'inadequate'],
    ]);
  });

  it('reads 無資料 sections as empty lists and sparse rows without inventing anything', () => {
    const none = fromMhb(JSON.parse(read('no-data.mhb.json')));
    expect(none).toEqual(Object.fromEntries(CATEGORY_IDS.map((id) => [id, []])));
    const own = fromMhb(JSON.parse(read('own-download.mhb.json')));
    expect(own.immunization).toEqual([]);
    expect(own.outpatient?.[0]).toEqual({
      id: expect.any(String),
      date: '2024-01-10',
      category: 'outpatient',
      institution: { name: '某藥局' },
      diagnoses: [],
      procedures: [],
      points: 66,
      orders: [
        { code: 'AC46185100', name: 'Metformin 500毫克錠', kind: 'drug', quantity: 56, days: 28, atc: 'A10BA02' },
      ],
    });
    expect(own.allergy?.[0]).toEqual({
      id: expect.any(String),
      date: '2018-01-01',
      category: 'allergy',
      allergen: { display: 'Aspirin' },
    });
    expect(own.lab?.[0]).toEqual({
      id: expect.any(String),
      date: '2024-01-10',
      category: 'lab',
      institution: { name: '某檢驗所' },
      order: { code: '09001C', display: '總膽固醇' },
    });
    expect(own.adult_preventive?.[0]).toMatchObject({ hepatitisBScreened: true, hepatitisCScreened: false });
    expect(own.adult_preventive?.[0]?.measurements).toEqual({
      height: { value: 160, unit: 'cm' },
      weight: { value: 55, unit: 'kg' },
      bmi: { value: 21.5, unit: 'kg/m2' },
    });
    expect(readMhbHeader(JSON.parse(read('own-download.mhb.json')))).toEqual({
      subject: 'A123456789',
      dataDate: '2024-02-29',
      declaration: ['【民眾下載健康存摺資料之聲明書】本人下載之健康存摺資料，僅供本人健康管理參考。'],
    });
  });
});

describe('mhb over the synthetic population', () => {
  it('writes only appendix A’s fields, reads back everything they hold, and is idempotent: toMhb(fromMhb(toMhb(x))) = toMhb(x)', () => {
    const seen = Object.fromEntries(CATEGORY_IDS.map((id) => [id, 0])) as Record<CategoryId, number>;
    let citizens = 0;
    for (const { citizen, records } of generatePopulation({ citizens: 200, asOf: AS_OF })) {
      citizens++;
      const input = byCategory(records);
      const subject = { kind: 'masked-national-id', value: citizen.nationalId } as const;
      const file = toMhb({ subject, records: input, generatedAt: GENERATED_AT });
      const who = citizen.persona ?? citizen.name;
      expect(appendixAProblems(viaJson(file)), who).toEqual([]);
      const back = fromMhb(viaJson(file));
      expect(serialize(toMhb({ subject, records: back, generatedAt: GENERATED_AT })), who).toBe(serialize(file));
      for (const id of CATEGORY_IDS) {
        seen[id] += input[id]?.length ?? 0;
        const uncarried = [...MHB_UNCARRIED_FIELDS.everyRecord, ...MHB_UNCARRIED_FIELDS.byCategory[id]];
        const readOnly = [...MHB_UNCARRIED_FIELDS.everyRecord, ...MHB_READING_ONLY_FIELDS];
        expect(sorted((back[id] ?? []).map((r) => without(r, readOnly))), `${who} ${id}`).toEqual(
          sorted((input[id] ?? []).map((r) => without(r, uncarried))),
        );
      }
    }
    expect(citizens).toBe(262); // 200 ordinary citizens and the 62 personas, as in the issue
    for (const id of CATEGORY_IDS) expect(seen[id], id).toBeGreaterThan(10);
  });

  it('takes the platform’s records as they are: every record is a reading of itself', () => {
    expectTypeOf<RecordsByCategory>().toExtend<MhbRecordsByCategory>();
  });

  it('derives stable ids: the same file read twice gives the same ids, identical rows get distinct ones', () => {
    const { records } = goldenInput();
    const lab = records.lab ?? [];
    const twins = { lab: [...lab, ...lab.map((r) => ({ ...r, id: `${r.id}-copy` }))] };
    const file = viaJson(
      toMhb({ subject: { kind: 'pairwise', value: 's' }, records: twins, generatedAt: GENERATED_AT }),
    );
    const a = fromMhb(file).lab?.map((r) => r.id) ?? [];
    expect(fromMhb(file).lab?.map((r) => r.id)).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
    expect(a[0]).toMatch(/^mhb-[0-9a-f-]{36}$/);
  });
});

describe('mhb layout', () => {
  const { citizen, records } = goldenInput();
  const file = toMhb({
    subject: { kind: 'masked-national-id', value: citizen.nationalId },
    records,
    generatedAt: '2025-06-30T20:30:00Z',
  });
  const bdata = file.myhealthbank.bdata;

  it('writes the header, then the sections in section order, every value a string', () => {
    expect(Object.keys(bdata)).toEqual([
      'b1.1',
      'b1.2',
      'r0',
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
      'r6',
      'r7',
      'r8',
      'r9',
      'r10',
      'r11',
    ]);
    expect(bdata['b1.2']).toBe('20250701'); // 20:30 UTC is the next morning in Taiwan
    expect(bdata.r0).toEqual([{ r0: DEFAULT_DECLARATION }]);
    const leaves = (v: unknown): unknown[] =>
      Array.isArray(v) ? v.flatMap(leaves) : v && typeof v === 'object' ? Object.values(v).flatMap(leaves) : [v];
    for (const leaf of leaves(bdata)) expect(typeof leaf).toBe('string');
  });

  it('masks b1.1 as NHI does: the first six characters kept', () => {
    expect(bdata['b1.1']).toBe(`${citizen.nationalId.slice(0, 6)}****`);
    expect(maskNationalIdAsNhi('A123456789')).toBe('A12345****');
    expect(maskNationalIdAsNhi('A12345****')).toBe('A12345****');
    expect(maskNationalIdAsNhi('AB12345678')).toBe('AB1234****'); // a resident certificate number
    expect(maskNationalIdAsNhi('oops')).toBe('**********');
  });

  it('writes r0 as a list of {"r0": …} rows, one per paragraph', () => {
    const two = toMhb({
      subject: { kind: 'pairwise', value: 's' },
      records: {},
      declaration: ['第一段', '第二段'],
      generatedAt: GENERATED_AT,
    });
    expect(two.myhealthbank.bdata.r0).toEqual([{ r0: '第一段' }, { r0: '第二段' }]);
    const one = toMhb({
      subject: { kind: 'pairwise', value: 's' },
      records: {},
      declaration: '聲明',
      generatedAt: GENERATED_AT,
    });
    expect(one.myhealthbank.bdata.r0).toEqual([{ r0: '聲明' }]);
  });

  it('nests each visit’s orders in its own row (r1_1 inside r1), numbered as in appendix A', () => {
    const visit = records.outpatient?.find((r) => r.orders.length > 0);
    const row = section(file, 'r1').find((r) => r['r1.5'] === visit?.date.replaceAll('-', '')) as MhbRow;
    expect(row['r1.1']).toMatch(/^(門診|急診)$/);
    expect(row['r1.2']).toMatch(/業務組$/);
    expect(row['r1.3']).toBe(visit?.institution.code);
    expect(row).not.toHaveProperty('r1.6');
    expect(row['r1.8']).toBe(visit?.diagnoses[0]?.code);
    expect(row['r1.9']).toBe(visit?.diagnoses[0]?.display);
    // Five secondary diagnosis pairs and two secondary procedure pairs, empty when unused.
    for (let n = 14; n <= 27; n++) expect(row).toHaveProperty(`r1.${n}`);
    const orders = row.r1_1 as MhbRow[];
    expect(orders).toHaveLength(visit?.orders.length ?? -1);
    expect(orders[0]).toEqual({
      'r1_1.1': visit?.orders[0]?.code,
      'r1_1.2': visit?.orders[0]?.name,
      'r1_1.3': String(visit?.orders[0]?.quantity),
      'r1_1.4': visit?.orders[0]?.days === undefined ? '' : String(visit?.orders[0]?.days),
    });
  });

  it('writes no institution code where appendix A has none (r2, r3, r6, r8, r9, r10, r11)', () => {
    const stay = section(file, 'r2')[0] as MhbRow;
    expect(Object.keys(stay).slice(0, 5)).toEqual(['r2.2', 'r2.4', 'r2.5', 'r2.6', 'r2.9']);
    expect(Object.keys((stay.r2_1 as MhbRow[])[0] as MhbRow)).toEqual([
      'r2_1.2',
      'r2_1.3',
      'r2_1.4',
      'r2_1.5',
      'r2_1.6',
    ]);
    const dental = section(file, 'r3')[0] as MhbRow;
    expect(Object.keys(dental).slice(0, 3)).toEqual(['r3.2', 'r3.4', 'r3.5']);
    expect(Object.keys((dental.r3_1 as MhbRow[])[0] as MhbRow)).toEqual(['r3_1.1', 'r3_1.2', 'r3_1.3', 'r3_1.6']);
    expect(Object.keys(section(file, 'r6')[0] as MhbRow)).toEqual(['r6.1', 'r6.3', 'r6.5']);
    expect(Object.keys(section(file, 'r8')[0] as MhbRow)[0]).toBe('r8.4');
    expect(Object.keys(section(file, 'r10')[0] as MhbRow).slice(0, 3)).toEqual(['r10.2', 'r10.4', 'r10.5']);
    expect(Object.keys(((section(file, 'r11')[0] as MhbRow).r11_1 as MhbRow[])[0] as MhbRow)).toEqual([
      'r11_1.1',
      'r11_1.2',
      'r11_1.3',
      'r11_1.4',
    ]);
    expect(Object.keys(section(file, 'r5')[0] as MhbRow)).toEqual(['r5.1', 'r5.2', 'r5.3']);
    expect(Object.keys(section(file, 'r4')[0] as MhbRow)).toEqual(['r4.1', 'r4.2', 'r4.9', 'r4.10', 'r4.11', 'r4.12']);
    expect(Object.keys(section(file, 'r7')[0] as MhbRow)[0]).toBe('r7.3');
  });

  it('appends the lot to the vaccine name, writes reference ranges and upload times as NHI does', () => {
    const vaccinated = records.immunization?.find((r) => r.lot);
    const r6 = section(file, 'r6').find((r) => r['r6.1'] === vaccinated?.date.replaceAll('-', ''));
    expect(r6?.['r6.3']).toBe(`${vaccinated?.vaccine.display}(批號:${vaccinated?.lot})`);
    const r7 = section(file, 'r7')[0] as MhbRow;
    expect(r7['r7.12']).toMatch(/^(\[[\d.]+\]\[[\d.]+\]|<[\d.]+|>=[\d.]+|)$/);
    expect(r7['r7.7']).toMatch(/^\d{12}$/);
    expect(records.lab?.[0]?.reportedAt.replace(/\D/g, '').slice(0, 12)).toBe(r7['r7.7']);
  });

  it('says a withdrawn care wish is withdrawn in r5.3, the only place r5 has for it', () => {
    const wish: CareWishesRecord = {
      id: 'w',
      date: '2024-05-01',
      category: 'care_wishes',
      wish: 'organ_donation',
      status: 'withdrawn',
    };
    const notes = (list: CareWishesRecord[]) =>
      section(
        toMhb({ subject: { kind: 'pairwise', value: 's' }, records: { care_wishes: list }, generatedAt: GENERATED_AT }),
        'r5',
      ).map((r) => r['r5.3']);
    expect(
      notes([
        wish,
        { ...wish, note: '器官捐贈同意書' },
        { ...wish, note: '撤回器官捐贈同意書' },
        { ...wish, status: 'registered', note: '器官捐贈同意書' },
      ]),
    ).toEqual(['已撤回', '已撤回：器官捐贈同意書', '撤回器官捐贈同意書', '器官捐贈同意書']);
  });

  it('groups r11 by screening kind and item, the screenings nested in r11_1', () => {
    const rows = section(file, 'r11');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ 'r11.1': '子宮頸癌', 'r11.2': '子宮頸抹片檢查' });
    expect(rows[0]?.r11_1).toHaveLength(records.cancer_screening?.length ?? -1);
  });

  it('marks a covered category without records 無資料 and leaves uncovered ones out', () => {
    const small = toMhb({
      subject: { kind: 'pairwise', value: 'sub-1' },
      records: { lab: records.lab },
      categories: ['lab', 'allergy'],
      generatedAt: GENERATED_AT,
    });
    expect(Object.keys(small.myhealthbank.bdata)).toEqual(['b1.1', 'b1.2', 'r0', 'r4', 'r7']);
    expect(small.myhealthbank.bdata.r4).toEqual([{ r4: '無資料' }]);
    expect(small.myhealthbank.bdata['b1.1']).toBe('sub-1');
    expect(fromMhb(viaJson(small))).toEqual({ allergy: [], lab: expect.any(Array) });
  });

  it('refuses records outside the covered categories or in the wrong list', () => {
    const lab = records.lab ?? [];
    expect(() =>
      toMhb({
        subject: { kind: 'pairwise', value: 's' },
        records: { lab },
        categories: ['allergy'],
        generatedAt: GENERATED_AT,
      }),
    ).toThrow(RangeError);
    const misplaced = { allergy: lab } as unknown as MhbRecordsByCategory;
    expect(() =>
      toMhb({ subject: { kind: 'pairwise', value: 's' }, records: misplaced, generatedAt: GENERATED_AT }),
    ).toThrow(/a record of category "lab" is in the allergy list/);
  });

  it('reads the header', () => {
    expect(readMhbHeader(viaJson(file))).toEqual({
      subject: `${citizen.nationalId.slice(0, 6)}****`,
      dataDate: '2025-07-01',
      declaration: [DEFAULT_DECLARATION],
    });
  });
});

describe('fromMhb on files it did not write', () => {
  const nhiStyle = {
    myhealthbank: {
      bdata: {
        'b1.1': 'A12345****',
        'b1.2': '20240501',
        r0: '聲明',
        r1: [
          {
            'r1.1': '門診',
            'r1.2': '臺北業務組',
            'r1.3': '0101090517',
            'r1.4': '臺大醫院',
            'r1.5': '20240315',
            'r1.6': '',
            'r1.7': 'IC07',
            'r1.8': 'E11.9',
            'r1.9': '第二型糖尿病，未伴有併發症',
            'r1.12': '420',
            'r1.13': '1234',
            r1_1: [
              { 'r1_1.1': 'AC38550100', 'r1_1.2': 'Acetaminophen 500毫克錠', 'r1_1.3': '12', 'r1_1.4': '3' },
              { 'r1_1.1': '09005C', 'r1_1.2': '血液及體液葡萄糖-空腹', 'r1_1.3': '1' },
            ],
          },
        ],
        R7: [
          {
            'r7.3': '0101090517',
            'r7.4': '臺大醫院',
            'r7.5': '20240315',
            'r7.6': '20240316',
            'r7.7': '202403161030',
            'r7.8': '09015C',
            'r7.9': '肌酸酐、血',
            'r7.10': 'Creatinine',
            'r7.11': '0.9',
            'r7.12': '[0.7][1.3]',
          },
        ],
        r6: [
          // r6.2 and r6.4 are not NHI's: an earlier version of this platform wrote them.
          {
            'r6.1': '20231020',
            'r6.2': '141',
            'r6.3': '流感疫苗（批號：AB1234）',
            'r6.4': '0101090517',
            'r6.5': '臺大醫院',
          },
        ],
        R12: [{ r12: '無資料' }],
      },
    },
  };

  it('reads missing fields as absent, upper-case sections and full-width lot brackets, ignoring unknown keys and r12', () => {
    const records = fromMhb(nhiStyle);
    expect(Object.keys(records).sort()).toEqual(['immunization', 'lab', 'outpatient']);
    expect(records.outpatient?.[0]).toMatchObject({
      visitType: 'outpatient',
      serial: 'IC07',
      diagnoses: [{ code: 'E11.9', display: '第二型糖尿病，未伴有併發症' }],
      procedures: [],
      orders: [
        { code: 'AC38550100', kind: 'drug', quantity: 12, days: 3, atc: 'N02BE01' },
        { code: '09005C', kind: 'lab', quantity: 1 },
      ],
    });
    expect(records.lab?.[0]).toMatchObject({
      loinc: '2160-0',
      quantity: { value: 0.9, unit: 'mg/dL' },
      referenceRange: { low: 0.7, high: 1.3, text: '[0.7][1.3]' },
      reportedAt: '2024-03-16T10:30:00+08:00',
    });
    expect(records.immunization?.[0]).toEqual({
      id: expect.any(String),
      date: '2023-10-20',
      category: 'immunization',
      vaccine: { display: '流感疫苗' },
      lot: 'AB1234',
      institution: { name: '臺大醫院' },
    });
    expect(readMhbHeader(nhiStyle).declaration).toEqual(['聲明']);
  });

  it('writes such a file back with the same content in toMhb’s form (docs/formats-mhb.md, "Round trips")', () => {
    const odd = structuredClone(nhiStyle) as typeof nhiStyle;
    (odd.myhealthbank.bdata.r1[0]?.r1_1[0] as Record<string, string>)['r1_1.3'] = '12.00';
    const again = rewrite(odd).myhealthbank.bdata;
    expect(Object.keys(again)).toEqual(['b1.1', 'b1.2', 'r0', 'r1', 'r6', 'r7']);
    expect(again.r0).toEqual([{ r0: '聲明' }]);
    const visit = (again.r1 as MhbRow[])[0] as MhbRow;
    expect(visit).not.toHaveProperty('r1.6');
    expect([visit['r1.14'], visit['r1.27']]).toEqual(['', '']);
    expect((visit.r1_1 as MhbRow[]).map((o) => [o['r1_1.3'], o['r1_1.4']])).toEqual([
      ['12', '3'],
      ['1', ''],
    ]);
    expect(again.r6).toEqual([{ 'r6.1': '20231020', 'r6.3': '流感疫苗(批號:AB1234)', 'r6.5': '臺大醫院' }]);
    expect(appendixAProblems(JSON.parse(JSON.stringify({ myhealthbank: { bdata: again } })))).toEqual([]);
  });

  it('lists every value that is there but unreadable, with its place, instead of guessing', () => {
    const broken = structuredClone(nhiStyle) as typeof nhiStyle;
    const visit = broken.myhealthbank.bdata.r1[0] as Record<string, unknown>;
    visit['r1.1'] = '住院';
    visit['r1.5'] = '2024-03-15';
    visit['r1.12'] = 420;
    (broken.myhealthbank.bdata.R7[0] as Record<string, unknown>)['r7.7'] = '2024-03-16 10:30';
    let error: ContentFormatError | undefined;
    try {
      fromMhb(broken);
    } catch (e) {
      error = e as ContentFormatError;
    }
    expect(error).toBeInstanceOf(ContentFormatError);
    expect(error?.issues).toEqual([
      'r1[0]["r1.5"]: not a date YYYYMMDD: "2024-03-15"',
      'r1[0]["r1.1"]: unknown visit type "住院"',
      'r1[0]["r1.12"]: not a string',
      'R7[0]["r7.7"]: not a time YYYYMMDDHHmm: "2024-03-16 10:30"',
    ]);
  });

  it('rejects a file that is not myhealthbank JSON', () => {
    expect(() => fromMhb({ bdata: {} })).toThrow(ContentFormatError);
    expect(() => fromMhb({ myhealthbank: { bdata: { r1: {} } } })).toThrow(/r1: not an array/);
    expect(() => fromMhb({ myhealthbank: { bdata: { r1: ['x'] } } })).toThrow(/r1\[0\]: not an object/);
  });

  it('finds an extra key with the appendix A schema', () => {
    const extra = structuredClone(JSON.parse(readFileSync(path.join(fixturesDir, 'golden.mhb.json'), 'utf8')));
    expect(appendixAProblems(extra)).toEqual([]);
    extra.myhealthbank.bdata.r6[0]['r6.2'] = '141';
    extra.myhealthbank.bdata.r0 = 'bare';
    expect(appendixAProblems(extra)).toEqual([
      expect.stringMatching(/^r0: /),
      expect.stringMatching(/^r6\.0: Unrecognized key: "r6\.2"/),
    ]);
  });
});
