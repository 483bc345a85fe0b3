/** Code lists as data: real codes, curated for what the platform and the generator use. */
export * from './drugs.js';
export * from './herbs.js';
export * from './icd10cm.js';
export * from './icd10pcs.js';
export * from './lab-items.js';
export * from './loinc.js';
export * from './nhi-orders.js';
export * from './systems.js';
export * from './vaccines.js';
