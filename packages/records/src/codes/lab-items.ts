/**
 * The analytes (子項目) of each lab order the platform uses, with LOINC codes, UCUM units and adult
 * reference ranges as Taiwanese hospital labs commonly report them, plus the LOINC/UCUM mapping of
 * the adult preventive check's measurements and of the vital signs. This is what lets a lab record
 * or a preventive-check result become a FHIR Observation.
 */
import type { PreventiveMeasurement } from '../record.js';

/** An adult reference range; `text` is the NHI form, e.g. `[70][99]` or `<200`. */
export interface RangeSpec {
  readonly low?: number;
  readonly high?: number;
  readonly text: string;
}

export interface LabAnalyte {
  /** Stable key, e.g. `hba1c`. */
  readonly key: string;
  /** 子項目 as printed on Taiwanese reports. */
  readonly item: string;
  readonly zh: string;
  readonly en: string;
  readonly loinc: string;
  /** UCUM unit; absent for qualitative results. */
  readonly unit?: string;
  /** Decimal places the value is reported with. */
  readonly decimals: number;
  /** One range for everyone, or one per sex. */
  readonly range?: RangeSpec | { readonly female: RangeSpec; readonly male: RangeSpec };
  /** For qualitative results: the normal answer (e.g. `Negative`). */
  readonly normalText?: string;
}

const r = (low: number | undefined, high: number | undefined): RangeSpec => {
  if (low !== undefined && high !== undefined) return { low, high, text: `[${low}][${high}]` };
  if (high !== undefined) return { high, text: `<${high}` };
  if (low !== undefined) return { low, text: `>=${low}` };
  return { text: '' };
};

const a = (
  key: string,
  item: string,
  zh: string,
  en: string,
  loinc: string,
  unit: string | undefined,
  decimals: number,
  range?: LabAnalyte['range'],
  normalText?: string,
): LabAnalyte => ({
  key,
  item,
  zh,
  en,
  loinc,
  decimals,
  ...(unit === undefined ? {} : { unit }),
  ...(range === undefined ? {} : { range }),
  ...(normalText === undefined ? {} : { normalText }),
});

const GLUCOSE_AC = a('fastingGlucose', 'Glucose AC', '空腹血糖', 'Fasting glucose', '1558-6', 'mg/dL', 0, r(70, 99));
const CHOLESTEROL = a(
  'totalCholesterol',
  'T-CHO',
  '總膽固醇',
  'Total cholesterol',
  '2093-3',
  'mg/dL',
  0,
  r(undefined, 200),
);
const TG = a('triglycerides', 'TG', '三酸甘油酯', 'Triglycerides', '2571-8', 'mg/dL', 0, r(undefined, 150));
const HDL = a('hdl', 'HDL-C', '高密度脂蛋白膽固醇', 'HDL cholesterol', '2085-9', 'mg/dL', 0, r(40, undefined));
const LDL = a('ldl', 'LDL-C', '低密度脂蛋白膽固醇', 'LDL cholesterol', '2089-1', 'mg/dL', 0, r(undefined, 130));
const BUN = a('bun', 'BUN', '血中尿素氮', 'Urea nitrogen', '3094-0', 'mg/dL', 0, r(7, 20));
const CREATININE = a('creatinine', 'Creatinine', '肌酸酐', 'Creatinine', '2160-0', 'mg/dL', 2, {
  female: r(0.6, 1.1),
  male: r(0.7, 1.3),
});
const EGFR = a('egfr', 'eGFR', '腎絲球過濾率估計值', 'eGFR (MDRD)', '33914-3', 'mL/min/{1.73_m2}', 1, r(60, undefined));
const AST = a('ast', 'GOT(AST)', '天門冬胺酸轉胺酶', 'AST', '1920-8', 'U/L', 0, r(0, 40));
const ALT = a('alt', 'GPT(ALT)', '丙胺酸轉胺酶', 'ALT', '1742-6', 'U/L', 0, r(0, 40));

