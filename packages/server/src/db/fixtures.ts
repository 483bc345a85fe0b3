/**
 * A small, deterministic population of valid records in every category, for the storage tests.
 * Deliberately simple (the realistic population comes from `@healthbank/synth`); what matters
 * here is coverage of the query's edge cases: several records on the same date, records without
 * an institution, a shared pool of institutions to exclude, dates spread over many years.
 */
import {
  CATEGORY_IDS,
  type CategoryId,
  type Citizen,
  type CitizenRecords,
  type HealthRecord,
  type Institution,
  makeNationalId,
  makeUbn,
  PERSONA_NAMES,
} from '@healthbank/records';

export const FIXTURE_INSTITUTIONS: readonly Institution[] = [
  { code: '0101090517', name: '臺北測試醫院' },
  { code: '1131050515', name: '新北測試診所' },
  { code: '3517010014', name: '臺中測試醫院' },
  { code: '3502080019', name: '高雄測試診所' },
  { code: '3545010013', name: '花蓮測試衛生所' },
];

/** mulberry32: a tiny seeded PRNG, so fixtures are identical on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FixtureOptions {
  citizens: number;
  seed?: number;
  /** Records per citizen (default 30). */
  recordsPerCitizen?: number;
  /** Serial of the first citizen's national ID, so populations can be added without collisions. */
  firstSerial?: number;
}

/**
 * `citizens` citizens with `recordsPerCitizen` records each, cycling through all categories. The
 * first two citizens are A小姐 and B爺爺 and the next three work for C職場.
 */
