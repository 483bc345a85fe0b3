/**
 * The field numbering of NHI's `myhealthbank.bdata` file, exactly as SPEC appendix A lists it, and
 * the words its values use. No field number the appendix does not list for a section is written:
 * parsers of real files flag any other key (docs/formats-mhb.md). Keys are built once here.
 */

/** `r1.5`-style key of a field. */
const keys = <K extends string>(section: K, n: number) => `${section}.${n}` as const;

export interface VisitLayout {
  readonly section: 'r1' | 'r3' | 'r9';
  readonly orders: 'r1_1' | 'r3_1' | 'r9_1';
  /** r1.1 門診/急診; only the outpatient section has it. */
  readonly type?: string;
  readonly branch: string;
  /** r1.3 醫事機構代碼; appendix A gives no institution code for r3 and r9. */
  readonly code?: string;
  readonly name: string;
  readonly date: string;
  readonly serial: string;
  /** Principal diagnosis code and name, then five secondary pairs. */
  readonly diagnoses: readonly (readonly [string, string])[];
  /** Principal procedure code and name, then two secondary pairs. */
  readonly procedures: readonly (readonly [string, string])[];
  readonly copay: string;
  readonly points: string;
  readonly order: { readonly code: string; readonly name: string; readonly quantity: string; readonly days: string };
}

const pairs = (section: string, principal: number, secondaryStart: number, secondaryPairs: number) => {
  const out: (readonly [string, string])[] = [[keys(section, principal), keys(section, principal + 1)]];
  for (let i = 0; i < secondaryPairs; i++) {
    out.push([keys(section, secondaryStart + 2 * i), keys(section, secondaryStart + 2 * i + 1)]);
  }
  return out;
};

/** r1 西醫門(急)診: r1.1–r1.5, r1.7–r1.27 (appendix A lists no r1.6); r1_1.1–.4. */
export const R1: VisitLayout = {
  section: 'r1',
  orders: 'r1_1',
  type: 'r1.1',
  branch: 'r1.2',
  code: 'r1.3',
  name: 'r1.4',
  date: 'r1.5',
  serial: 'r1.7',
  diagnoses: pairs('r1', 8, 14, 5),
  procedures: pairs('r1', 10, 24, 2),
  copay: 'r1.12',
  points: 'r1.13',
  order: { code: 'r1_1.1', name: 'r1_1.2', quantity: 'r1_1.3', days: 'r1_1.4' },
};

/** r3 牙醫: r3.2, r3.4–r3.26 (no r3.1, no r3.3); r3_1.1–.3 and .6 (days), .4/.5 not listed. */
export const R3: VisitLayout = {
  section: 'r3',
  orders: 'r3_1',
  branch: 'r3.2',
  name: 'r3.4',
  date: 'r3.5',
  serial: 'r3.6',
  diagnoses: pairs('r3', 7, 13, 5),
  procedures: pairs('r3', 9, 23, 2),
  copay: 'r3.11',
  points: 'r3.12',
  order: { code: 'r3_1.1', name: 'r3_1.2', quantity: 'r3_1.3', days: 'r3_1.6' },
};

/** r9 中醫: "like r3" in appendix A; r9_1.1–.4. */
export const R9: VisitLayout = {
  section: 'r9',
  orders: 'r9_1',
  branch: 'r9.2',
  name: 'r9.4',
  date: 'r9.5',
  serial: 'r9.6',
  diagnoses: pairs('r9', 7, 13, 5),
  procedures: pairs('r9', 9, 23, 2),
  copay: 'r9.11',
  points: 'r9.12',
  order: { code: 'r9_1.1', name: 'r9_1.2', quantity: 'r9_1.3', days: 'r9_1.4' },
};

/**
 * r2 住院: r2.2, r2.4–r2.6, r2.9–r2.91 (no institution code); r2_1.2–.6 (no r2_1.1).
 * 19 secondary diagnosis pairs (r2.16–r2.53) and 19 procedure pairs (r2.54–r2.91).
 */
export const R2 = {
  section: 'r2',
  orders: 'r2_1',
  branch: 'r2.2',
  name: 'r2.4',
  admission: 'r2.5',
  discharge: 'r2.6',
  serial: 'r2.9',
  diagnoses: [['r2.10', 'r2.11'] as const, ...pairs('r2', 16, 16, 19).slice(1)],
  procedures: [['r2.12', 'r2.13'] as const, ...pairs('r2', 54, 54, 19).slice(1)],
  copay: 'r2.14',
  points: 'r2.15',
  order: {
    start: 'r2_1.2',
    end: 'r2_1.3',
    code: 'r2_1.4',
    name: 'r2_1.5',
    quantity: 'r2_1.6',
  },
} as const;

/** r4 過敏: r4.1, r4.2, r4.9–r4.12 (appendix A lists nothing between r4.2 and r4.9). */
export const R4 = {
  date: 'r4.1',
  allergen: 'r4.2',
  severity: 'r4.9',
  symptoms: 'r4.10',
  note: 'r4.11',
  source: 'r4.12',
} as const;

/** r5 器捐/安寧意願: r5.1–r5.3, with appendix A's suggested use (their meaning is not public). */
export const R5 = { wish: 'r5.1', date: 'r5.2', note: 'r5.3' } as const;

