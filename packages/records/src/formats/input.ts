/** What every content format is made from, and the checks they share. */
import { CATEGORY_IDS, type CategoryId, isCategoryId } from '../categories.js';
import type { RecordOf, RecordsByCategory } from '../record.js';

/** The records of one person, and the categories the file covers. */
export interface ContentInput {
  /** Records grouped by category; each array is kept in its given order. */
  records: RecordsByCategory;
  /**
   * The categories the file covers (the consented ones), listed even when they hold no record,
   * so that "shared, but nothing there" differs from "not shared". Default: the keys of `records`.
   */
  categories?: readonly CategoryId[];
  /** When the file was made, an ISO 8601 instant with an offset. */
  generatedAt: string;
}

/**
 * The covered categories in the platform's canonical order. Records of a category outside an
 * explicit `categories` list are refused: a file must never carry more than was consented.
 */
export function coveredCategories(input: { records: object; categories?: readonly CategoryId[] }): CategoryId[] {
  const present = Object.keys(input.records);
  for (const key of present) {
    if (!isCategoryId(key)) throw new RangeError(`unknown category in records: ${key}`);
  }
  const wanted = new Set<string>(input.categories ?? present);
  for (const key of present) {
    if (!wanted.has(key)) throw new RangeError(`records of category "${key}" are outside the covered categories`);
  }
  for (const key of wanted) {
    if (!isCategoryId(key)) throw new RangeError(`unknown category: ${key}`);
  }
  return CATEGORY_IDS.filter((id) => wanted.has(id));
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks an ISO 8601 instant with an offset (seconds optional) and returns it unchanged. */
export function checkInstant(value: string, what: string): string {
  if (!INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw new RangeError(`${what} must be an ISO 8601 instant with an offset, got "${value}"`);
  }
  return value;
}

/** The records of one category, checking that each really is of that category. */
export function recordsOf<C extends CategoryId>(records: RecordsByCategory, id: C): readonly RecordOf<C>[] {
  const list = (records[id] ?? []) as readonly RecordOf<C>[];
  for (const r of list) {
    if (r.category !== id) throw new RangeError(`a record of category "${r.category}" is in the ${id} list`);
  }
  return list;
}
