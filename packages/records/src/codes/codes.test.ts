import { describe, expect, it } from 'vitest';
import { PREVENTIVE_MEASUREMENTS } from '../record.js';
import { ATC_PATTERN, DRUGS, drug, NHI_DRUG_CODE_PATTERN, VERIFIED_DRUGS } from './drugs.js';
import { HERBS, herb } from './herbs.js';
import { ICD10CM, ICD10CM_PATTERN, icd10cm } from './icd10cm.js';
import { ICD10PCS, ICD10PCS_PATTERN, icd10pcs } from './icd10pcs.js';
import {
  interpretValue,
  LAB_PANELS,
  labPanel,
  PREVENTIVE_MEASUREMENT_CODES,
  PREVENTIVE_QUALITATIVE_CODES,
  referenceRangeFor,
  VITAL_SIGN_CODES,
} from './lab-items.js';
import { isValidLoinc, loincCheckDigit } from './loinc.js';
import { NHI_ORDERS, nhiOrder, nhiOrdersOf } from './nhi-orders.js';
import { CVX_PATTERN, VACCINES, vaccine } from './vaccines.js';

const lists = {
  'ICD-10-CM': ICD10CM,
  'ICD-10-PCS': ICD10PCS,
  drugs: DRUGS,
  herbs: HERBS,
  'NHI orders': NHI_ORDERS,
  vaccines: VACCINES,
} as const;

describe('every code list', () => {
  for (const [name, list] of Object.entries(lists)) {
    it(`${name}: no duplicate codes, non-empty zh and en names`, () => {
      expect(list.length).toBeGreaterThan(0);
      expect(new Set(list.map((e) => e.code)).size).toBe(list.length);
      for (const e of list) {
        expect(e.zh.trim(), e.code).not.toBe('');
        expect(e.en.trim(), e.code).not.toBe('');
      }
    });
  }
});

describe('code formats', () => {
  it('ICD-10-CM codes have the ICD-10-CM shape and the curated list is large enough', () => {
    expect(ICD10CM.length).toBeGreaterThanOrEqual(120);
    for (const e of ICD10CM) expect(e.code, e.code).toMatch(ICD10CM_PATTERN);
    // Category codes that were split into billable children must not be used as such.
    for (const parent of ['N18.3', 'M54.5', 'K21.0', 'E11', 'I50', 'J45']) {
      expect(ICD10CM.some((e) => e.code === parent)).toBe(false);
    }
  });

  it('ICD-10-PCS codes are seven characters without I or O', () => {
    expect(ICD10PCS.length).toBeGreaterThanOrEqual(40);
    for (const e of ICD10PCS) expect(e.code, e.code).toMatch(ICD10PCS_PATTERN);
    expect(ICD10PCS_PATTERN.test('0SRC0I9')).toBe(false);
    expect(ICD10PCS_PATTERN.test('0SRC0J')).toBe(false);
  });

  it('NHI drug codes are ten characters and ATC codes have the level-5 shape', () => {
    for (const d of DRUGS) {
      expect(d.code, d.code).toMatch(NHI_DRUG_CODE_PATTERN);
      expect(d.code).toHaveLength(10);
      expect(d.atc, d.code).toMatch(ATC_PATTERN);
      expect(d.unitsPerDay).toBeGreaterThan(0);
    }
    expect(DRUGS.filter((d) => d.verification === 'public-document').every((d) => d.source)).toBe(true);
  });

  it('has the chronic and acute drugs the generator needs, all verified', () => {
    const ingredients = new Set(VERIFIED_DRUGS.map((d) => d.ingredient));
    for (const i of [
      'metformin',
      'linagliptin',
      'amlodipine',
      'olmesartan medoxomil',
      'atorvastatin',
      'allopurinol',
      'paracetamol',
      'amoxicillin',
    ]) {
      expect(ingredients.has(i), i).toBe(true);
    }
    expect(VERIFIED_DRUGS.filter((d) => d.use === 'chronic').length).toBeGreaterThanOrEqual(20);
    expect(VERIFIED_DRUGS.filter((d) => d.use === 'acute').length).toBeGreaterThanOrEqual(5);
    for (const d of VERIFIED_DRUGS) expect(d.source, d.code).toBeTruthy();
  });

  it('keeps unverified codes only where test fixtures of the content formats still name them', () => {
    const unverified = DRUGS.filter((d) => d.verification === 'unverified').map((d) => d.code);
    expect(unverified.sort()).toEqual([
      'AC33480100',
      'AC36120100',
      'AC37890100',
      'AC38550100',
      'AC39910100',
      'AC46185100',
    ]);
  });

  it('CVX codes are one to three digits', () => {
    for (const v of VACCINES) expect(v.code, v.code).toMatch(CVX_PATTERN);
  });
});