/** Analytes per NHI order code. Orders with several analytes (CBC, urinalysis) list them all. */
export const LAB_PANELS: Readonly<Record<string, readonly LabAnalyte[]>> = {
  '09005C': [GLUCOSE_AC],
  '09140C': [
    a('postprandialGlucose', 'Glucose PC', '飯後血糖', 'Glucose 2 h post meal', '1521-4', 'mg/dL', 0, r(70, 140)),
  ],
  '09006C': [a('hba1c', 'HbA1c', '醣化血紅素', 'Haemoglobin A1c', '4548-4', '%', 1, r(4, 5.6))],
  '09001C': [CHOLESTEROL],
  '09004C': [TG],
  '09043C': [HDL],
  '09044C': [LDL],
  '09002C': [BUN],
  '09015C': [CREATININE, EGFR],
  '09016C': [a('urineCreatinine', 'U-Cre', '尿液肌酸酐', 'Creatinine, urine', '2161-8', 'mg/dL', 1, r(20, 320))],
  '12111C': [
    a(
      'urineMicroalbumin',
      'U-Microalbumin',
      '尿液微白蛋白',
      'Microalbumin, urine',
      '14957-5',
      'mg/L',
      1,
      r(undefined, 20),
    ),
    a(
      'uacr',
      'UACR',
      '尿液白蛋白/肌酸酐比值',
      'Albumin/creatinine ratio, urine',
      '9318-7',
      'mg/g',
      1,
      r(undefined, 30),
    ),
  ],
  '09025C': [AST],
  '09026C': [ALT],
  '09027C': [a('alp', 'ALK-P', '鹼性磷酸酶', 'Alkaline phosphatase', '6768-6', 'U/L', 0, r(40, 129))],
  '09029C': [a('bilirubin', 'T-Bil', '總膽紅素', 'Total bilirubin', '1975-2', 'mg/dL', 1, r(0.2, 1.2))],
  '09038C': [a('albumin', 'Albumin', '白蛋白', 'Albumin', '1751-7', 'g/dL', 1, r(3.5, 5.2))],
  '09013C': [a('uricAcid', 'UA', '尿酸', 'Uric acid', '3084-1', 'mg/dL', 1, { female: r(2.4, 5.7), male: r(3.4, 7) })],
  '09021C': [a('sodium', 'Na', '鈉', 'Sodium', '2951-2', 'mmol/L', 0, r(136, 145))],
  '09022C': [a('potassium', 'K', '鉀', 'Potassium', '2823-3', 'mmol/L', 1, r(3.5, 5.1))],
  '08011C': [
    a('wbc', 'WBC', '白血球', 'Leukocytes', '6690-2', '10*3/uL', 1, r(4, 10)),
    a('rbc', 'RBC', '紅血球', 'Erythrocytes', '789-8', '10*6/uL', 2, { female: r(4, 5.2), male: r(4.5, 5.9) }),
    a('hemoglobin', 'Hb', '血色素', 'Haemoglobin', '718-7', 'g/dL', 1, { female: r(12, 16), male: r(13.5, 17.5) }),
    a('hematocrit', 'Hct', '血球容積比', 'Haematocrit', '4544-3', '%', 1, { female: r(36, 46), male: r(41, 53) }),
    a('mcv', 'MCV', '平均紅血球體積', 'MCV', '787-2', 'fL', 1, r(80, 100)),
    a('mch', 'MCH', '平均紅血球血色素量', 'MCH', '785-6', 'pg', 1, r(26, 34)),
    a('mchc', 'MCHC', '平均紅血球血色素濃度', 'MCHC', '786-4', 'g/dL', 1, r(31, 37)),
    a('platelets', 'PLT', '血小板', 'Platelets', '777-3', '10*3/uL', 0, r(150, 400)),
  ],
  '06013C': [
    a(
      'urineProtein',
      'Protein',
      '尿蛋白',
      'Protein, urine (test strip)',
      '20454-5',
      undefined,
      0,
      undefined,
      'Negative',
    ),
    a('urineGlucose', 'Glucose', '尿糖', 'Glucose, urine (test strip)', '25428-4', undefined, 0, undefined, 'Negative'),
    a('urineKetones', 'Ketone', '尿酮體', 'Ketones, urine (test strip)', '2514-8', undefined, 0, undefined, 'Negative'),
    a(
      'urineBilirubin',
      'Bilirubin',
      '尿膽紅素',
      'Bilirubin, urine (test strip)',
      '5770-3',
      undefined,
      0,
      undefined,
      'Negative',
    ),
    a(
      'urineLeukocyteEsterase',
      'Leukocyte esterase',
      '白血球酯酶',
      'Leukocyte esterase, urine (test strip)',
      '5799-2',
      undefined,
      0,
      undefined,
      'Negative',
    ),
    a('urinePh', 'pH', '尿液酸鹼值', 'pH of urine (test strip)', '5803-2', '[pH]', 1, r(5, 8)),
    a(
      'urineSpecificGravity',
      'S.G.',
      '尿比重',
      'Specific gravity of urine (test strip)',
      '5811-5',
      '1',
      3,
      r(1.005, 1.03),
    ),
  ],
  '09112C': [a('tsh', 'TSH', '甲狀腺刺激素', 'Thyrotropin', '3016-3', 'm[IU]/L', 2, r(0.4, 4))],
  '09106C': [a('freeT4', 'Free T4', '游離甲狀腺素', 'Free thyroxine', '3024-7', 'ng/dL', 2, r(0.8, 1.8))],
  '14032C': [
    a(
      'hbsag',
      'HBsAg',
      'B型肝炎表面抗原',
      'Hepatitis B surface antigen',
      '5196-1',
      undefined,
      0,
      undefined,
      'Negative',
    ),
  ],
  '14051C': [
    a(
      'antiHcv',
      'Anti-HCV',
      'C型肝炎抗體',
      'Hepatitis C virus antibody',
      '16128-1',
      undefined,
      0,
      undefined,
      'Negative',
    ),
  ],
  '12081C': [a('psa', 'PSA', '攝護腺特異抗原', 'Prostate-specific antigen', '2857-1', 'ng/mL', 2, r(0, 4))],
  '12015C': [a('crp', 'CRP', 'C反應蛋白', 'C-reactive protein', '1988-5', 'mg/dL', 2, r(undefined, 0.5))],
  '12007C': [a('afp', 'AFP', '甲型胎兒蛋白', 'Alpha-fetoprotein', '1834-1', 'ng/mL', 1, r(undefined, 20))],
  '08026C': [
    a('pt', 'PT', '凝血酶原時間', 'Prothrombin time', '5902-2', 's', 1, r(9.5, 12.5)),
    a('inr', 'INR', '國際標準化比值', 'INR', '6301-6', '{INR}', 2, r(0.8, 1.2)),
  ],
};

