/**
 * Typed record shapes, one per category, with runtime validation.
 *
 * Each shape carries every field of NHI's own file layout (SPEC appendix A) plus what the FHIR
 * mapping needs (codes with their systems, units, reference ranges, institutions, dates), so the
 * three content formats (`records`, `fhir`, `mhb`) can be derived from a record alone.
 *
 * Conventions: dates are ISO `YYYY-MM-DD`; instants are ISO 8601 with an offset; money is whole NTD;
 * quantities are numbers with a UCUM unit. `date` on every record is the date the period filter of
 * a consent applies to (visit, admission, registration, examination or vaccination date).
 */
import * as z from 'zod';
import type { CategoryId } from './categories.js';

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });

/** 醫事機構代碼 (10 digits) and name. */
export const institutionSchema = z.object({
  code: z.string().regex(/^\d{10}$/),
  name: z.string().min(1),
});
export type Institution = z.infer<typeof institutionSchema>;

/** A code from a code system, with its Chinese display and, where known, its English one. */
export const codingSchema = z.object({
  code: z.string().min(1),
  display: z.string().min(1),
  displayEn: z.string().min(1).optional(),
});
export type Coding = z.infer<typeof codingSchema>;

/** A measured value with its UCUM unit. */
export const quantitySchema = z.object({
  value: z.number().finite(),
  unit: z.string().min(1),
});
export type Quantity = z.infer<typeof quantitySchema>;

export const referenceRangeSchema = z.object({
  low: z.number().finite().optional(),
  high: z.number().finite().optional(),
  /** As NHI prints it, e.g. `[0.7][1.3]` or `<5.7`. */
  text: z.string(),
});
export type ReferenceRange = z.infer<typeof referenceRangeSchema>;

/** What an order line is: a drug, a herbal preparation, a lab test, a procedure, or a fee. */
export const ORDER_KINDS = ['drug', 'herb', 'lab', 'procedure', 'fee'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/** One order (醫令) of a visit: NHI drug code (10 chars) or NHI payment code (e.g. 09005C). */
export const orderSchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(ORDER_KINDS),
  /** Total quantity (總量): tablets for drugs, grams for herbs, 1 for a test or fee. */
  quantity: z.number().nonnegative(),
  /** Days supplied (給藥日份), drugs and herbs only. */
  days: z.number().int().positive().optional(),
  /** ATC code for drugs, for FHIR mapping and interaction checks. */
  atc: z.string().optional(),
});
export type Order = z.infer<typeof orderSchema>;

const base = {
  /** Opaque, stable record id; unique across the platform. */
  id: z.string().min(1).max(64),
  date: isoDate,
};

/** The three ambulatory categories share one shape (r1, r9, r3). */
const visitFields = {
  ...base,
  institution: institutionSchema,
  /** 就醫序號, e.g. `0012` or `IC07`. */
  serial: z.string().min(1),
  /** Principal diagnosis first (ICD-10-CM), then up to five secondary ones. */
  diagnoses: z.array(codingSchema).min(1).max(6),
  /** Principal procedure first (ICD-10-PCS), then up to two secondary ones. */
  procedures: z.array(codingSchema).max(3),
  /** 部分負擔, NTD. */
  copay: z.number().int().nonnegative(),
  /** 申請點數, NHI points claimed. */
  points: z.number().int().nonnegative(),
  orders: z.array(orderSchema),
};

export const VISIT_TYPES = ['outpatient', 'emergency'] as const;

export const outpatientRecordSchema = z.object({
  ...visitFields,
  category: z.literal('outpatient'),
  /** r1.1: 門診 or 急診. */
  visitType: z.enum(VISIT_TYPES),
});

export const tcmRecordSchema = z.object({ ...visitFields, category: z.literal('tcm') });

export const dentalRecordSchema = z.object({ ...visitFields, category: z.literal('dental') });

export const inpatientOrderSchema = orderSchema.extend({ start: isoDate, end: isoDate });
export type InpatientOrder = z.infer<typeof inpatientOrderSchema>;

export const inpatientRecordSchema = z.object({
  ...base,
  category: z.literal('inpatient'),
  institution: institutionSchema,
  /** Admission date; `date` repeats it so that all categories filter alike. */
  admissionDate: isoDate,
  dischargeDate: isoDate,
  serial: z.string().min(1),
  /** Principal diagnosis first, then up to 19 secondary ones (r2.16–r2.53). */
  diagnoses: z.array(codingSchema).min(1).max(20),
  procedures: z.array(codingSchema).max(20),
  copay: z.number().int().nonnegative(),
  points: z.number().int().nonnegative(),
  orders: z.array(inpatientOrderSchema),
});