/** r6 預防接種: r6.1, r6.3 (the lot inside it, "(批號:xxx)"), r6.5; nothing else. */
export const R6 = { date: 'r6.1', vaccine: 'r6.3', institutionName: 'r6.5' } as const;

/** r7 檢驗結果: r7.3–r7.12. */
export const R7 = {
  code: 'r7.3',
  name: 'r7.4',
  date: 'r7.5',
  reportDate: 'r7.6',
  reportedAt: 'r7.7',
  orderCode: 'r7.8',
  orderName: 'r7.9',
  item: 'r7.10',
  value: 'r7.11',
  range: 'r7.12',
} as const;

/** r8 影像或病理: r8.4–r8.10 (institution name only). */
export const R8 = {
  name: 'r8.4',
  date: 'r8.5',
  reportDate: 'r8.6',
  reportedAt: 'r8.7',
  orderCode: 'r8.8',
  orderName: 'r8.9',
  text: 'r8.10',
} as const;

/**
 * r10 成人預防保健: r10.2, r10.4–r10.28, r10.30–r10.42 (no r10.1, r10.3, r10.29). Assessments
 * are (評估結果, 評估說明) pairs.
 */
export const R10 = {
  name: 'r10.2',
  phone: 'r10.4',
  date: 'r10.5',
  measurements: {
    height: 'r10.6',
    weight: 'r10.7',
    bmi: 'r10.8',
    waist: 'r10.9',
    systolic: 'r10.10',
    diastolic: 'r10.11',
    totalCholesterol: 'r10.14',
    triglycerides: 'r10.15',
    hdl: 'r10.16',
    ldl: 'r10.17',
    fastingGlucose: 'r10.20',
    bun: 'r10.23',
    creatinine: 'r10.24',
    egfr: 'r10.25',
    ast: 'r10.31',
    alt: 'r10.32',
  },
  assessments: {
    bloodPressure: ['r10.12', 'r10.13'],
    lipids: ['r10.18', 'r10.19'],
    glucose: ['r10.21', 'r10.22'],
    kidney: ['r10.26', 'r10.27'],
    liver: ['r10.33', 'r10.34'],
    hepatitisB: ['r10.37', 'r10.38'],
    hepatitisC: ['r10.41', 'r10.42'],
  },
  urineProtein: 'r10.28',
  metabolicSyndrome: 'r10.30',
  hbvScreened: 'r10.35',
  hbsag: 'r10.36',
  hcvScreened: 'r10.39',
  antiHcv: 'r10.40',
} as const;

/** r11 癌症篩檢: r11.1, r11.2, the screenings nested in r11_1 (.1–.4). */
export const R11 = {
  kind: 'r11.1',
  item: 'r11.2',
  results: 'r11_1',
  date: 'r11_1.1',
  institutionName: 'r11_1.2',
  result: 'r11_1.3',
  resultText: 'r11_1.4',
} as const;

/** An empty section, as NHI writes it: `[{"r7": "無資料"}]`. */
export const NO_DATA = '無資料';

/** The declaration (r0, one row) shown with the data, unless the caller gives its own. */
export const DEFAULT_DECLARATION =
  '本檔案依您於 healthbank 同意提供之資料類別與期間產製，資料來源為全民健康保險就醫紀錄，' +
  '僅供您本人及您授權之應用程式作健康管理參考，不得作為醫療診斷之依據；如有疑義，請洽原就醫院所。';

/** Words the file uses for enumerated values (as the NHI app shows them), both ways. */
export class Vocabulary<V extends string> {
  private readonly back: ReadonlyMap<string, V>;

  constructor(
    readonly name: string,
    private readonly words: Readonly<Record<V, string>>,
  ) {
    this.back = new Map(Object.entries(words).map(([v, w]) => [w as string, v as V]));
  }

  word(value: V): string {
    return this.words[value];
  }

  /** The value for a word, or undefined when the word is not one of this vocabulary's. */
  value(word: string): V | undefined {
    return this.back.get(word);
  }
}

export const VISIT_TYPE = new Vocabulary('visit type', { outpatient: '門診', emergency: '急診' });
export const SEVERITY = new Vocabulary('severity', { mild: '輕度', moderate: '中度', severe: '重度' });
export const ALLERGY_SOURCE = new Vocabulary('registration', {
  institution: '醫療院所登錄',
  self_reported: '民眾自行登錄',
});
export const CARE_WISH = new Vocabulary('care wish', {
  organ_donation: '器官捐贈',
  hospice_palliative: '安寧緩和醫療',
  life_sustaining_refusal: '不施行維生醫療',
  advance_decision: '預立醫療決定',
});
export const ASSESSMENT = new Vocabulary('assessment', { normal: '正常', abnormal: '異常', follow_up: '需追蹤' });
export const QUALITATIVE = new Vocabulary('qualitative result', { negative: '陰性', trace: '微量', positive: '陽性' });
export const SCREENING_KIND = new Vocabulary('screening', {
  cervical: '子宮頸癌',
  breast: '乳癌',
  colorectal: '大腸癌',
  oral: '口腔癌',
});
export const SCREENING_RESULT = new Vocabulary('screening result', {
  negative: '陰性',
  positive: '陽性',
  inadequate: '無法判讀',
});
export const YES_NO = new Vocabulary('yes/no', { yes: '是', no: '否' });

/** Separates several symptoms in r4.10. */
export const SYMPTOM_SEPARATOR = '、';