/**
 * The analytes of a lab order; throws a RangeError for an order without a curated panel.
 * @example labPanel('09006C')[0]?.loinc // '4548-4'
 */
export function labPanel(orderCode: string): readonly LabAnalyte[] {
  const panel = LAB_PANELS[orderCode];
  if (!panel) throw new RangeError(`no lab panel for order code: ${orderCode}`);
  return panel;
}

/** The reference range of an analyte for a person of the given sex. */
export function referenceRangeFor(analyte: LabAnalyte, sex: 'female' | 'male'): RangeSpec | undefined {
  const range = analyte.range;
  if (range === undefined) return undefined;
  return 'text' in range ? range : range[sex];
}

/** Interprets a numeric value against a range, as the lab flags it (H/L). */
export function interpretValue(value: number, range: RangeSpec | undefined): 'normal' | 'high' | 'low' {
  if (range?.high !== undefined && value > range.high) return 'high';
  if (range?.low !== undefined && value < range.low) return 'low';
  return 'normal';
}

/** LOINC code and UCUM unit of a measurement. */
export interface MeasurementCoding {
  readonly loinc: string;
  readonly unit: string;
  readonly zh: string;
  readonly en: string;
}

/** LOINC and UCUM for every measurement of the adult preventive check (SPEC r10). */
export const PREVENTIVE_MEASUREMENT_CODES: Readonly<Record<PreventiveMeasurement, MeasurementCoding>> = {
  height: { loinc: '8302-2', unit: 'cm', zh: '身高', en: 'Body height' },
  weight: { loinc: '29463-7', unit: 'kg', zh: '體重', en: 'Body weight' },
  bmi: { loinc: '39156-5', unit: 'kg/m2', zh: '身體質量指數', en: 'Body mass index' },
  waist: { loinc: '8280-0', unit: 'cm', zh: '腰圍', en: 'Waist circumference' },
  systolic: { loinc: '8480-6', unit: 'mm[Hg]', zh: '收縮壓', en: 'Systolic blood pressure' },
  diastolic: { loinc: '8462-4', unit: 'mm[Hg]', zh: '舒張壓', en: 'Diastolic blood pressure' },
  totalCholesterol: { loinc: CHOLESTEROL.loinc, unit: 'mg/dL', zh: CHOLESTEROL.zh, en: CHOLESTEROL.en },
  triglycerides: { loinc: TG.loinc, unit: 'mg/dL', zh: TG.zh, en: TG.en },
  hdl: { loinc: HDL.loinc, unit: 'mg/dL', zh: HDL.zh, en: HDL.en },
  ldl: { loinc: LDL.loinc, unit: 'mg/dL', zh: LDL.zh, en: LDL.en },
  fastingGlucose: { loinc: GLUCOSE_AC.loinc, unit: 'mg/dL', zh: GLUCOSE_AC.zh, en: GLUCOSE_AC.en },
  bun: { loinc: BUN.loinc, unit: 'mg/dL', zh: BUN.zh, en: BUN.en },
  creatinine: { loinc: CREATININE.loinc, unit: 'mg/dL', zh: CREATININE.zh, en: CREATININE.en },
  egfr: { loinc: EGFR.loinc, unit: 'mL/min/{1.73_m2}', zh: EGFR.zh, en: EGFR.en },
  ast: { loinc: AST.loinc, unit: 'U/L', zh: AST.zh, en: AST.en },
  alt: { loinc: ALT.loinc, unit: 'U/L', zh: ALT.zh, en: ALT.en },
};

