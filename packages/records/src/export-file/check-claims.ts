/**
 * The export claims checked without the schema library: what the SDK runs on every file it opens.
 * The same rules as `exportClaimsSchema` (claims.ts), which the platform uses; `check-claims.test.ts`
 * holds the two to the same verdict on valid claims and on every kind of broken claim.
 */
import { CATEGORY_IDS, type CategoryId } from '../categories.js';
import { isIsoDate } from '../query.js';
import type { SchemaIssue } from '../validation/json-schema.js';
import type { ExportClaims } from './claims.js';
import { EXPORT_CONTENT_FORMATS } from './constants.js';

const SHA256_BASE64URL = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * Checks a decoded claim set; returns the claims (unknown members dropped) or the issues.
 *
 * @example
 * ```ts
 * const result = checkExportClaims(JSON.parse(payload));
 * if ('issues' in result) throw new Error(`claim ${result.issues[0]?.path}`);
 * ```
 */
export function checkExportClaims(json: unknown): { claims: ExportClaims } | { issues: SchemaIssue[] } {
  const issues: SchemaIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  if (!isObject(json)) return { issues: [{ path: '', message: 'not an object' }] };
  const c = json;
  for (const name of ['iss', 'aud', 'sub', 'jti', 'consent_id'] as const) {
    if (typeof c[name] !== 'string' || c[name] === '') issue(name, 'a non-empty string');
  }
  if (typeof c.jti === 'string' && c.jti.length > 128) issue('jti', 'at most 128 characters');
  if (!isCount(c.iat)) issue('iat', 'a whole number of seconds');
  if (!isCount(c.exp) || c.exp === 0) issue('exp', 'a whole number of seconds');
  else if (isCount(c.iat) && (c.exp as number) <= (c.iat as number)) issue('exp', 'exp must follow iat');
  const categories = c.categories;
  if (!Array.isArray(categories) || categories.length === 0) issue('categories', 'a non-empty list');
  else {
    categories.forEach((id, i) => {
      if (!CATEGORY_IDS.includes(id as CategoryId)) issue(`categories.${i}`, 'an unknown category');
    });
    if (new Set(categories).size !== categories.length) issue('categories', 'a category is listed twice');
  }
  const period = c.period;
  if (!isObject(period)) issue('period', 'an object');
  else {
    for (const side of ['from', 'to'] as const) {
      const day = period[side];
      if (day !== null && (typeof day !== 'string' || !isIsoDate(day)))
        issue(`period.${side}`, 'a date YYYY-MM-DD or null');
    }
    if (typeof period.from === 'string' && typeof period.to === 'string' && period.from > period.to) {
      issue('period', 'inverted period');
    }
  }
  if (!EXPORT_CONTENT_FORMATS.includes(c.format as never)) issue('format', 'an unknown format');
  const counts = c.counts;
  if (!isObject(counts)) issue('counts', 'an object');
  else {
    for (const [id, n] of Object.entries(counts)) {
      if (!CATEGORY_IDS.includes(id as CategoryId)) issue(`counts.${id}`, 'an unknown category');
      else if (!isCount(n)) issue(`counts.${id}`, 'a count');
    }
    if (Array.isArray(categories) && Object.keys(counts).sort().join() !== [...categories].sort().join()) {
      issue('counts', 'counts must name exactly the categories');
    }
  }
  if (typeof c.content_digest !== 'string' || !SHA256_BASE64URL.test(c.content_digest)) {
    issue('content_digest', 'a base64url SHA-256 value');
  }
  if (!isCount(c.content_length)) issue('content_length', 'a byte count');
  if (!isObject(c.cnf) || typeof c.cnf.jkt !== 'string' || !SHA256_BASE64URL.test(c.cnf.jkt)) {
    issue('cnf.jkt', 'a base64url SHA-256 value');
  }
  if (issues.length > 0) return { issues };
  const p = period as { from: string | null; to: string | null };
  return {
    claims: {
      iss: c.iss as string,
      aud: c.aud as string,
      sub: c.sub as string,
      jti: c.jti as string,
      iat: c.iat as number,
      exp: c.exp as number,
      consent_id: c.consent_id as string,
      categories: categories as CategoryId[],
      period: { from: p.from, to: p.to },
      format: c.format as ExportClaims['format'],
      counts: counts as ExportClaims['counts'],
      content_digest: c.content_digest as string,
      content_length: c.content_length as number,
      cnf: { jkt: (c.cnf as { jkt: string }).jkt },
    },
  };
}