describe('LOINC check digit', () => {
  it('accepts known codes and rejects a wrong check digit', () => {
    expect(loincCheckDigit('2345')).toBe(7);
    expect(isValidLoinc('2345-7')).toBe(true);
    expect(isValidLoinc('4548-4')).toBe(true);
    expect(isValidLoinc('4548-5')).toBe(false);
    expect(isValidLoinc('33914-3')).toBe(true);
    expect(isValidLoinc('4548')).toBe(false);
  });

  it('every LOINC code in the lab panels, preventive measurements and vital signs passes', () => {
    const codes = [
      ...Object.values(LAB_PANELS).flatMap((panel) => panel.map((analyte) => analyte.loinc)),
      ...Object.values(PREVENTIVE_MEASUREMENT_CODES).map((m) => m.loinc),
      ...Object.values(PREVENTIVE_QUALITATIVE_CODES).map((m) => m.loinc),
      ...Object.values(VITAL_SIGN_CODES).map((m) => m.loinc),
    ];
    expect(codes.length).toBeGreaterThan(40);
    for (const code of codes) expect(isValidLoinc(code), code).toBe(true);
  });
});

describe('lab panels', () => {
  it('exist for every curated lab order, and only for those', () => {
    const labOrders = nhiOrdersOf('lab').map((o) => o.code);
    const withoutPanel = labOrders.filter((c) => !(c in LAB_PANELS));
    // Differential count and full urinalysis are ordered but their analytes are not modelled.
    expect(withoutPanel.sort()).toEqual(['06012C', '08013C']);
    for (const code of Object.keys(LAB_PANELS)) expect(nhiOrder(code).kind).toBe('lab');
  });

  it('map every preventive measurement and carry a UCUM unit or a normal answer per analyte', () => {
    expect(Object.keys(PREVENTIVE_MEASUREMENT_CODES).sort()).toEqual([...PREVENTIVE_MEASUREMENTS].sort());
    for (const analyte of Object.values(LAB_PANELS).flat()) {
      expect(analyte.unit !== undefined || analyte.normalText !== undefined, analyte.key).toBe(true);
    }
  });

  it('gives sex-specific ranges in the NHI text form and interprets values', () => {
    const [creatinine] = labPanel('09015C');
    expect(referenceRangeFor(creatinine as never, 'male')?.text).toBe('[0.7][1.3]');
    expect(referenceRangeFor(creatinine as never, 'female')?.text).toBe('[0.6][1.1]');
    const hba1c = labPanel('09006C')[0];
    const range = hba1c && referenceRangeFor(hba1c, 'female');
    expect(range?.text).toBe('[4][5.6]');
    expect(interpretValue(7.2, range)).toBe('high');
    expect(interpretValue(3.1, range)).toBe('low');
    expect(interpretValue(5.6, range)).toBe('normal');
    expect(referenceRangeFor(labPanel('09001C')[0] as never, 'male')?.text).toBe('<200');
  });
});

describe('lookups', () => {
  it('find curated codes and throw on unknown ones', () => {
    expect(icd10cm('E11.9').en).toBe('Type 2 diabetes mellitus without complications');
    expect(icd10pcs('0SRC0J9').code).toBe('0SRC0J9');
    expect(drug('BC241891G0').atc).toBe('A10BA02');
    expect(nhiOrder('09006C').zh).toBe('醣化血紅素');
    expect(herb('A011392').formula).toBe('加味逍遙散');
    expect(herb('A011392').zh).toBe('港香蘭加味逍遙散濃縮散');
    expect(vaccine('33').en).toContain('23 valent');
    expect(() => icd10cm('E11.999')).toThrow(RangeError);
    expect(() => icd10pcs('XXXXXXX')).toThrow(RangeError);
    expect(() => drug('AC00000000')).toThrow(RangeError);
    expect(() => nhiOrder('99999C')).toThrow(RangeError);
    expect(() => herb('A000000')).toThrow(RangeError);
    expect(() => vaccine('999')).toThrow(RangeError);
    expect(() => labPanel('00156A')).toThrow(RangeError);
  });
});
