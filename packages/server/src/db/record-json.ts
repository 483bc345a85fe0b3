/**
 * How a record's JSON is stored: without the `id`, `date` and `category` it starts with, because
 * those are columns of the same row already (migration 0017). Every record's JSON begins
 * `{"id":…,"date":…,"category":…` (the record schema's first three keys), about 60 bytes of each
 * 700; the database puts them back with a string concatenation when it reads, so the export route
 * still receives each record's JSON as one text, without parsing anything.
 */
import { type HealthRecord, isCategoryId } from '@healthbank/records';
import { type RawBuilder, sql } from 'kysely';
import { DatabaseError } from './errors.js';

/**
 * What JSON.stringify escapes in a string (a quote, a backslash, control characters, a lone
 * surrogate): an id with any of these is refused, because the reassembly in SQL does not escape
 * (ids are opaque NHI or generator keys; none has these).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const ESCAPED = /["\\\u0000-\u001f]|\p{Cs}/u;

/** `YYYY-MM-DD`: the only shape of a record's date, which the reassembly also writes unescaped. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The rest of a record's JSON after its id, date and category: what the `payload` column holds.
 * Starts with `,` (more keys follow) or is `}`. Records whose JSON already starts with those three
 * keys (every record the synthetic generator and the record schema produce) come back byte for
 * byte; any other key order comes back with those three first, the rest in their own order.
 *
 * Throws `invalid_record` for an id that would need escaping in JSON, a date not `YYYY-MM-DD` or an
 * unknown category.
 *
 * @example
 * ```ts
 * storedPayload({ id: 'a1', date: '2024-01-02', category: 'lab', … }); // ',"institution":{…},…}'
 * ```
 */
export function storedPayload(record: HealthRecord): string {
  // The export route hands the reassembled JSON to apps without parsing it, so what goes into it
  // unescaped is checked against an allow list here, whatever validated the record before
  // (ASVS V5.1.3: positive validation at the point of use).
  if (ESCAPED.test(record.id)) {
    throw new DatabaseError('invalid_record', 'a record id contains a quote, a backslash or a control character');
  }
  if (!ISO_DATE.test(record.date) || !isCategoryId(record.category)) {
    throw new DatabaseError('invalid_record', `record ${record.id} has no YYYY-MM-DD date or no known category`);
  }
  // The common case, one serialization: the JSON already starts with the three keys.
  const json = JSON.stringify(record);
  const prefix = payloadPrefix(record.id, record.date, record.category);
  if (json.startsWith(prefix) && (json[prefix.length] === ',' || json[prefix.length] === '}')) {
    return json.slice(prefix.length);
  }
  const { id: _id, date: _date, category: _category, ...rest } = record;
  const others = JSON.stringify(rest);
  return others === '{}' ? '}' : `,${others.slice(1)}`;
}

/** What {@link storedPayload} removes; {@link recordJson} puts exactly this back. */
export function payloadPrefix(id: string, date: string, category: string): string {
  return `{"id":"${id}","date":"${date}","category":"${category}"`;
}

/**
 * The record's whole JSON text, in SQL (the same on SQLite and PostgreSQL), from the columns of
 * `records` (or of the alias given).
 *
 * @example
 * ```ts
 * db.kysely.selectFrom('records').select(recordJson().as('json')).where('citizen_id', '=', id);
 * ```
 */
export function recordJson(alias?: string): RawBuilder<string> {
  const column = (name: string) => (alias ? sql.ref(`${alias}.${name}`) : sql.ref(name));
  return sql<string>`('{"id":"' || ${column('id')} || '","date":"' || ${column('date')} || '","category":"' || ${column('category')} || '"' || ${column('payload')})`;
}
