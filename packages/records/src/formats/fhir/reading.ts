/**
 * What `fromFhirBundle` returns: the platform's records as the `fhir` format carries them.
 *
 * The format carries nearly every field of a record; what it leaves out is listed in
 * `FHIR_UNCARRIED_FIELDS` (claim items of a visit, the 報告日 of lab and imaging results, the
 * institution that registered an allergy, English names of ICD-10 and NHI codes). Each reading is
 * its record type without those fields, validated with the record schemas of `record.ts` minus
 * the same fields, so that an app can use a reading wherever it would use the record.
 */
import * as z from 'zod';
import type { CategoryId } from '../../categories.js';
import {
  adultPreventiveRecordSchema,
  allergyRecordSchema,
  cancerScreeningRecordSchema,
  careWishesRecordSchema,
  codingSchema,
  dentalRecordSchema,
  imagingPathologyRecordSchema,
  immunizationRecordSchema,
  inpatientRecordSchema,
  labRecordSchema,
  outpatientRecordSchema,
  tcmRecordSchema,
} from '../../record.js';

/**
 * Record fields the `fhir` format does not carry, so `fromFhirBundle(toFhirBundle(x))` cannot
 * return them; everything else comes back equal (docs/formats-fhir.md, "Reading a Bundle back").
 * Paths are within a record; `[]` means every element of a list.
 */
export const FHIR_UNCARRIED_FIELDS = {
  /** A reading's id is the id of its main resource (the Encounter, the Observation …), not the record's. */
  everyRecord: ['id'],
  byCategory: {
    outpatient: ['serial', 'copay', 'points', 'diagnoses[].displayEn', 'procedures[].displayEn'],
    tcm: ['serial', 'copay', 'points', 'diagnoses[].displayEn', 'procedures[].displayEn'],
    dental: ['serial', 'copay', 'points', 'diagnoses[].displayEn', 'procedures[].displayEn'],
    inpatient: ['serial', 'copay', 'points', 'diagnoses[].displayEn', 'procedures[].displayEn'],
    allergy: ['institution'],
    lab: ['reportDate', 'order.displayEn'],
    imaging_pathology: ['reportDate', 'order.displayEn'],
    adult_preventive: [],
    cancer_screening: [],
    care_wishes: [],
    immunization: [],
  },
  /** Visit order lines of these kinds have no resource: fees are claim items; lab orders' results are r7 Observations. */
  orderKinds: ['fee', 'lab'],
  /** A visit's procedure order lines come back with quantity 1: FHIR's Procedure has no quantity. */
  procedureOrder: ['quantity'],
  /** Allergens without an ATC code (food, environment) are coded by text alone. */
  nonDrugAllergen: ['allergen.code', 'allergen.displayEn'],
} as const satisfies {
  everyRecord: readonly string[];
  byCategory: Record<CategoryId, readonly string[]>;
  orderKinds: readonly string[];
  procedureOrder: readonly string[];
  nonDrugAllergen: readonly string[];
};

const CLAIM = { serial: true, copay: true, points: true } as const;

export const fhirOutpatientRecordSchema = outpatientRecordSchema.omit(CLAIM);
export const fhirTcmRecordSchema = tcmRecordSchema.omit(CLAIM);
export const fhirDentalRecordSchema = dentalRecordSchema.omit(CLAIM);
export const fhirInpatientRecordSchema = inpatientRecordSchema.omit(CLAIM);
export const fhirAllergyRecordSchema = allergyRecordSchema
  .omit({ institution: true })
  .extend({ allergen: codingSchema.extend({ code: z.string().min(1).optional() }) });
export const fhirLabRecordSchema = labRecordSchema.omit({ reportDate: true });
export const fhirImagingPathologyRecordSchema = imagingPathologyRecordSchema.omit({ reportDate: true });

/** Every reading `fromFhirBundle` can return, told apart by `category`. */
export const fhirRecordSchema = z.discriminatedUnion('category', [
  fhirOutpatientRecordSchema,
  fhirTcmRecordSchema,
  fhirDentalRecordSchema,
  fhirInpatientRecordSchema,
  fhirAllergyRecordSchema,
  fhirImagingPathologyRecordSchema,
  adultPreventiveRecordSchema,
  cancerScreeningRecordSchema,
  careWishesRecordSchema,
  immunizationRecordSchema,
  fhirLabRecordSchema,
]);

export type FhirOutpatientRecord = z.infer<typeof fhirOutpatientRecordSchema>;
export type FhirTcmRecord = z.infer<typeof fhirTcmRecordSchema>;
export type FhirDentalRecord = z.infer<typeof fhirDentalRecordSchema>;
export type FhirInpatientRecord = z.infer<typeof fhirInpatientRecordSchema>;
export type FhirAllergyRecord = z.infer<typeof fhirAllergyRecordSchema>;
export type FhirLabRecord = z.infer<typeof fhirLabRecordSchema>;
export type FhirImagingPathologyRecord = z.infer<typeof fhirImagingPathologyRecordSchema>;
export type FhirRecord = z.infer<typeof fhirRecordSchema>;

/** The reading of one category, e.g. `FhirRecordOf<'lab'>` is `FhirLabRecord`. */
export type FhirRecordOf<C extends CategoryId> = Extract<FhirRecord, { category: C }>;

/** What `fromFhirBundle` returns: the categories that have records, in canonical order. */
export type FhirRecordsByCategory = { [C in CategoryId]?: FhirRecordOf<C>[] };
