import { generatePopulation } from '@healthbank/synth';
import { describe, expect, it } from 'vitest';
import { AS_OF, byCategory, GENERATED_AT, goldenInput } from '../../../test-fixtures/fixtures.js';
import { CATEGORY_IDS, type CategoryId } from '../../categories.js';
import { maskNationalId } from '../../identifiers/national-id.js';
import type { HealthRecord, RecordsByCategory } from '../../record.js';
import { ContentFormatError } from '../errors.js';
import { fromMhb, MHB_UNCARRIED_FIELDS, readMhbHeader } from './read.js';
import { type MhbFile, type MhbRow, toMhb } from './write.js';

/** A record without the fields MHB cannot carry. */
function carried(record: HealthRecord): unknown {
  const drop = new Set<string>(MHB_UNCARRIED_FIELDS.everyCoding);
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !drop.has(k))
        .map(([k, x]) => [k, strip(x)]),
    );
  };
  const top = strip(record) as Record<string, unknown>;
  for (const k of MHB_UNCARRIED_FIELDS.everyRecord) delete top[k];
  if (record.category === 'lab') for (const k of MHB_UNCARRIED_FIELDS.lab) delete top[k];
  return top;
}

/** Key-sorted JSON, to put records in a canonical order (MHB regroups r11 by screening kind). */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );

const sortedCarried = (list: readonly HealthRecord[] = []) =>
  list.map(carried).sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1));

const viaJson = (file: MhbFile): unknown => JSON.parse(JSON.stringify(file));

const section = (file: MhbFile, key: string) => file.myhealthbank.bdata[key] as MhbRow[];

