/**
 * NHI drug codes (健保用藥品項, 10 characters) for the chronic and acute drugs the generator
 * prescribes, with ATC codes, strengths, dosage forms and usual daily units.
 *
 * Provenance, honestly stated: the full NHI drug list (CodeSystem medication-nhi-tw, ~44,000
 * codes) is not shipped in the TW Core IG package and could not be consulted offline. Every entry
 * marked `verification: 'public-document'` carries a code seen with that very product (name and
 * strength) in a public document named in `source`, and, where the source allows, a second
 * independent one or the product's licence number, which the code embeds (衛署藥輸字第021571號 →
 * BC21571100). Names are NHIA's own (中文品名, 英文品名), with full-width digits written as ASCII
 * digits; where a source gave only the English name, that name stands in both. The generator
 * uses only verified entries (its tests check this).
 *
 * Entries marked `'unverified'` have a code of the NHI shape that was NOT checked against the NHI
 * list: they may be unassigned or belong to another product. They remain only because test
 * fixtures of the content formats (golden files, MHB reading tests) name them; nothing generates
 * them. Replace them there with verified codes, then delete them here.
 *
 * ATC codes are all real: the tests check each against the IG's ValueSet medcation-atc-tw.
 */
import { indexByCode } from './lookup.js';

export const DOSAGE_FORMS = ['tablet', 'film_coated_tablet', 'capsule', 'inhaler', 'prefilled_pen'] as const;
export type DosageForm = (typeof DOSAGE_FORMS)[number];

export interface DrugEntry {
  /** NHI drug code, 10 characters. */
  readonly code: string;
  readonly zh: string;
  readonly en: string;
  /** Active ingredient (INN); combinations joined with `+`. */
  readonly ingredient: string;
  readonly strength: string;
  readonly form: DosageForm;
  /** WHO ATC code (level 5). */
  readonly atc: string;
  /** Usual units a day for an adult (tablets, capsules, puffs; pens for insulin). */
  readonly unitsPerDay: number;
  /** Chronic drugs are supplied for up to 30 days per dispensing; acute ones for a few days. */
  readonly use: 'chronic' | 'acute';
  readonly verification: 'public-document' | 'unverified';
  /** Where a verified code was seen. */
  readonly source?: string;
}

type Row = readonly [
  code: string,
  zh: string,
  en: string,
  ingredient: string,
  strength: string,
  form: DosageForm,
  atc: string,
  unitsPerDay: number,
  use: 'chronic' | 'acute',
];

/**
 * Public prescription-verification reports (2025–2026) that read codes printed on Taiwanese
 * prescriptions and join each to NHIA's drug payment file, quoting NHIA's Chinese and English
 * names, ingredient, ATC code and dates of validity.
 */
const NHIA_QUOTE =
  "NHIA's drug payment file as quoted (names, ingredient, ATC) by public prescription-verification reports";
/** TW Core IG CodeSystem medication-nhi-tw (MOHW), the 2025-04-30 excerpt of 健保用藥品項. */
const TW_CORE = 'TW Core IG CodeSystem medication-nhi-tw, 2025-04-30 excerpt (MOHW), status active';

const VERIFIED: Readonly<Record<string, string>> = {
  BC241891G0: 'Glucophage 1000 mg product sheet of its Taiwanese distributor (Health Insurance Code)',
  AC585341G0: `${NHIA_QUOTE}; confirmed there as the product's main code`,
  BC25537100: NHIA_QUOTE,
  AB46766100: NHIA_QUOTE,
  AA48333100: NHIA_QUOTE,
  AB57312100: NHIA_QUOTE,
  BC27467100: NHIA_QUOTE,
  BC21571100: `${NHIA_QUOTE}; two more public code lists; embeds licence 衛署藥輸字第021571號`,
  BC25005100: NHIA_QUOTE,
  AB57178100: NHIA_QUOTE,
  AB58075100: NHIA_QUOTE,
  BC171251G0: `${NHIA_QUOTE}; a public NHI code dictionary`,
  AB388671G0: NHIA_QUOTE,
  AB307491G0: NHIA_QUOTE,
  BC22889100: `${NHIA_QUOTE}; a public clinic formulary tool (lipid reimbursement)`,
  AC57805100: NHIA_QUOTE,
  BC24131100: `${NHIA_QUOTE}; a public clinic formulary tool; a public NHI code dictionary; embeds licence 衛署藥輸字第024131號`,
  AC58316100: NHIA_QUOTE,
  AC40106100: NHIA_QUOTE,
  AC61850100: NHIA_QUOTE,
  BC24403100: NHIA_QUOTE,
  BC215311G0: NHIA_QUOTE,
  AC415191G0: NHIA_QUOTE,
  AC198951G0: NHIA_QUOTE,
  AC19420100: NHIA_QUOTE,
  AC373441G0:
    'a public medication catalogue (official, with licence 衛署藥製字第037344號, which the code embeds); two public NHI code lists',
  AC120511G0:
    'a public hospital formulary note (FJUH AMO02), checked against the TFDA licence 衛署藥製字第012051號, which the code embeds',
  BC230161G0: 'a public NHI code dictionary; a public MHB import design note naming it as a drug code',
  A000076100: TW_CORE,
  A000106100: TW_CORE,
  A003092100: TW_CORE,
};

