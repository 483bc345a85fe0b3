/**
 * PostgreSQL array literals for `unnest($1::text[])` bulk inserts, built here rather than by
 * `pg`: its generic encoder escapes element by element and took about 4 s for one batch of
 * 70,000 record payloads, longer than PostgreSQL took to insert them.
 */

/**
 * Characters that JSON escapes differently from an array literal: control characters (JSON
 * writes `\n`, an array literal would read that as `n`) and surrogates (JSON writes lone ones
 * as `\udXXX`).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const JSON_ONLY_ESCAPES = /[\u0000-\u001f\ud800-\udfff]/;

/**
 * A `text[]` literal. Inside a double-quoted array element only `"` and `\` need a backslash,
 * which is exactly what JSON string escaping does when no control character or surrogate is
 * present, so the common case is one native `JSON.stringify` call; `null` (unquoted) is NULL in
 * both. Anything else takes the element-by-element path.
 */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  if (values.every((v) => v === null || !JSON_ONLY_ESCAPES.test(v))) {
    return `{${JSON.stringify(values).slice(1, -1)}}`;
  }
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}
