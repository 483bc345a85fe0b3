/**
 * The `mhb` content format: NHI's own `{"myhealthbank":{"bdata":{…}}}` JSON (SPEC appendix A),
 * so that parsers written for files from the original SDK keep working. Field mapping:
 * docs/formats-mhb.md.
 */
export { fromMhb, MHB_READING_ONLY_FIELDS, MHB_UNCARRIED_FIELDS, readMhbHeader } from './read.js';
export type * from './reading.js';
export { type MhbFile, type MhbInput, type MhbRow, type MhbSubject, toMhb } from './write.js';