const ROWS: readonly Row[] = [
  // Diabetes
  [
    'BC241891G0',
    '庫魯化膜衣錠1000毫克',
    'Glucophage Film-coated Tablets 1000 mg',
    'metformin',
    '1000 mg',
    'film_coated_tablet',
    'A10BA02',
    2,
    'chronic',
  ],
  [
    'AC585341G0',
    '寬樂醣膜衣錠500毫克',
    'Metformin F.C. Tablets 500mg "CYH"',
    'metformin',
    '500 mg',
    'film_coated_tablet',
    'A10BA02',
    2,
    'chronic',
  ],
  [
    'BC25537100',
    '糖漸平膜衣錠5毫克',
    'Trajenta 5mg Film-Coated Tablets',
    'linagliptin',
    '5 mg',
    'film_coated_tablet',
    'A10BH05',
    1,
    'chronic',
  ],
  [
    'AB46766100',
    '"信東" 革理蔓錠2毫克',
    'GLIMARYL TABLETS 2MG (GLIMEPIRIDE)',
    'glimepiride',
    '2 mg',
    'tablet',
    'A10BB12',
    1,
    'chronic',
  ],
  [
    'AA48333100',
    '欣促胰錠30毫克',
    'Glutazone Tablets 30mg',
    'pioglitazone',
    '30 mg',
    'tablet',
    'A10BG03',
    1,
    'chronic',
  ],
  [
    'AB57312100',
    '志樂恆膜衣錠50毫克',
    'Acarbose F.C. Tablets 50mg "CYH"',
    'acarbose',
    '50 mg',
    'film_coated_tablet',
    'A10BF01',
    3,
    'chronic',
  ],
  [
    'BC27467100',
    '控糖穩膜衣錠5毫克/10毫克',
    'Qtern 5mg/10mg Film-Coated Tablets',
    'dapagliflozin+saxagliptin',
    '10 mg/5 mg',
    'film_coated_tablet',
    'A10BD21',
    1,
    'chronic',
  ],
  // Hypertension and heart
  ['BC21571100', '脈優錠5毫克', 'NORVASC TABLETS 5MG', 'amlodipine', '5 mg', 'tablet', 'C08CA01', 1, 'chronic'],
  [
    'BC25005100',
    '德國第一三共雅脈 膜衣錠 40 毫克',
    'Olmetec film coated tablets 40mg',
    'olmesartan medoxomil',
    '40 mg',
    'film_coated_tablet',
    'C09CA08',
    1,
    'chronic',
  ],
  [
    'AB57178100',
    '"生達"壓立安膜衣錠150毫克',
    'Aprotan F.C. Tab. 150mg "Standard"',
    'irbesartan',
    '150 mg',
    'film_coated_tablet',
    'C09CA04',
    1,
    'chronic',
  ],
  [
    'AB58075100',
    '"生達"壓悅達持續性藥效錠30毫克',
    'Adapine S.R.F.C. Tab. 30mg "Standard"',
    'nifedipine',
    '30 mg',
    'tablet',
    'C08CA05',
    1,
    'chronic',
  ],
  ['BC171251G0', '康肯5毫克', 'CONCOR 5', 'bisoprolol', '5 mg', 'film_coated_tablet', 'C07AB07', 1, 'chronic'],
  [
    'AB388671G0',
    '"生達"壓平樂膜衣錠50毫克(阿廷諾)',
    'ATEOL F.C. TABLETS 50MG "STANDARD" (ATENOLOL)',
    'atenolol',
    '50 mg',
    'film_coated_tablet',
    'C07AB03',
    1,
    'chronic',
  ],
  [
    'AB307491G0',
    '來喜妥錠40毫克(服樂泄麥)',
    'RASITOL TABLETS 40MG (FUROSEMIDE)',
    'furosemide',
    '40 mg',
    'tablet',
    'C03CA01',
    1,
    'chronic',
  ],
  [
    'AC373441G0',
    '伯基腸溶微粒膠囊100毫克',
    'BOKEY 100MG',
    'acetylsalicylic acid',
    '100 mg',
    'capsule',
    'B01AC06',
    1,
    'chronic',
  ],
  [
    'AC198951G0',
    '"榮民"心康寧糖衣錠25毫克(待匹力達)',
    'CARDITONIN S.C. TABLETS 25MG (DIPYRIDAMOLE) "VPP"',
    'dipyridamole',
    '25 mg',
    'tablet',
    'B01AC07',
    3,
    'chronic',
  ],
  // Lipids
  [
    'BC22889100',
    '立普妥膜衣錠40毫克',
    'LIPITOR FILM-COATED TABLETS 40MG',
    'atorvastatin',
    '40 mg',
    'film_coated_tablet',
    'C10AA05',
    1,
    'chronic',
  ],
  [
    'AC57805100',
    '"生達" 立舒脂膜衣錠20毫克',
    'Atorva F.C. Tab. 20mg "Standard" (Atorvastatin)',
    'atorvastatin',
    '20 mg',
    'film_coated_tablet',
    'C10AA05',
    1,
    'chronic',
  ],
  [
    'BC24131100',
    '冠脂妥膜衣錠10毫克',
    'CRESTOR 10MG FILM-COATED TABLETS',
    'rosuvastatin',
    '10 mg',
    'film_coated_tablet',
    'C10AA07',
    1,
    'chronic',
  ],
  [
    'AC58316100',
    '優脂定膜衣錠5毫克',
    'Rosustin Film Coated Tablets 5mg',
    'rosuvastatin',
    '5 mg',
    'film_coated_tablet',
    'C10AA07',
    1,
    'chronic',
  ],
  // Gout, prostate, sleep and nerves
  ['AC40106100', '欣律錠100毫克', 'SYNORID TABLETS 100MG', 'allopurinol', '100 mg', 'tablet', 'M04AA01', 2, 'chronic'],
  [
    'AC61850100',
    '服克痛膜衣錠80毫克',
    'Fekuton Film Coated Tablets 80mg',
    'febuxostat',
    '80 mg',
    'film_coated_tablet',
    'M04AA03',
    0.5,
    'chronic',
  ],
  [
    'BC24403100',
    '活路利淨D 持續釋放口溶錠0.2毫克',
    'Harnalidge D tablets 0.2mg',
    'tamsulosin',
    '0.2 mg',
    'tablet',
    'G04CA02',
    1,
    'chronic',
  ],
  [
    'BC215311G0',
    '使蒂諾斯膜衣錠10毫克',
    'STILNOX FILM-COATED SCORED TABLETS 10MG',
    'zolpidem',
    '10 mg',
    'film_coated_tablet',
    'N05CF02',
    1,
    'chronic',
  ],
  [
    'AC415191G0',
    '"強生" 福安源錠0.25公絲(氟二氮平)',
    'FLUPINE TABLETS 0.25MG (FLUDIAZEPAM) "JOHNSON"',
    'fludiazepam',
    '0.25 mg',
    'tablet',
    'N05BA17',
    2,
    'chronic',
  ],
  // Acute
  [
    'A000076100',
    'ACETAMINOPHEN TABLETS 0.3 GM "F.Y."',
    'ACETAMINOPHEN TABLETS 0.3 GM "F.Y."',
    'paracetamol',
    '300 mg',
    'tablet',
    'N02BE01',
    4,
    'acute',
  ],
  [
    'A003092100',
    'ASPIRIN TABLETS 500MG',
    'ASPIRIN TABLETS 500MG',
    'acetylsalicylic acid',
    '500 mg',
    'tablet',
    'N02BA01',
    3,
    'acute',
  ],
  [
    'AC19420100',
    '"杏輝" 痛疏達膜衣錠500毫克(每非那)',
    'PONSTAL F.C. TABLETS 500MG "SINPHAR" (MEFENAMIC ACID)',
    'mefenamic acid',
    '500 mg',
    'film_coated_tablet',
    'M01AG01',
    3,
    'acute',
  ],
  [
    'AC120511G0',
    '"中國化學"安蒙西林膠囊250毫克',
    'AMOXICILLIN CAPSULES 250MG "C.C.P."',
    'amoxicillin',
    '250 mg',
    'capsule',
    'J01CA04',
    6,
    'acute',
  ],
  [
    'A000106100',
    'ERYTHROMYCIN CAPSULES 250MG "SYNMOSA"',
    'ERYTHROMYCIN CAPSULES 250MG "SYNMOSA"',
    'erythromycin',
    '250 mg',
    'capsule',
    'J01FA01',
    4,
    'acute',
  ],
  ['BC230161G0', 'ALLEGRA 60MG', 'ALLEGRA 60MG', 'fexofenadine', '60 mg', 'tablet', 'R06AX26', 2, 'acute'],
  // Unverified, kept only for the content formats' test fixtures (see the header); never generated.
  [
    'AC46185100',
    'Metformin 500毫克錠',
    'Metformin Tablets 500 mg',
    'metformin',
    '500 mg',
    'tablet',
    'A10BA02',
    2,
    'chronic',
  ],
  [
    'AC38550100',
    'Acetaminophen 500毫克錠',
    'Acetaminophen Tablets 500 mg',
    'paracetamol',
    '500 mg',
    'tablet',
    'N02BE01',
    3,
    'acute',
  ],
  [
    'AC39910100',
    'Domperidone 10毫克錠',
    'Domperidone Tablets 10 mg',
    'domperidone',
    '10 mg',
    'tablet',
    'A03FA03',
    3,
    'acute',
  ],
  [
    'AC37890100',
    'Loperamide 2毫克膠囊',
    'Loperamide Hydrochloride Capsules 2 mg',
    'loperamide',
    '2 mg',
    'capsule',
    'A07DA03',
    2,
    'acute',
  ],
  [
    'AC33480100',
    'Magnesium oxide 250毫克錠',
    'Magnesium Oxide Tablets 250 mg',
    'magnesium oxide',
    '250 mg',
    'tablet',
    'A06AD02',
    3,
    'acute',
  ],
  [
    'AC36120100',
    'Butylscopolamine 10毫克糖衣錠',
    'Hyoscine Butylbromide Sugar-coated Tablets 10 mg',
    'butylscopolamine',
    '10 mg',
    'tablet',
    'A03BB01',
    3,
    'acute',
  ],
];