export const ALLERGEN_KINDS = ['drug', 'food', 'environment'] as const;
export const SEVERITIES = ['mild', 'moderate', 'severe'] as const;
/** r4.12 登錄方式: by a clinician at an institution, or reported by the citizen. */
export const ALLERGY_SOURCES = ['institution', 'self_reported'] as const;

export const allergyRecordSchema = z.object({
  ...base,
  category: z.literal('allergy'),
  allergenKind: z.enum(ALLERGEN_KINDS),
  /** For drugs: the ATC code and name; otherwise a free-text allergen with a local code. */
  allergen: codingSchema,
  severity: z.enum(SEVERITIES),
  symptoms: z.array(z.string().min(1)).min(1),
  note: z.string().optional(),
  source: z.enum(ALLERGY_SOURCES),
  institution: institutionSchema.optional(),
});

export const REPORT_KINDS = ['imaging', 'pathology'] as const;

export const imagingPathologyRecordSchema = z.object({
  ...base,
  category: z.literal('imaging_pathology'),
  kind: z.enum(REPORT_KINDS),
  institution: institutionSchema,
  reportDate: isoDate,
  /** When the report was uploaded to NHI (r8.7). */
  reportedAt: isoDateTime,
  /** NHI payment code of the examination, e.g. 33070B. */
  order: codingSchema,
  reportText: z.string().min(1),
});

/** A qualitative test result (urine protein, HBsAg, Anti-HCV). */
export const QUALITATIVE_RESULTS = ['negative', 'trace', 'positive'] as const;

/** The assessment a physician records for each group of results (r10 評估 pairs). */
export const assessmentSchema = z.object({
  status: z.enum(['normal', 'abnormal', 'follow_up']),
  text: z.string(),
});
export type Assessment = z.infer<typeof assessmentSchema>;

/** Measurement keys of the adult preventive check; LOINC codes live in `codes/lab-items`. */
export const PREVENTIVE_MEASUREMENTS = [
  'height',
  'weight',
  'bmi',
  'waist',
  'systolic',
  'diastolic',
  'totalCholesterol',
  'triglycerides',
  'hdl',
  'ldl',
  'fastingGlucose',
  'bun',
  'creatinine',
  'egfr',
  'ast',
  'alt',
] as const;
export type PreventiveMeasurement = (typeof PREVENTIVE_MEASUREMENTS)[number];

export const adultPreventiveRecordSchema = z.object({
  ...base,
  category: z.literal('adult_preventive'),
  institution: institutionSchema,
  /** r10.4 院所電話. */
  phone: z.string(),
  measurements: z.object(
    Object.fromEntries(PREVENTIVE_MEASUREMENTS.map((k) => [k, quantitySchema])) as Record<
      PreventiveMeasurement,
      typeof quantitySchema
    >,
  ),
  urineProtein: z.enum(QUALITATIVE_RESULTS),
  metabolicSyndrome: z.boolean(),
  /** Hepatitis B and C screening is offered once in a lifetime; absent when not done. */
  hbsag: z.enum(QUALITATIVE_RESULTS).optional(),
  antiHcv: z.enum(QUALITATIVE_RESULTS).optional(),
  assessments: z.object({
    bloodPressure: assessmentSchema,
    lipids: assessmentSchema,
    glucose: assessmentSchema,
    kidney: assessmentSchema,
    liver: assessmentSchema,
    hepatitisB: assessmentSchema.optional(),
    hepatitisC: assessmentSchema.optional(),
  }),
});

export const SCREENING_KINDS = ['cervical', 'breast', 'colorectal', 'oral'] as const;
export type ScreeningKind = (typeof SCREENING_KINDS)[number];
export const SCREENING_RESULTS = ['negative', 'positive', 'inadequate'] as const;

export const cancerScreeningRecordSchema = z.object({
  ...base,
  category: z.literal('cancer_screening'),
  kind: z.enum(SCREENING_KINDS),
  institution: institutionSchema,
  /** The examination, e.g. 子宮頸抹片檢查. */
  item: z.string().min(1),
  result: z.enum(SCREENING_RESULTS),
  /** The result as the examiner wrote it. */
  resultText: z.string().min(1),
  note: z.string().optional(),
});

