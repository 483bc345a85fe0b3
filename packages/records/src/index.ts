/**
 * @healthbank/records — the pure, isomorphic domain of healthbank: the eleven NHI record
 * categories, typed records with runtime validation, code lists and identifiers. No I/O: it runs
 * unchanged in browsers, Node.js and mobile JavaScript runtimes.
 */
export * from './audit/index.js';
export * from './categories.js';
export * from './citizen.js';
export * from './codes/index.js';
export * from './export-file/index.js';
export * from './formats/index.js';
export * from './identifiers/institution-code.js';
export * from './identifiers/national-id.js';
export * from './identifiers/ubn.js';
export * from './query.js';
export * from './record.js';
export { type LeanSchema, type SchemaIssue, validateLean } from './validation/json-schema.js';
export { RECORD_SCHEMA } from './validation/record-schema.generated.js';
