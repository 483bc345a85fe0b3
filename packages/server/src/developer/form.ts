/**
 * Reading the developer portal's forms: every field checked, every problem named by field with a
 * stable code the pages turn into words. Pure, so the rules are tested without a server.
 */
import { CATEGORY_IDS, type CategoryId, isValidInstitutionCode, isValidUbn } from '@healthbank/records';
import type { OrganisationType } from '../auth/tables.js';
import type { Platform, ReportLevel } from './tables.js';

export type FieldError =
  | 'required'
  | 'too_long'
  | 'invalid_choice'
  | 'invalid_email'
  | 'invalid_url'
  | 'not_https'
  | 'fragment'
  | 'userinfo'
  | 'not_normalised'
  | 'too_many'
  | 'invalid_jwks'
  | 'private_key'
  | 'no_categories'
  | 'receipt_keys'
  | 'invalid_ubn'
  | 'invalid_institution_code'
  | 'duplicate_identifier'
  | 'duplicate_email'
  | 'invalid_date'
  | 'not_pdf'
  | 'file_too_large'
  | 'confirm'
  | 'invalid_state'
  | 'checklist';

export type Errors = Record<string, FieldError>;
type Form = Record<string, unknown>;

const text = (form: Form, name: string) => {
  const value = form[name];
  return typeof value === 'string' ? value.trim() : '';
};

function required(form: Form, name: string, max: number, errors: Errors): string {
  const value = text(form, name);
  if (!value) errors[name] = 'required';
  else if (value.length > max) errors[name] = 'too_long';
  return value;
}

function optional(form: Form, name: string, max: number, errors: Errors): string | undefined {
  const value = text(form, name);
  if (value.length > max) errors[name] = 'too_long';
  return value || undefined;
}

function choice<T extends string>(form: Form, name: string, options: readonly T[], errors: Errors): T {
  const value = text(form, name);
  if (!options.includes(value as T)) errors[name] = value ? 'invalid_choice' : 'required';
  return value as T;
}

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

function email(form: Form, name: string, errors: Errors): string {
  const value = required(form, name, 254, errors);
  if (value && !errors[name] && !EMAIL.test(value)) errors[name] = 'invalid_email';
  return value;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A URL's problem, if any. Redirect URIs are compared as exact strings (RFC 9700 §4.1.3, FAPI 2.0
 * §5.3.2.2), so they must be in normalised form; none carries a fragment (RFC 6749 §3.1.2) or
 * user information. Production is https only (RFC 9700 §4.1.1); the sandbox also takes plain
 * http to this machine, for development.
 */
export function urlError(value: string, o: { production: boolean; exact?: boolean }): FieldError | undefined {
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return 'invalid_url';
  if (value.includes('#')) return 'fragment';
  if (url.username || url.password) return 'userinfo';
  if (url.protocol === 'http:' && (o.production || !LOOPBACK.has(url.hostname))) return 'not_https';
  if (o.exact && url.href !== value) return 'not_normalised';
  return undefined;
}

function url(form: Form, name: string, production: boolean, errors: Errors, isRequired: boolean): string | undefined {
  const value = isRequired ? required(form, name, 2000, errors) : optional(form, name, 2000, errors);
  if (value && !errors[name]) {
    const error = urlError(value, { production });
    if (error) errors[name] = error;
  }
  return value || undefined;
}

/** One redirect URI per line, 1–10 of them. */
export function redirectUris(form: Form, name: string, production: boolean, errors: Errors): string[] {
  const lines = text(form, name)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) errors[name] = 'required';
  else if (lines.length > 10) errors[name] = 'too_many';
  else {
    for (const line of lines) {
      const error = line.length > 2000 ? 'too_long' : urlError(line, { production, exact: true });
      if (error) {
        errors[name] = error;
        break;
      }
    }
  }
  return [...new Set(lines)];
}

export interface PublicJwks {
  keys: Record<string, unknown>[];
}

/** A public JWK Set in JSON; a private key is refused rather than stored (ASVS V11.6: it is compromised). */
function jwks(form: Form, name: string, errors: Errors): PublicJwks | undefined {
  const value = optional(form, name, 20_000, errors);
  if (!value || errors[name]) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    errors[name] = 'invalid_jwks';
    return undefined;
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 5) {
    errors[name] = 'invalid_jwks';
    return undefined;
  }
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || !['EC', 'OKP', 'RSA'].includes(String((key as Form).kty))) {
      errors[name] = 'invalid_jwks';
      return undefined;
    }
    if (['d', 'p', 'q', 'k'].some((member) => member in key)) {
      errors[name] = 'private_key';
      return undefined;
    }
  }
  return { keys: keys as Record<string, unknown>[] };
}

export const PLATFORMS: readonly Platform[] = ['ios', 'android', 'web', 'backend'];
export const CLIENT_TYPES = ['public', 'confidential'] as const;

export interface ApplicationForm {
  name: { 'zh-TW': string; en: string };
  description: { 'zh-TW': string; en: string };
  platform: Platform;
  clientType: 'public' | 'confidential';
  redirectUris: string[];
  /** Each requested category with why the app needs it (shown to reviewers and citizens). */
  categories: { category: CategoryId; purpose: string }[];
  privacyPolicyUrl: string;
  supportContact: string;
  appUrl?: string | undefined;
  deletionWebhookUrl?: string | undefined;
  jwks?: PublicJwks | undefined;
  receiptJwks?: PublicJwks | undefined;
}

