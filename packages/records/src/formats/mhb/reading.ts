/**
 * What a file in NHI's layout holds, as typed records: the type `fromMhb` returns and `toMhb`
 * writes from.
 *
 * A separate type rather than optional fields in `record.ts`: the platform's records, the
 * `records` and `fhir` formats and the apps using them rely on every record having its
 * institution code, vaccine code, care-wish status and so on, while NHI's layout (SPEC appendix A)
 * has no place for several of them and may leave any field empty. So each reading is its record
 * type with every field optional except `id` and `category`, without the fields the layout cannot
 * hold, and with the two things NHI writes that a record derives (業務組, whether hepatitis B/C
 * screening was done). Every record is a reading of itself, so `toMhb` takes either.
 */
import type { CategoryId } from '../../categories.js';
import type {
  AdultPreventiveRecord,
  ALLERGY_SOURCES,
  Assessment,
  CareWish,
  CareWishesRecord,
  OrderKind,
  PreventiveMeasurement,
  QUALITATIVE_RESULTS,
  Quantity,
  REPORT_KINDS,
  ReferenceRange,
  SCREENING_KINDS,
  SCREENING_RESULTS,
  SEVERITIES,
  VISIT_TYPES,
} from '../../record.js';

type Of<T extends readonly string[]> = T[number];

/** A 醫事機構 as the layout gives it: always the name, the code only in r1 and r7, the 業務組 where the section has one. */
export interface MhbInstitution {
  code?: string;
  name?: string;
  /** 業務組 as the file writes it (r1.2, r2.2, r3.2, r9.2); written from the code when absent. */
  branch?: string;
}

/** A code/name pair; a vaccine or an allergen has only its name in the layout. */
export interface MhbCoding {
  code?: string;
  display?: string;
}

export interface MhbOrder {
  code?: string;
  name?: string;
  /** Derived from the code by the curated code lists. */
  kind?: OrderKind;
  quantity?: number;
  days?: number;
  /** Derived from the drug code by the curated drug list. */
  atc?: string;
}

export interface MhbInpatientOrder extends MhbOrder {
  start?: string;
  end?: string;
}

interface Reading<C extends CategoryId> {
  /** Derived from the row's content (the file has no ids): `mhb-<uuid>`. */
  id: string;
  category: C;
  date?: string;
}

interface VisitReading<C extends 'outpatient' | 'tcm' | 'dental'> extends Reading<C> {
  institution?: MhbInstitution;
  serial?: string;
  diagnoses: MhbCoding[];
  procedures: MhbCoding[];
  copay?: number;
  points?: number;
  orders: MhbOrder[];
}

export interface MhbOutpatientRecord extends VisitReading<'outpatient'> {
  visitType?: Of<typeof VISIT_TYPES>;
}
export type MhbTcmRecord = VisitReading<'tcm'>;
export type MhbDentalRecord = VisitReading<'dental'>;

export interface MhbInpatientRecord extends Reading<'inpatient'> {
  institution?: MhbInstitution;
  admissionDate?: string;
  dischargeDate?: string;
  serial?: string;
  diagnoses: MhbCoding[];
  procedures: MhbCoding[];
  copay?: number;
  points?: number;
  orders: MhbInpatientOrder[];
}

/** r4 has the allergen's name, not its code, kind or the registering institution. */
export interface MhbAllergyRecord extends Reading<'allergy'> {
  allergen?: MhbCoding;
  severity?: Of<typeof SEVERITIES>;
  symptoms?: string[];
  note?: string;
  source?: Of<typeof ALLERGY_SOURCES>;
}

export interface MhbCareWishesRecord extends Reading<'care_wishes'> {
  wish?: CareWish;
  note?: string;
  /** Never read (the layout has no place for it); a record's `withdrawn` shows in r5.3. */
  status?: CareWishesRecord['status'];
}

/** r6 has the vaccine's name (the lot inside it) and the institution's name: no CVX code, no dose. */
export interface MhbImmunizationRecord extends Reading<'immunization'> {
  vaccine?: MhbCoding;
  lot?: string;
  institution?: MhbInstitution;
}

/** r7 as written; `loinc` and `quantity` are derived when the curated lab lists know the analyte. */
export interface MhbLabRecord extends Reading<'lab'> {
  institution?: MhbInstitution;
  reportDate?: string;
  reportedAt?: string;
  order?: MhbCoding;
  item?: string;
  loinc?: string;
  value?: string;
  quantity?: Quantity;
  referenceRange?: ReferenceRange;
}

export interface MhbImagingPathologyRecord extends Reading<'imaging_pathology'> {
  /** Derived from the order code by the NHI order list. */
  kind?: Of<typeof REPORT_KINDS>;
  institution?: MhbInstitution;
  reportDate?: string;
  reportedAt?: string;
  order?: MhbCoding;
  reportText?: string;
}

type AssessmentGroup = keyof AdultPreventiveRecord['assessments'];

export interface MhbAdultPreventiveRecord extends Reading<'adult_preventive'> {
  institution?: MhbInstitution;
  phone?: string;
  measurements: Partial<Record<PreventiveMeasurement, Quantity>>;
  assessments: Partial<Record<AssessmentGroup, Partial<Assessment>>>;
  urineProtein?: Of<typeof QUALITATIVE_RESULTS>;
  metabolicSyndrome?: boolean;
  /** r10.35 B肝篩檢 as written; a record says it by having `hbsag`. */
  hepatitisBScreened?: boolean;
  hbsag?: Of<typeof QUALITATIVE_RESULTS>;
  /** r10.39 C肝篩檢 as written; a record says it by having `antiHcv`. */
  hepatitisCScreened?: boolean;
  antiHcv?: Of<typeof QUALITATIVE_RESULTS>;
}

export interface MhbCancerScreeningRecord extends Reading<'cancer_screening'> {
  kind?: Of<typeof SCREENING_KINDS>;
  item?: string;
  institution?: MhbInstitution;
  result?: Of<typeof SCREENING_RESULTS>;
  resultText?: string;
}

export type MhbRecord =
  | MhbOutpatientRecord
  | MhbTcmRecord
  | MhbDentalRecord
  | MhbInpatientRecord
  | MhbAllergyRecord
  | MhbCareWishesRecord
  | MhbImmunizationRecord
  | MhbLabRecord
  | MhbImagingPathologyRecord
  | MhbAdultPreventiveRecord
  | MhbCancerScreeningRecord;

/** The reading of one category, e.g. `MhbRecordOf<'lab'>` is `MhbLabRecord`. */
export type MhbRecordOf<C extends CategoryId> = Extract<MhbRecord, { category: C }>;

/** What `fromMhb` returns and `toMhb` takes; `RecordsByCategory` is one too. */
export type MhbRecordsByCategory = { [C in CategoryId]?: MhbRecordOf<C>[] };