export const CARE_WISHES = [
  'organ_donation',
  'hospice_palliative',
  'life_sustaining_refusal',
  'advance_decision',
] as const;
export type CareWish = (typeof CARE_WISHES)[number];

export const careWishesRecordSchema = z.object({
  ...base,
  category: z.literal('care_wishes'),
  wish: z.enum(CARE_WISHES),
  /** Registered in the NHI card (註記於健保卡) or withdrawn later. */
  status: z.enum(['registered', 'withdrawn']),
  note: z.string().optional(),
});

export const immunizationRecordSchema = z.object({
  ...base,
  category: z.literal('immunization'),
  /** Vaccine with its CVX code and Chinese name. */
  vaccine: codingSchema,
  lot: z.string().min(1).optional(),
  doseNumber: z.number().int().positive().optional(),
  institution: institutionSchema,
});

export const INTERPRETATIONS = ['normal', 'high', 'low', 'abnormal'] as const;

export const labRecordSchema = z.object({
  ...base,
  category: z.literal('lab'),
  institution: institutionSchema,
  reportDate: isoDate,
  /** Upload time to NHI (r7.7). */
  reportedAt: isoDateTime,
  /** NHI payment code and name of the order, e.g. 09006C 醣化血紅素. */
  order: codingSchema,
  /** 子項目: the analyte when one order yields several (e.g. a lipid panel). */
  item: z.string().min(1),
  /** LOINC code of the analyte. */
  loinc: z.string().regex(/^\d{1,7}-\d$/),
  /** The result as reported (may be qualitative, e.g. `Negative`). */
  value: z.string().min(1),
  /** Parsed numeric value with its UCUM unit, when the result is numeric. */
  quantity: quantitySchema.optional(),
  referenceRange: referenceRangeSchema.optional(),
  interpretation: z.enum(INTERPRETATIONS).optional(),
});

export const recordSchema = z.discriminatedUnion('category', [
  outpatientRecordSchema,
  tcmRecordSchema,
  dentalRecordSchema,
  inpatientRecordSchema,
  allergyRecordSchema,
  imagingPathologyRecordSchema,
  adultPreventiveRecordSchema,
  cancerScreeningRecordSchema,
  careWishesRecordSchema,
  immunizationRecordSchema,
  labRecordSchema,
]);

export type OutpatientRecord = z.infer<typeof outpatientRecordSchema>;
export type TcmRecord = z.infer<typeof tcmRecordSchema>;
export type DentalRecord = z.infer<typeof dentalRecordSchema>;
export type VisitRecord = OutpatientRecord | TcmRecord | DentalRecord;
export type InpatientRecord = z.infer<typeof inpatientRecordSchema>;
export type AllergyRecord = z.infer<typeof allergyRecordSchema>;
export type ImagingPathologyRecord = z.infer<typeof imagingPathologyRecordSchema>;
export type AdultPreventiveRecord = z.infer<typeof adultPreventiveRecordSchema>;
export type CancerScreeningRecord = z.infer<typeof cancerScreeningRecordSchema>;
export type CareWishesRecord = z.infer<typeof careWishesRecordSchema>;
export type ImmunizationRecord = z.infer<typeof immunizationRecordSchema>;
export type LabRecord = z.infer<typeof labRecordSchema>;
export type HealthRecord = z.infer<typeof recordSchema>;

/** The record type of one category, e.g. `RecordOf<'lab'>` is `LabRecord`. */
export type RecordOf<C extends CategoryId> = Extract<HealthRecord, { category: C }>;

/** Records grouped by category, as the `records` content format and the CLI return them. */
export type RecordsByCategory = { [C in CategoryId]?: RecordOf<C>[] };

/** The institution a record came from, if the category has one; used for exclusions. */
export function institutionOf(record: HealthRecord): Institution | undefined {
  return 'institution' in record ? record.institution : undefined;
}

export type RecordValidation = { ok: true; record: HealthRecord } | { ok: false; issues: string[] };

/** Validates untrusted input as a record; the issues name the offending path. */
export function validateRecord(input: unknown): RecordValidation {
  const result = recordSchema.safeParse(input);
  if (result.success) return { ok: true, record: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
  };
}
