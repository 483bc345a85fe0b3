import { describe, expect, it } from 'vitest';
import { BRANCHES, branchOf, isValidInstitutionCode, parseInstitutionCode } from './institution-code.js';

describe('醫事機構代碼', () => {
  it('splits a code into ownership, county, township and serial', () => {
    expect(parseInstitutionCode('0401180014')).toEqual({
      ownership: '04',
      county: '01',
      countyName: '臺北市',
      township: '18',
      serial: '0014',
      branch: 1,
    });
  });

  it.each([
    ['0401180014', 1], // Taipei
    ['1132070011', 2], // Taoyuan
    ['0617060018', 3], // Taichung
    ['0421040011', 4], // Tainan
    ['0602030026', 5], // Kaohsiung
    ['1145010010', 6], // Hualien
  ])('assigns %s to 業務組 %i', (code, branch) => {
    expect(branchOf(code)).toBe(branch);
    expect(BRANCHES[branch as keyof typeof BRANCHES]['zh-TW']).toMatch(/業務組$/);
  });

  it.each(['040118001', '04011800145', '04A1180014', '0499180014', ''])('rejects %s', (code) => {
    expect(isValidInstitutionCode(code)).toBe(false);
    expect(branchOf(code)).toBeUndefined();
  });
});
