/**
 * The `records` content format: the platform's typed records as JSON, exactly the shapes of
 * `record.ts`, grouped by category. It is the richest format (every field of every record) and
 * the cheapest to produce: the arrays are referenced, not copied.
 *
 * ```json
 * { "format": "records", "version": 1, "generatedAt": "2025-06-30T09:00:00+08:00",
 *   "categories": ["outpatient", "lab"],
 *   "records": { "outpatient": [ …OutpatientRecord ], "lab": [ …LabRecord ] } }
 * ```
 *
 * Every covered category has an array, empty when the person has no record of it; a category
 * that was not shared is absent from both `categories` and `records`.
 */
import type { CategoryId } from '../categories.js';
import { CATEGORY_IDS, isCategoryId } from '../categories.js';
import type { HealthRecord, RecordsByCategory } from '../record.js';
import { validateLean } from '../validation/json-schema.js';
import { RECORD_SCHEMA } from '../validation/record-schema.generated.js';
import { ContentFormatError } from './errors.js';
import { type ContentInput, checkInstant, coveredCategories, recordsOf } from './input.js';
import { utf8 } from './utf8.js';

export const RECORDS_FORMAT_VERSION = 1;

/** The `records` content format. */
export interface RecordsDocument {
  format: 'records';
  version: typeof RECORDS_FORMAT_VERSION;
  /** When the file was made (ISO 8601 instant). */
  generatedAt: string;
  /** The covered categories, in the canonical order of `CATEGORY_IDS`. */
  categories: CategoryId[];
  /** One array per covered category. */
  records: RecordsByCategory;
}

/**
 * Builds the `records` document. Records are referenced, not copied or re-validated: the caller
 * hands over records that came from the store or the generator.
 * @example toRecordsDocument({ records: { lab: labs }, generatedAt: '2025-06-30T09:00:00+08:00' })
 */
export function toRecordsDocument(input: ContentInput): RecordsDocument {
  const categories = coveredCategories(input);
  const records: RecordsByCategory = {};
  const target = records as Record<CategoryId, unknown[]>;
  for (const id of categories) target[id] = recordsOf(input.records, id) as unknown[];
  return {
    format: 'records',
    version: RECORDS_FORMAT_VERSION,
    generatedAt: checkInstant(input.generatedAt, 'generatedAt'),
    categories,
    records,
  };
}

/**
 * The `records` document as UTF-8 JSON bytes, built from records that are already JSON: for each
 * covered category, the UTF-8 JSON of its records joined with commas (the body of its array), as
 * the platform's store hands them out. Byte for byte what
 * `new TextEncoder().encode(JSON.stringify(toRecordsDocument(...)))` gives for the parsed records,
 * without parsing, re-serializing or re-encoding a single record. The caller vouches that each
 * array body holds the JSON of records of its category.
 */
export function recordsDocumentBytes(input: {
  /** Per category, its records' JSON joined with commas (no brackets); empty for none. */
  arrays: Partial<Record<CategoryId, Uint8Array>>;
  categories?: readonly CategoryId[];
  generatedAt: string;
}): Uint8Array {
  const categories = coveredCategories({ records: input.arrays as RecordsByCategory, categories: input.categories });
  const generatedAt = checkInstant(input.generatedAt, 'generatedAt');
  const head = JSON.stringify({ format: 'records', version: RECORDS_FORMAT_VERSION, generatedAt, categories });
  // Only the short framing is encoded here; the arrays, nearly all of the bytes, are copied once.
  const text = (s: string) => Uint8Array.from(utf8(s));
  const pieces: Uint8Array[] = [text(`${head.slice(0, -1)},"records":{`)];
  categories.forEach((id, i) => {
    pieces.push(text(`${i === 0 ? '' : ','}${JSON.stringify(id)}:[`));
    pieces.push(input.arrays[id] ?? new Uint8Array(0));
    pieces.push(text(']'));
  });
  pieces.push(text('}}'));
  const bytes = new Uint8Array(pieces.reduce((n, piece) => n + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.length;
  }
  return bytes;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads and validates a `records` document from untrusted JSON (for example a decrypted export).
 * Every record is checked against its category's schema; unknown record fields are dropped.
 * @throws ContentFormatError naming each offending path.
 */
export function parseRecordsDocument(json: unknown): RecordsDocument {
  const issues: string[] = [];
  if (!isObject(json)) throw new ContentFormatError('records', ['(root): not an object']);
  if (json.format !== 'records') issues.push(`format: expected "records", got ${JSON.stringify(json.format)}`);
  if (json.version !== RECORDS_FORMAT_VERSION) issues.push(`version: unsupported ${JSON.stringify(json.version)}`);
  let generatedAt = '';
  if (typeof json.generatedAt !== 'string') issues.push('generatedAt: not a string');
  else {
    try {
      generatedAt = checkInstant(json.generatedAt, 'generatedAt');
    } catch (e) {
      issues.push(`generatedAt: ${(e as Error).message}`);
    }
  }
  const categories: CategoryId[] = [];
  if (!Array.isArray(json.categories)) issues.push('categories: not an array');
  else {
    for (const c of json.categories) {
      if (typeof c === 'string' && isCategoryId(c)) categories.push(c);
      else issues.push(`categories: unknown category ${JSON.stringify(c)}`);
    }
  }
  const records: Record<string, unknown[]> = {};
  if (!isObject(json.records)) issues.push('records: not an object');
  else {
    for (const [key, list] of Object.entries(json.records)) {
      if (!isCategoryId(key) || !categories.includes(key)) {
        issues.push(`records.${key}: category not listed in categories`);
        continue;
      }
      if (!Array.isArray(list)) {
        issues.push(`records.${key}: not an array`);
        continue;
      }
      const parsed: unknown[] = [];
      list.forEach((item, i) => {
        // The lean validator, not the schema library: this runs in every app (validation/json-schema.ts).
        const result = validateLean(RECORD_SCHEMA, item);
        if ('issues' in result) {
          for (const issue of result.issues) issues.push(`records.${key}[${i}].${issue.path}: ${issue.message}`);
        } else if ((result.value as HealthRecord).category !== key) {
          issues.push(`records.${key}[${i}].category: "${(result.value as HealthRecord).category}" in the ${key} list`);
        } else parsed.push(result.value);
      });
      records[key] = parsed;
    }
    for (const c of categories) if (!(c in records)) issues.push(`records.${c}: missing`);
  }
  if (issues.length > 0) throw new ContentFormatError('records', issues);
  const ordered = CATEGORY_IDS.filter((id) => categories.includes(id));
  const out: Record<string, unknown[]> = {};
  for (const id of ordered) out[id] = records[id] ?? [];
  return {
    format: 'records',
    version: RECORDS_FORMAT_VERSION,
    generatedAt,
    categories: ordered,
    records: out as RecordsByCategory,
  };
}
