/**
 * @healthbank/sdk — what health apps embed: connect to the platform with the citizen's consent,
 * receive files signed by the platform and encrypted to this device, and read them as typed data.
 * Runs in browsers, Node 20 and WebCrypto-capable mobile runtimes (no Node-only imports).
 */

export type {
  AdultPreventiveRecord,
  AllergyRecord,
  CancerScreeningRecord,
  CareWishesRecord,
  CategoryId,
  DentalRecord,
  ExportClaims,
  Fhir,
  HealthRecord,
  ImagingPathologyRecord,
  ImmunizationRecord,
  InpatientRecord,
  LabRecord,
  MhbFile,
  OutpatientRecord,
  RecordOf,
  RecordsByCategory,
  TcmRecord,
} from '@healthbank/records';
/** The eleven categories with their names and descriptions in zh-TW and English, for an app's own pages. */
export { CATEGORIES, CATEGORY_IDS, type Category, getCategory } from '@healthbank/records';
export * from './client/index.js';
export * from './envelope/index.js';
export * from './errors.js';
