import * as z from 'zod';
import { CATEGORY_IDS, type CategoryId } from '../categories.js';
import { isIsoDate } from '../query.js';
import { EXPORT_CONTENT_FORMATS } from './constants.js';

/** A SHA-256 value (or an RFC 7638 thumbprint) in base64url without padding: 43 characters. */
const sha256Base64url = z.string().regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'a base64url SHA-256 value');

const isoDate = z.string().refine(isIsoDate, 'a date YYYY-MM-DD');
const categoryId = z.enum(CATEGORY_IDS);

/**
 * The signed claim set of an export file: who made it, for whom, under which consent, what it holds,
 * and the digest that binds the content to the signature. Claim names follow JWT (RFC 7519) where
 * one exists; `cnf.jkt` names the device key the file is encrypted to (RFC 7800, RFC 9449 §6.1).
 */
export const exportClaimsSchema = z
  .object({
    /** The platform (its OAuth issuer identifier). */
    iss: z.string().min(1),
    /** The app's OAuth `client_id`. */
    aud: z.string().min(1),
    /** The citizen's pairwise subject for this app (never the national ID). */
    sub: z.string().min(1),
    /** The export id: unique per file, recorded in the citizen's provision history. */
    jti: z.string().min(1).max(128),
    /** Issued at, seconds since the epoch. */
    iat: z.number().int().nonnegative(),
    /** Expires at, seconds since the epoch. */
    exp: z.number().int().positive(),
    /** The consent the file was made under. */
    consent_id: z.string().min(1),
    /** The consented categories, each at most once. */
    categories: z.array(categoryId).min(1),
    /** The consented period, inclusive; `null` means unbounded on that side. */
    period: z.object({ from: isoDate.nullable(), to: isoDate.nullable() }),
    format: z.enum(EXPORT_CONTENT_FORMATS),
    /** Records per consented category (0 included): exactly the keys of `categories`. */
    counts: z.partialRecord(categoryId, z.number().int().nonnegative()),
    /** SHA-256 of the exact content bytes (UTF-8 JSON, before compression), base64url. */
    content_digest: sha256Base64url,
    /** Length of the content bytes before compression. */
    content_length: z.number().int().nonnegative(),
    /** The recipient: RFC 7638 thumbprint of the device export key the consent pinned. */
    cnf: z.object({ jkt: sha256Base64url }),
  })
  .superRefine((claims, ctx) => {
    if (new Set(claims.categories).size !== claims.categories.length) {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: 'a category is listed twice' });
    }
    const counted = Object.keys(claims.counts).sort();
    if (counted.join() !== [...claims.categories].sort().join()) {
      ctx.addIssue({ code: 'custom', path: ['counts'], message: 'counts must name exactly the categories' });
    }
    if (claims.exp <= claims.iat) ctx.addIssue({ code: 'custom', path: ['exp'], message: 'exp must follow iat' });
    const { from, to } = claims.period;
    if (from !== null && to !== null && from > to) {
      ctx.addIssue({ code: 'custom', path: ['period'], message: 'inverted period' });
    }
  });

export type ExportClaims = z.infer<typeof exportClaimsSchema>;
export type ExportPeriod = ExportClaims['period'];

/** Record counts keyed by category, as the `counts` claim carries them. */
export type ExportCounts = Partial<Record<CategoryId, number>>;
