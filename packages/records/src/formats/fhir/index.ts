/**
 * The `fhir` content format: one FHIR R4 Bundle of type `collection` whose resources follow the
 * TW Core IG 0.3.2 profiles, each with a short zh-TW narrative; `fromFhirBundle` reads such a
 * Bundle back into records. Mapping decisions are documented in docs/formats-fhir.md.
 *
 * Why `collection`: the file is a package of resources handed to an app, not the result of a
 * search on a FHIR server (`searchset` implies a query, `search.mode` and paging links) nor a
 * signed clinical document (`document` needs a Composition and attestation). References between
 * entries use the entries' `urn:uuid:` fullUrls, which FHIR resolves inside the Bundle.
 */
import type { CategoryId } from '../../categories.js';
import type { RecordOf } from '../../record.js';
import { type ContentInput, checkInstant, coveredCategories, recordsOf } from '../input.js';
import { deterministicUuid } from '../uuid.js';
import { type BuildContext, createContext, urnOf } from './context.js';
import { addLab } from './labs.js';
import { type FhirPatient, patientResource } from './patient.js';
import { addPreventive } from './preventive.js';
import { addAllergy, addCareWish, addImmunization } from './registrations.js';
import { addReport } from './reports.js';
import { addScreening } from './screening.js';
import { PROFILES } from './terminology.js';
import type { Bundle, Identifier } from './types.js';
import { toInstant } from './values.js';
import { addVisit } from './visits.js';

export type { FhirPatient, FhirPatientIdentifier } from './patient.js';
export { fromFhirBundle } from './read.js';
export {
  FHIR_UNCARRIED_FIELDS,
  type FhirAllergyRecord,
  type FhirDentalRecord,
  type FhirImagingPathologyRecord,
  type FhirInpatientRecord,
  type FhirLabRecord,
  type FhirOutpatientRecord,
  type FhirRecord,
  type FhirRecordOf,
  type FhirRecordsByCategory,
  type FhirTcmRecord,
} from './reading.js';
export { PROFILES as TWCORE_PROFILES, TWCORE_SYSTEMS } from './terminology.js';

export interface FhirBundleInput extends ContentInput {
  patient: FhirPatient;
  /**
   * Mixed into every resource id. Ids are deterministic (the same record gives the same id in
   * every export), so pass something per person and per app, such as the pairwise subject, to
   * keep two apps from correlating ids. Default: the patient identifier's system and value.
   */
  idNamespace?: string;
  /** Bundle.identifier, e.g. the export id. */
  identifier?: Identifier;
}

type Adder<C extends CategoryId> = (ctx: BuildContext, record: RecordOf<C>) => unknown;

const ADDERS: { readonly [C in CategoryId]: Adder<C> } = {
  outpatient: addVisit,
  tcm: addVisit,
  dental: addVisit,
  inpatient: addVisit,
  allergy: addAllergy,
  imaging_pathology: addReport,
  adult_preventive: addPreventive,
  cancer_screening: addScreening,
  care_wishes: addCareWish,
  immunization: addImmunization,
  lab: addLab,
};

function defaultNamespace(patient: FhirPatient): string {
  const id = patient.identifier;
  return id.kind === 'pairwise' ? `${id.system}|${id.value}` : `national-id|${id.value}`;
}

/**
 * Builds the FHIR R4 Bundle of one person's records.
 * @example
 * toFhirBundle({
 *   patient: { identifier: { kind: 'pairwise', system: 'https://healthbank.example/sub', value: sub },
 *              sex: 'female', birthDate: '1978-04-02' },
 *   records: { lab: labs },
 *   generatedAt: '2025-06-30T09:00:00+08:00',
 * }).entry.length
 */
export function toFhirBundle(input: FhirBundleInput): Bundle {
  const categories = coveredCategories(input);
  const timestamp = toInstant(checkInstant(input.generatedAt, 'generatedAt'));
  const namespace = input.idNamespace ?? defaultNamespace(input.patient);
  const patientId = deterministicUuid(namespace, 'Patient');
  const ctx = createContext(namespace, input.patient.sex, patientId);
  const patient = { fullUrl: urnOf(patientId), resource: patientResource(patientId, input.patient) };
  for (const category of categories) {
    const add = ADDERS[category] as Adder<CategoryId>;
    for (const record of recordsOf(input.records, category)) add(ctx, record);
  }
  return {
    resourceType: 'Bundle',
    id: deterministicUuid(namespace, 'Bundle', timestamp),
    meta: { profile: [PROFILES.bundle] },
    ...(input.identifier ? { identifier: input.identifier } : {}),
    type: 'collection',
    timestamp,
    entry: [patient, ...ctx.organizations, ...ctx.entries],
  };
}