/** The curated drugs. */
export const DRUGS: readonly DrugEntry[] = ROWS.map(
  ([code, zh, en, ingredient, strength, form, atc, unitsPerDay, use]) => {
    const source = VERIFIED[code];
    return source
      ? { code, zh, en, ingredient, strength, form, atc, unitsPerDay, use, verification: 'public-document', source }
      : { code, zh, en, ingredient, strength, form, atc, unitsPerDay, use, verification: 'unverified' };
  },
);

const index = indexByCode('NHI drug', DRUGS);

/** The verified drugs: the only ones the generator prescribes. */
export const VERIFIED_DRUGS: readonly DrugEntry[] = DRUGS.filter((d) => d.verification === 'public-document');

/**
 * The drug with this NHI code; throws a RangeError for a code outside the curated list.
 * @example drug('BC241891G0').atc // 'A10BA02'
 */
export function drug(code: string): DrugEntry {
  return index.get(code);
}

/** The curated drugs with one active ingredient, e.g. every metformin product. */
export function drugsWithIngredient(ingredient: string): DrugEntry[] {
  return DRUGS.filter((d) => d.ingredient === ingredient);
}

/** NHI drug code shape: ten characters, a letter first. */
export const NHI_DRUG_CODE_PATTERN = /^[A-Z][A-Z0-9]{9}$/;

/** ATC level-5 code shape, e.g. A10BA02. */
export const ATC_PATTERN = /^[A-Z]\d{2}[A-Z]{2}\d{2}$/;
