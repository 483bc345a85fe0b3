/**
 * The storage layer's one error type. Callers switch on `code`; messages are single lines meant
 * for people and never carry secrets (passwords) or record contents.
 */
export const DATABASE_ERROR_CODES = [
  /** The URL is neither `sqlite:<path>` nor `postgres://…` / `postgresql://…`. */
  'invalid_database_url',
  /** The database could not be opened or did not answer `SELECT 1`. */
  'database_unreachable',
  /** A migration failed; the database is left at the last migration that succeeded. */
  'migration_failed',
  /** A command that only reads found no SQLite file where the URL points (nothing was created). */
  'database_missing',
  /** The database exists but its schema is behind this version (run `healthbank migrate`). */
  'database_not_migrated',
  /** A records query asked for an unknown category or an invalid or inverted period. */
  'invalid_query',
  /** A contact is not a plausible e-mail address or Taiwanese mobile number (`contacts.ts`). */
  'invalid_contact',
  /** A record cannot be stored: its id needs JSON escaping, or its JSON does not start with id, date, category. */
  'invalid_record',
] as const;
export type DatabaseErrorCode = (typeof DATABASE_ERROR_CODES)[number];

/**
 * @example
 * ```ts
 * try {
 *   await openDatabase(url);
 * } catch (error) {
 *   if (error instanceof DatabaseError && error.code === 'database_unreachable') process.exitCode = 2;
 * }
 * ```
 */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
  readonly code: DatabaseErrorCode;

  constructor(code: DatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
