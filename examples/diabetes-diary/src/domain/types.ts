/**
 * The parts of the SDK's typed records the diary reads. Declared structurally (a subset of
 * `LabRecord` and `OutpatientRecord` in the `records` content format), so the domain modules stay
 * pure and any record the SDK returns fits them.
 */

export interface Institution {
  code: string;
  name: string;
}

/** A lab result (檢驗結果, category `lab`). */
export interface LabResult {
  id: string;
  /** The visit date the result belongs to, `YYYY-MM-DD`. */
  date: string;
  institution?: Institution;
  /** NHI payment code and name, e.g. 09006C 醣化血紅素. */
  order: { code: string; display: string; displayEn?: string };
  item: string;
  loinc: string;
  /** The result as reported. */
  value: string;
  quantity?: { value: number; unit: string };
  referenceRange?: { low?: number; high?: number; text: string };
  interpretation?: 'normal' | 'high' | 'low' | 'abnormal';
}

/** One order (醫令) of a visit. */
export interface Order {
  code: string;
  name: string;
  kind: 'drug' | 'herb' | 'lab' | 'procedure' | 'fee';
  /** Total quantity (總量): tablets or capsules for drugs. */
  quantity: number;
  /** Days supplied (給藥日份). */
  days?: number;
  atc?: string;
}

/** An outpatient or emergency visit (西醫門診, category `outpatient`). */
export interface Visit {
  id: string;
  date: string;
  institution: Institution;
  visitType: 'outpatient' | 'emergency';
  diagnoses: { code: string; display: string; displayEn?: string }[];
  orders: Order[];
}

/** The categories the diary imports. */
export interface DiaryRecords {
  lab?: LabResult[];
  outpatient?: Visit[];
}

/** A closed date range; `null` is unbounded on that side (as in the export file's `period`). */
export interface Period {
  from: string | null;
  to: string | null;
}
