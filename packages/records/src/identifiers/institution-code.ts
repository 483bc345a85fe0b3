/**
 * 醫事機構代碼: ten digits. Digits 1–2 give the kind of ownership (e.g. 04 national university
 * hospital, 06 veterans hospital, 11 private hospital, 35 clinic), digits 3–4 the county or city,
 * digits 5–6 the township, and 7–10 a serial. The county decides which NHI regional division
 * (業務組) contracts the institution.
 */
export const BRANCHES = {
  1: { 'zh-TW': '臺北業務組', en: 'Taipei Division' },
  2: { 'zh-TW': '北區業務組', en: 'Northern Division' },
  3: { 'zh-TW': '中區業務組', en: 'Central Division' },
  4: { 'zh-TW': '南區業務組', en: 'Southern Division' },
  5: { 'zh-TW': '高屏業務組', en: 'Kaohsiung-Pingtung Division' },
  6: { 'zh-TW': '東區業務組', en: 'Eastern Division' },
} as const;
export type BranchCode = keyof typeof BRANCHES;

/** County codes as used in digits 3–4, with the division each belongs to. */
export const INSTITUTION_COUNTIES: Readonly<Record<string, { name: string; branch: BranchCode }>> = {
  '01': { name: '臺北市', branch: 1 },
  '02': { name: '高雄市', branch: 5 },
  '11': { name: '基隆市', branch: 1 },
  '12': { name: '新竹市', branch: 2 },
  '17': { name: '臺中市', branch: 3 },
  '21': { name: '臺南市', branch: 4 },
  '22': { name: '嘉義市', branch: 4 },
  '31': { name: '新北市', branch: 1 },
  '32': { name: '桃園市', branch: 2 },
  '33': { name: '新竹縣', branch: 2 },
  '34': { name: '宜蘭縣', branch: 1 },
  '35': { name: '苗栗縣', branch: 2 },
  '36': { name: '臺中縣', branch: 3 },
  '37': { name: '彰化縣', branch: 3 },
  '38': { name: '南投縣', branch: 3 },
  '39': { name: '雲林縣', branch: 4 },
  '40': { name: '嘉義縣', branch: 4 },
  '41': { name: '臺南縣', branch: 4 },
  '42': { name: '高雄縣', branch: 5 },
  '43': { name: '屏東縣', branch: 5 },
  '44': { name: '澎湖縣', branch: 5 },
  '45': { name: '花蓮縣', branch: 6 },
  '46': { name: '臺東縣', branch: 6 },
  '90': { name: '金門縣', branch: 1 },
  '91': { name: '連江縣', branch: 1 },
};

export interface InstitutionCodeParts {
  ownership: string;
  county: string;
  countyName: string;
  township: string;
  serial: string;
  branch: BranchCode;
}

/** Splits a 醫事機構代碼 into its parts, or returns undefined if it is malformed. */
export function parseInstitutionCode(code: string): InstitutionCodeParts | undefined {
  if (!/^\d{10}$/.test(code)) return undefined;
  const county = code.slice(2, 4);
  const info = INSTITUTION_COUNTIES[county];
  if (!info) return undefined;
  return {
    ownership: code.slice(0, 2),
    county,
    countyName: info.name,
    township: code.slice(4, 6),
    serial: code.slice(6),
    branch: info.branch,
  };
}

export function isValidInstitutionCode(code: string): boolean {
  return parseInstitutionCode(code) !== undefined;
}

/** The regional division (業務組) of an institution, or undefined if the code is malformed. */
export function branchOf(code: string): BranchCode | undefined {
  return parseInstitutionCode(code)?.branch;
}
