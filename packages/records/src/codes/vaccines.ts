/**
 * Vaccines given in Taiwan (routine childhood schedule, adult and elderly programmes), coded with
 * CDC CVX codes (http://hl7.org/fhir/sid/cvx) and named as Taiwan CDC (疾管署) names them.
 */
import { indexByCode } from './lookup.js';

export interface VaccineEntry {
  /** CVX code. */
  readonly code: string;
  readonly zh: string;
  readonly en: string;
  /** A short label for lists and lot-number prefixes, e.g. `Flu`, `PCV13`. */
  readonly short: string;
}

type Row = readonly [code: string, short: string, zh: string, en: string];

const ROWS: readonly Row[] = [
  ['141', 'Flu', '流感疫苗', 'Influenza, seasonal, injectable'],
  ['150', 'Flu4', '四價流感疫苗(不含防腐劑)', 'Influenza, injectable, quadrivalent, preservative free'],
  ['158', 'Flu4-P', '四價流感疫苗(含防腐劑)', 'Influenza, injectable, quadrivalent, contains preservative'],
  ['208', 'COVID-Pfizer', 'COVID-19疫苗(BNT)', 'COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose'],
  ['207', 'COVID-Moderna', 'COVID-19疫苗(Moderna)', 'COVID-19, mRNA, LNP-S, PF, 100 mcg/0.5 mL dose'],
  ['210', 'COVID-AZ', 'COVID-19疫苗(AZ)', 'COVID-19 vaccine, vector-nr, rS-ChAdOx1, PF, 0.5 mL'],
  [
    '211',
    'COVID-Novavax',
    'COVID-19疫苗(Novavax)',
    'COVID-19 vaccine, Subunit, rS-nanoparticle+Matrix-M1 Adjuvant, PF, 0.5 mL',
  ],
  ['229', 'COVID-Moderna-BA', 'COVID-19雙價疫苗(Moderna)', 'COVID-19, mRNA, LNP-S, bivalent, PF, 50 mcg/0.5 mL'],
  ['300', 'COVID-Pfizer-BA', 'COVID-19雙價疫苗(BNT)', 'COVID-19, mRNA, LNP-S, bivalent, PF, 30 mcg/0.3 mL dose'],
  ['133', 'PCV13', '13價結合型肺炎鏈球菌疫苗', 'Pneumococcal conjugate vaccine, 13 valent'],
  ['215', 'PCV15', '15價結合型肺炎鏈球菌疫苗', 'Pneumococcal conjugate vaccine, 15 valent'],
  ['216', 'PCV20', '20價結合型肺炎鏈球菌疫苗', 'Pneumococcal conjugate vaccine, 20 valent'],
  ['33', 'PPV23', '23價肺炎鏈球菌多醣體疫苗', 'Pneumococcal polysaccharide vaccine, 23 valent'],
  [
    '115',
    'Tdap',
    '減量破傷風白喉非細胞性百日咳混合疫苗',
    'Tetanus toxoid, reduced diphtheria toxoid, and acellular pertussis vaccine, adsorbed',
  ],
  ['113', 'Td', '破傷風減量白喉混合疫苗', 'Tetanus and diphtheria toxoids, adsorbed, preservative free, for adult use'],
  ['43', 'HepB-Adult', 'B型肝炎疫苗(成人劑型)', 'Hepatitis B vaccine, adult dosage'],
  ['08', 'HepB-Peds', 'B型肝炎疫苗(兒童劑型)', 'Hepatitis B vaccine, pediatric or pediatric/adolescent dosage'],
  ['52', 'HepA-Adult', 'A型肝炎疫苗(成人劑型)', 'Hepatitis A vaccine, adult dosage'],
  ['83', 'HepA-Peds', 'A型肝炎疫苗(兒童劑型)', 'Hepatitis A vaccine, pediatric/adolescent dosage, 2 dose schedule'],
  ['165', 'HPV9', '九價人類乳突病毒疫苗', 'Human Papillomavirus 9-valent vaccine'],
  ['118', 'HPV2', '二價人類乳突病毒疫苗', 'Human papilloma virus vaccine, bivalent'],
  ['187', 'RZV', '非活性基因重組帶狀疱疹疫苗', 'Zoster vaccine recombinant'],
  ['121', 'ZVL', '活性減毒帶狀疱疹疫苗', 'Zoster vaccine, live'],
  ['03', 'MMR', '麻疹腮腺炎德國麻疹混合疫苗', 'Measles, mumps and rubella virus vaccine'],
  ['21', 'VAR', '水痘疫苗', 'Varicella virus vaccine'],
  [
    '146',
    'DTaP-IPV-Hib-HepB',
    '白喉破傷風非細胞性百日咳、b型嗜血桿菌、不活化小兒麻痺及B型肝炎六合一疫苗',
    'Diphtheria and Tetanus Toxoids and Acellular Pertussis Adsorbed, Inactivated Poliovirus, Haemophilus b Conjugate (Meningococcal Protein Conjugate), and Hepatitis B (Recombinant) Vaccine',
  ],
  [
    '130',
    'DTaP-IPV',
    '白喉破傷風非細胞性百日咳及不活化小兒麻痺四合一疫苗',
    'Diphtheria, tetanus toxoids and acellular pertussis vaccine, and poliovirus vaccine, inactivated',
  ],
  ['134', 'JE', '日本腦炎疫苗', 'Japanese Encephalitis vaccine for intramuscular administration'],
  ['19', 'BCG', '卡介苗', 'Bacillus Calmette-Guerin vaccine'],
  ['116', 'RV5', '五價口服輪狀病毒疫苗', 'Rotavirus, live, pentavalent vaccine'],
  ['119', 'RV1', '單價口服輪狀病毒疫苗', 'Rotavirus, live, monovalent vaccine'],
  ['206', 'Mpox', 'M痘疫苗', 'Vaccinia, smallpox monkeypox vaccine live, PF, SQ or ID injection'],
];

export const VACCINES: readonly VaccineEntry[] = ROWS.map(([code, short, zh, en]) => ({ code, short, zh, en }));

const index = indexByCode('CVX', VACCINES);

/**
 * The vaccine with this CVX code; throws a RangeError for a code outside the curated list.
 * @example vaccine('33').zh // '23價肺炎鏈球菌多醣體疫苗'
 */
export function vaccine(code: string): VaccineEntry {
  return index.get(code);
}

/** CVX code shape: one to three digits. */
export const CVX_PATTERN = /^\d{1,3}$/;