describe('mhb round trip', () => {
  it('fromMhb(toMhb(x)) equals x field by field in every category, over ordinary citizens and the personas', () => {
    const seen = Object.fromEntries(CATEGORY_IDS.map((id) => [id, 0])) as Record<CategoryId, number>;
    let citizens = 0;
    for (const { citizen, records } of generatePopulation({ citizens: 120, asOf: AS_OF })) {
      citizens++;
      const input = byCategory(records);
      const file = toMhb({
        subject: { kind: 'masked-national-id', value: citizen.nationalId },
        records: input,
        generatedAt: GENERATED_AT,
      });
      const back = fromMhb(viaJson(file));
      expect(Object.keys(back).sort(), citizen.name).toEqual([...CATEGORY_IDS].sort());
      for (const id of CATEGORY_IDS) {
        seen[id] += input[id]?.length ?? 0;
        expect(sortedCarried(back[id]), `${citizen.persona ?? citizen.name} ${id}`).toEqual(sortedCarried(input[id]));
      }
    }
    expect(citizens).toBe(182); // 120 ordinary citizens and the 62 personas
    for (const id of CATEGORY_IDS) expect(seen[id], id).toBeGreaterThan(10);
  });

  it('drops exactly the uncarried fields and nothing else', () => {
    const { records } = goldenInput();
    const back = fromMhb(
      viaJson(toMhb({ subject: { kind: 'pairwise', value: 's' }, records, generatedAt: GENERATED_AT })),
    );
    const lab = records.lab?.find((r) => r.interpretation) as HealthRecord;
    const labBack = back.lab?.find((r) => r.item === (lab as { item: string }).item && r.date === lab.date);
    expect(labBack).toBeDefined();
    expect(labBack).not.toHaveProperty('interpretation');
    expect(labBack?.id).toMatch(/^mhb-[0-9a-f-]{36}$/);
    expect(labBack?.order).toEqual({
      code: (lab as { order: { code: string } }).order.code,
      display: (lab as { order: { display: string } }).order.display,
    });
    expect(labBack).toMatchObject({
      loinc: (lab as { loinc: string }).loinc,
      quantity: (lab as { quantity: unknown }).quantity,
    });
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
    expect(bdata['b1.1']).toBe(maskNationalId(citizen.nationalId));
    expect(bdata['b1.1']).toMatch(/^[A-Z]\d{2}\*{4}\d{3}$/);
    expect(bdata['b1.2']).toBe('20250701'); // 20:30 UTC is the next morning in Taiwan
    expect(String(bdata.r0)).toContain('全民健康保險');
    const leaves = (v: unknown): unknown[] =>
      Array.isArray(v) ? v.flatMap(leaves) : v && typeof v === 'object' ? Object.values(v).flatMap(leaves) : [v];
    for (const leaf of leaves(bdata)) expect(typeof leaf).toBe('string');
  });

  it('nests each visit’s orders in its own row (r1_1 inside r1), numbered as in appendix A', () => {
    const visit = records.outpatient?.find((r) => r.orders.length > 0);
    const row = section(file, 'r1').find((r) => r['r1.5'] === visit?.date.replaceAll('-', '')) as MhbRow;
    expect(row['r1.1']).toMatch(/^(門診|急診)$/);
    expect(row['r1.2']).toMatch(/業務組$/);
    expect(row['r1.3']).toBe(visit?.institution.code);
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

  it('writes inpatient orders with start and end, dental days in r3_1.6', () => {
    const stay = section(file, 'r2')[0] as MhbRow;
    expect(stay['r2.5']).toMatch(/^\d{8}$/);
    for (let n = 16; n <= 91; n++) expect(stay).toHaveProperty(`r2.${n}`);
    expect(stay).not.toHaveProperty('r2.92');
    const order = (stay.r2_1 as MhbRow[])[0] as MhbRow;
    expect(Object.keys(order)).toEqual(['r2_1.1', 'r2_1.2', 'r2_1.3', 'r2_1.4', 'r2_1.5', 'r2_1.6']);
    const dental = section(file, 'r3')[0] as MhbRow;
    expect(Object.keys((dental.r3_1 as MhbRow[])[0] as MhbRow)).toEqual(['r3_1.1', 'r3_1.2', 'r3_1.3', 'r3_1.6']);
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

  it('reads the header', () => {
    expect(readMhbHeader(viaJson(file))).toEqual({
      subject: maskNationalId(citizen.nationalId),
      dataDate: '2025-07-01',
      declaration: bdata.r0,
    });
  });
});

describe('fromMhb on files it did not write', () => {
  const nhiStyle = {
    myhealthbank: {
      bdata: {
        'b1.1': 'A12****789',
        'b1.2': '20240501',
        r0: '聲明',
        r1: [
          {
            'r1.1': '門診',
            'r1.2': '臺北業務組',
            'r1.3': '0101090517',
            'r1.4': '臺大醫院',
            'r1.5': '20240315',
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
          {
            'r6.1': '20231020',
            'r6.2': '141',
            'r6.3': '流感疫苗（批號：AB1234）',
            'r6.5': '臺大醫院',
            'r6.4': '0101090517',
          },
        ],
        r12: [{ r12: '無資料' }],
      },
    },
  };

  it('reads missing optional fields, upper-case sections and full-width lot brackets, ignoring r12', () => {
    const records: RecordsByCategory = fromMhb(nhiStyle);
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
    expect(records.immunization?.[0]).toMatchObject({ vaccine: { code: '141', display: '流感疫苗' }, lot: 'AB1234' });
  });

  it('lists every unreadable field with its place instead of guessing', () => {
    const broken = structuredClone(nhiStyle) as typeof nhiStyle;
    const visit = broken.myhealthbank.bdata.r1[0] as Record<string, unknown>;
    visit['r1.1'] = '住院';
    visit['r1.5'] = '2024-03-15';
    (broken.myhealthbank.bdata.R7[0] as Record<string, unknown>)['r7.10'] = 'Unobtainium';
    let error: ContentFormatError | undefined;
    try {
      fromMhb(broken);
    } catch (e) {
      error = e as ContentFormatError;
    }
    expect(error).toBeInstanceOf(ContentFormatError);
    const issues = error?.issues.join('\n') ?? '';
    expect(issues).toContain('r1[0]["r1.1"]: unknown visit type "住院"');
    expect(issues).toContain('r1[0]["r1.5"]: not a date YYYYMMDD');
    expect(issues).toContain('R7[0]: no LOINC code known for order 09015C item "Unobtainium"');
  });

  it('rejects a file that is not myhealthbank JSON', () => {
    expect(() => fromMhb({ bdata: {} })).toThrow(ContentFormatError);
    expect(() => fromMhb({ myhealthbank: { bdata: { r1: {} } } })).toThrow(/r1: not an array/);
  });
});
