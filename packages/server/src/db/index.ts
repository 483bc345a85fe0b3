/**
 * The storage layer: one API over SQLite (better-sqlite3, the default) and PostgreSQL (pg), with
 * one set of migrations. Every repository query is scoped to one citizen, except the sandbox
 * helpers `listPersonas` and `populationStats`.
 */

export {
  type CitizenScope,
  findCitizenById,
  findCitizenByNationalId,
  listPersonas,
  type StoredCitizen,
} from './citizens.js';
export { type Database, executeWithoutSync, type OpenOptions, openDatabase, type StaleReader } from './connection.js';
export {
  type CitizenContacts,
  CONTACT_KINDS,
  type ContactChanges,
  type ContactKind,
  maskContact,
  normalizeContact,
  normalizeEmail,
  normalizeMobile,
  readCitizenContacts,
  setCitizenContacts,
} from './contacts.js';
export { DATABASE_ERROR_CODES, DatabaseError, type DatabaseErrorCode } from './errors.js';
export { type InsertCounts, insertPopulation } from './insert.js';
export { assertMigrated, migrateToLatest } from './migrate.js';
export { recordJson, storedPayload } from './record-json.js';
export { listVisitedInstitutions, readRecords, readRecordsJson } from './records.js';
export {
  attachReplica,
  type ReplicaLogger,
  type ReplicaOptions,
  type ReplicaReads,
  type ReplicaState,
  replicaRead,
} from './replica.js';
export type { Schema } from './schema.js';
export { type SeedOptions, seedPopulation } from './seed.js';
export { type PopulationStats, populationStats } from './stats.js';
export { inTransaction } from './transaction.js';
export {
  type DatabaseTarget,
  DEFAULT_DATABASE_URL,
  type Dialect,
  parseDatabaseUrl,
  redactDatabaseUrl,
} from './url.js';