/** Phase 1: what an app is and what it asks for. Categories are checkboxes `category` with `purpose_<id>`. */
export function parseApplicationForm(form: Form): { value: ApplicationForm; errors: Errors } {
  const errors: Errors = {};
  const chosen = ([] as unknown[])
    .concat(form.category ?? [])
    .filter((c): c is CategoryId => CATEGORY_IDS.includes(c as CategoryId));
  const categories = [...new Set(chosen)].map((category) => ({
    category,
    purpose: required(form, `purpose_${category}`, 300, errors),
  }));
  if (categories.length === 0) errors.categories = 'no_categories';
  const value: ApplicationForm = {
    name: { 'zh-TW': required(form, 'name_zh', 100, errors), en: required(form, 'name_en', 100, errors) },
    description: {
      'zh-TW': required(form, 'description_zh', 500, errors),
      en: required(form, 'description_en', 500, errors),
    },
    platform: choice(form, 'platform', PLATFORMS, errors),
    clientType: choice(form, 'client_type', CLIENT_TYPES, errors),
    redirectUris: redirectUris(form, 'redirect_uris', false, errors),
    categories,
    privacyPolicyUrl: url(form, 'privacy_policy_url', false, errors, true) ?? '',
    supportContact: required(form, 'support_contact', 200, errors),
    appUrl: url(form, 'app_url', false, errors, false),
    deletionWebhookUrl: url(form, 'deletion_webhook_url', false, errors, true),
    jwks: jwks(form, 'jwks', errors),
    receiptJwks: jwks(form, 'receipt_jwks', errors),
  };
  // Backends authenticate with private_key_jwt (FAPI 2.0 §5.3.2.1): their keys are required; an
  // app on a device cannot keep a key secret, so it registers none (RFC 9700 §2.1.1).
  if (value.clientType === 'confidential' && !value.jwks && !errors.jwks) errors.jwks = 'required';
  if (value.clientType === 'public' && value.jwks) errors.jwks = 'invalid_choice';
  // Deletion receipts are verified with the receipt keys, else the client's own keys.
  if (value.deletionWebhookUrl && !value.receiptJwks && !value.jwks && !errors.receipt_jwks && !errors.jwks)
    errors.receipt_jwks = 'receipt_keys';
  return { value, errors };
}

export const ORGANISATION_TYPE_IDS: readonly OrganisationType[] = [
  'government',
  'company',
  'foundation',
  'medical_institution',
];

export interface OrganisationForm {
  type: OrganisationType;
  name: string;
  identifier: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string;
  developerName: string;
  developerEmail: string;
}

/**
 * Registration: the organisation, its contact, and the first developer (its admin). Companies,
 * foundations and agencies are identified by their 統一編號 (checksum checked), NHI-contracted
 * medical institutions by their 醫事機構代碼.
 */
export function parseOrganisationForm(form: Form): { value: OrganisationForm; errors: Errors } {
  const errors: Errors = {};
  const type = choice(form, 'type', ORGANISATION_TYPE_IDS, errors);
  const identifier = required(form, 'identifier', 20, errors).replace(/\s/g, '');
  if (identifier && !errors.identifier && !errors.type) {
    if (type === 'medical_institution' && !isValidInstitutionCode(identifier))
      errors.identifier = 'invalid_institution_code';
    if (type !== 'medical_institution' && !isValidUbn(identifier)) errors.identifier = 'invalid_ubn';
  }
  const phone = required(form, 'contact_phone', 30, errors);
  if (phone && !errors.contact_phone && !/^\+?[0-9 ()#-]{6,30}$/.test(phone)) errors.contact_phone = 'invalid_choice';
  return {
    value: {
      type,
      name: required(form, 'name', 200, errors),
      identifier,
      contactName: required(form, 'contact_name', 100, errors),
      contactEmail: email(form, 'contact_email', errors),
      contactPhone: phone,
      developerName: required(form, 'developer_name', 100, errors),
      developerEmail: email(form, 'developer_email', errors),
    },
    errors,
  };
}

export const REPORT_LEVELS: readonly ReportLevel[] = ['L1', 'L2', 'L3'];
/** A report's PDF: at most 10 MB. */
export const MAX_REPORT_BYTES = 10 * 1024 * 1024;

export interface SubmissionForm {
  lab: string;
  testedOn: string;
  level: ReportLevel;
  productionRedirectUris: string[];
  productionWebhookUrl: string;
}

/** Phase 2's fields besides the file; `today` bounds the test date (YYYY-MM-DD, Taiwan time). */
export function parseSubmissionForm(form: Form, today: string): { value: SubmissionForm; errors: Errors } {
  const errors: Errors = {};
  const testedOn = required(form, 'tested_on', 10, errors);
  if (testedOn && !errors.tested_on) {
    const date = /^\d{4}-\d{2}-\d{2}$/.test(testedOn) ? new Date(`${testedOn}T00:00:00Z`) : undefined;
    // A report dated in the future, or older than a year, cannot keep an app live.
    const yearAgo = new Date(`${today}T00:00:00Z`);
    yearAgo.setUTCFullYear(yearAgo.getUTCFullYear() - 1);
    if (
      !date ||
      Number.isNaN(date.getTime()) ||
      date.toISOString().slice(0, 10) !== testedOn ||
      testedOn > today ||
      date < yearAgo
    )
      errors.tested_on = 'invalid_date';
  }
  for (const name of ['confirm_privacy', 'confirm_contact']) {
    if (text(form, name) !== 'yes') errors[name] = 'confirm';
  }
  return {
    value: {
      lab: required(form, 'lab', 200, errors),
      testedOn,
      level: choice(form, 'level', REPORT_LEVELS, errors),
      productionRedirectUris: redirectUris(form, 'production_redirect_uris', true, errors),
      productionWebhookUrl: url(form, 'production_webhook_url', true, errors, true) ?? '',
    },
    errors,
  };
}

/** A PDF starts with `%PDF-` (ISO 32000-2 §7.5.2); the name and declared type are the uploader's word. */
export function isPdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 5).toString('latin1') === '%PDF-';
}