export function* fixturePopulation(opts: FixtureOptions): Generator<CitizenRecords> {
  const random = prng(opts.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const perCitizen = opts.recordsPerCitizen ?? 30;
  const first = opts.firstSerial ?? 0;
  const employer = makeUbn('1234567');
  for (let i = 0; i < opts.citizens; i++) {
    const serial = first + i;
    const sex = i % 2 === 0 ? 'female' : 'male';
    const citizen: Citizen = {
      nationalId: makeNationalId('A', sex, serial),
      nhiCardNumber: String(100_000_000_000 + serial),
      name: `測試${serial}`,
      sex,
      birthDate: `${1940 + (serial % 60)}-0${1 + (serial % 9)}-1${serial % 10}`,
      county: '臺北市',
      township: '大安區',
    };
    if (first === 0 && i < 5) citizen.persona = PERSONA_NAMES[Math.min(i, 2)];
    if (citizen.persona === 'C職場') citizen.employerUbn = employer;
    const records: HealthRecord[] = [];
    let date = '';
    for (let n = 0; n < perCitizen; n++) {
      // One record in four shares the previous record's date, so ordering ties on id are exercised.
      if (date === '' || random() >= 0.25) {
        const day = Math.floor(random() * 14 * 365);
        date = new Date(Date.UTC(2012, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
      }
      const category = CATEGORY_IDS[(n + i) % CATEGORY_IDS.length] as CategoryId;
      records.push(
        fixtureRecord(category, `fx${serial}-${String(n).padStart(3, '0')}`, date, pick(FIXTURE_INSTITUTIONS), random),
      );
    }
    yield { citizen, records };
  }
}

const order = { code: 'A046386100', name: 'Metformin 500mg', kind: 'drug', quantity: 56, days: 28 } as const;
const diagnosis = { code: 'E11.9', display: '第二型糖尿病，未伴有併發症', displayEn: 'Type 2 diabetes mellitus' };
const q = (value: number, unit: string) => ({ value, unit });
const ok = { status: 'normal', text: '正常' } as const;

/** One valid record of the category (checked by `validateRecord` in the tests). */
export function fixtureRecord(
  category: CategoryId,
  id: string,
  date: string,
  institution: Institution,
  random: () => number = Math.random,
): HealthRecord {
  // Keys in the record schema's order, id, date and category first, as the generator writes them
  // (storage keeps that order byte for byte; db/record-json.ts).
  const { id: _, date: __, category: ___, ...rest } = anyOrderRecord(category, id, date, institution, random);
  return { id, date, category, ...rest } as HealthRecord;
}

function anyOrderRecord(
  category: CategoryId,
  id: string,
  date: string,
  institution: Institution,
  random: () => number,
): HealthRecord {
  const visit = {
    id,
    date,
    institution,
    serial: '0001',
    diagnoses: [diagnosis],
    procedures: [],
    copay: 50,
    points: Math.floor(random() * 1000),
    orders: [order],
  };
  switch (category) {
    case 'outpatient':
      return { ...visit, category, visitType: random() < 0.1 ? 'emergency' : 'outpatient' };
    case 'tcm':
    case 'dental':
      return { ...visit, category };
    case 'inpatient':
      return {
        ...visit,
        category,
        admissionDate: date,
        dischargeDate: date,
        orders: [{ ...order, start: date, end: date }],
      };
    case 'allergy':
      // Half are self-reported without an institution: exclusions must never drop those.
      return random() < 0.5
        ? {
            id,
            date,
            category,
            allergenKind: 'drug',
            allergen: { code: 'J01CA04', display: '安莫西林' },
            severity: 'moderate',
            symptoms: ['皮疹'],
            source: 'self_reported',
          }
        : {
            id,
            date,
            category,
            allergenKind: 'food',
            allergen: { code: 'F-PEANUT', display: '花生' },
            severity: 'severe',
            symptoms: ['呼吸困難'],
            source: 'institution',
            institution,
          };
    case 'imaging_pathology':
      return {
        id,
        date,
        category,
        kind: 'imaging',
        institution,
        reportDate: date,
        reportedAt: `${date}T10:00:00+08:00`,
        order: { code: '32001C', display: '胸腔檢查' },
        reportText: '心肺無明顯異常。',
      };
    case 'adult_preventive':
      return {
        id,
        date,
        category,
        institution,
        phone: '02-23123456',
        measurements: {
          height: q(160, 'cm'),
          weight: q(58, 'kg'),
          bmi: q(22.7, 'kg/m2'),
          waist: q(76, 'cm'),
          systolic: q(118, 'mm[Hg]'),
          diastolic: q(76, 'mm[Hg]'),
          totalCholesterol: q(180, 'mg/dL'),
          triglycerides: q(110, 'mg/dL'),
          hdl: q(55, 'mg/dL'),
          ldl: q(105, 'mg/dL'),
          fastingGlucose: q(92, 'mg/dL'),
          bun: q(14, 'mg/dL'),
          creatinine: q(0.8, 'mg/dL'),
          egfr: q(95, 'mL/min/{1.73_m2}'),
          ast: q(22, 'U/L'),
          alt: q(20, 'U/L'),
        },
        urineProtein: 'negative',
        metabolicSyndrome: false,
        assessments: { bloodPressure: ok, lipids: ok, glucose: ok, kidney: ok, liver: ok },
      };
    case 'cancer_screening':
      return {
        id,
        date,
        category,
        kind: 'colorectal',
        institution,
        item: '糞便潛血檢查',
        result: 'negative',
        resultText: '陰性',
      };
    case 'care_wishes':
      return { id, date, category, wish: 'organ_donation', status: 'registered' };
    case 'immunization':
      return { id, date, category, vaccine: { code: '141', display: '流感疫苗' }, institution };
    case 'lab': {
      const value = Math.round(80 + random() * 60);
      return {
        id,
        date,
        category,
        institution,
        reportDate: date,
        reportedAt: `${date}T09:30:00+08:00`,
        order: { code: '09005C', display: '血液及體液葡萄糖' },
        item: '空腹血糖',
        loinc: '1558-6',
        value: String(value),
        quantity: q(value, 'mg/dL'),
        referenceRange: { low: 70, high: 100, text: '[70][100]' },
        interpretation: value > 100 ? 'high' : 'normal',
      };
    }
  }
}
