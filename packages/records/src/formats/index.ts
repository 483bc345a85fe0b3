/**
 * The content formats of an export: `records` (typed JSON), `fhir` (an R4 Bundle following TW
 * Core) and `mhb` (NHI's own `myhealthbank.bdata` JSON). All are pure functions of the records.
 */
export * from './errors.js';
export * from './fhir/index.js';
export type * as Fhir from './fhir/types.js';
export type { ContentInput } from './input.js';
export * from './mhb/index.js';
export * from './records.js';
export { deterministicUuid } from './uuid.js';

/** The content formats an app can ask for. */
export const CONTENT_FORMATS = ['records', 'fhir', 'mhb'] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];