/** The qualitative results of the preventive check, coded like the lab analytes. */
export const PREVENTIVE_QUALITATIVE_CODES = {
  urineProtein: { loinc: '20454-5', zh: '尿蛋白', en: 'Protein, urine (test strip)' },
  hbsag: { loinc: '5196-1', zh: 'B型肝炎表面抗原', en: 'Hepatitis B surface antigen' },
  antiHcv: { loinc: '16128-1', zh: 'C型肝炎抗體', en: 'Hepatitis C virus antibody' },
} as const;

export const VITAL_SIGNS = [
  'heartRate',
  'respiratoryRate',
  'bodyTemperature',
  'oxygenSaturation',
  'meanBloodPressure',
] as const;
export type VitalSign = (typeof VITAL_SIGNS)[number];

/** LOINC and UCUM for the vital signs of the TW Core vital-signs value set not covered above. */
export const VITAL_SIGN_CODES: Readonly<Record<VitalSign, MeasurementCoding>> = {
  heartRate: { loinc: '8867-4', unit: '/min', zh: '心跳', en: 'Heart rate' },
  respiratoryRate: { loinc: '9279-1', unit: '/min', zh: '呼吸速率', en: 'Respiratory rate' },
  bodyTemperature: { loinc: '8310-5', unit: 'Cel', zh: '體溫', en: 'Body temperature' },
  oxygenSaturation: { loinc: '2708-6', unit: '%', zh: '血氧飽和度', en: 'Oxygen saturation in arterial blood' },
  meanBloodPressure: { loinc: '8478-0', unit: 'mm[Hg]', zh: '平均血壓', en: 'Mean blood pressure' },
};
