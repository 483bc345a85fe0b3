import { INSTITUTION_COUNTIES, parseInstitutionCode } from '@healthbank/records';
import { describe, expect, it } from 'vitest';
import { COUNTIES, TOWNSHIPS } from './geography.js';
import { directoryFor, medicalCentersFor } from './institutions.js';

/** Counties whose townships keep the code of the county they belonged to before 2010. */
const FORMER: Readonly<Record<string, string>> = { 臺中縣: '臺中市', 臺南縣: '臺南市', 高雄縣: '高雄市' };

describe('geography', () => {
  it('covers every county with about 23 million people, 30 mountain townships and the islands', () => {
    expect(COUNTIES).toHaveLength(22);
    const total = TOWNSHIPS.reduce((s, t) => s + t.population, 0);
    expect(total).toBeGreaterThan(22_500);
    expect(total).toBeLessThan(23_800);
    expect(TOWNSHIPS.filter((t) => t.mountain)).toHaveLength(30);
    expect(TOWNSHIPS.filter((t) => t.island).map((t) => t.county)).toEqual(
      expect.arrayContaining(['澎湖縣', '金門縣', '連江縣', '臺東縣', '屏東縣']),
    );
  });
});

describe('institution directory', () => {
  const directory = directoryFor('institutions-test');

  it('has valid, unique 醫事機構代碼 whose county digits match the township', () => {
    const codes = new Set<string>();
    for (const f of directory.all) {
      const parts = parseInstitutionCode(f.code);
      expect(parts, f.code).toBeDefined();
      const county = parts?.countyName ?? '';
      expect(FORMER[county] ?? county).toBe(f.county);
      codes.add(f.code);
    }
    expect(codes.size).toBe(directory.all.length);
    expect(new Set(directory.all.map((f) => f.name)).size).toBe(directory.all.length);
    expect(Object.keys(INSTITUTION_COUNTIES)).toEqual(expect.arrayContaining(['38', '43', '44', '90', '91']));
  });

  it('has a 衛生所 in every township, hospitals in every county and a medical centre for everyone', () => {
    for (const county of COUNTIES) {
      const f = directory.byCounty.get(county.name);
      expect(f?.healthStations.size).toBe(county.townships.length);
      expect(f?.hospitals.length).toBeGreaterThan(0);
      expect(medicalCentersFor(directory, county.name).length).toBeGreaterThan(0);
    }
    const levels = new Set(directory.all.map((f) => f.level));
    expect([...levels].sort()).toEqual([
      'clinic',
      'dental_clinic',
      'district_hospital',
      'health_station',
      'medical_center',
      'pharmacy',
      'regional_hospital',
      'tcm_clinic',
    ]);
  });

  it('is the same for the same seed', () => {
    expect(directoryFor('institutions-test')).toBe(directory);
    expect(directoryFor('another').all.map((f) => f.code)).not.toEqual(directory.all.map((f) => f.code));
  });
});
