import { DatabaseError } from './errors.js';

export type Dialect = 'sqlite' | 'postgres';

/** The embedded database of a development checkout, relative to the working directory. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/healthbank.sqlite';

export interface DatabaseTarget {
  dialect: Dialect;
  /** SQLite: the file path, or `:memory:`. */
  path?: string;
  /** PostgreSQL: the connection string, handed to `pg` unchanged. */
  connectionString?: string;
}

/**
 * Reads a database URL: `sqlite:<path>` (also `sqlite://<path>`), `sqlite::memory:`,
 * `postgres://…` or `postgresql://…`. Anything else throws `invalid_database_url`.
 *
 * @example
 * ```ts
 * parseDatabaseUrl('sqlite:./data/healthbank.sqlite'); // { dialect: 'sqlite', path: './data/healthbank.sqlite' }
 * parseDatabaseUrl('postgres://hb@db:5432/hb');        // { dialect: 'postgres', connectionString: '…' }
 * ```
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (/^sqlite:/i.test(trimmed)) {
    let path = trimmed.slice('sqlite:'.length);
    // `sqlite:///abs/file` and `sqlite://./rel/file` are common spellings of the same thing.
    if (path.startsWith('//')) path = path.slice(2);
    if (path.length === 0 || /[\0\r\n]/.test(path)) throw invalidUrl(url);
    return { dialect: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    try {
      new URL(trimmed);
    } catch {
      throw invalidUrl(url);
    }
    return { dialect: 'postgres', connectionString: trimmed };
  }
  throw invalidUrl(url);
}

function invalidUrl(url: string): DatabaseError {
  return new DatabaseError(
    'invalid_database_url',
    `invalid database URL ${JSON.stringify(redactDatabaseUrl(url))} (expected sqlite:<path>, sqlite::memory: or postgres://user@host:port/database)`,
  );
}

/**
 * The URL with any password replaced by `***`, safe to print or log. The user-info part is
 * located by the last `@` so that a password with unencoded special characters is still covered;
 * `password=` query parameters are masked too.
 *
 * @example
 * ```ts
 * redactDatabaseUrl('postgres://hb:s3cret@db/hb'); // 'postgres://hb:***@db/hb'
 * ```
 */
export function redactDatabaseUrl(url: string): string {
  let out = url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(out);
  if (scheme) {
    const at = out.lastIndexOf('@');
    if (at > scheme[0].length) {
      const userInfo = out.slice(scheme[0].length, at);
      const colon = userInfo.indexOf(':');
      if (colon >= 0) out = `${scheme[0]}${userInfo.slice(0, colon)}:***${out.slice(at)}`;
    }
  }
  return out.replace(/([?&]password=)[^&#]*/gi, '$1***');
}
