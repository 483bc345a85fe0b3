import { describe, expect, it } from 'vitest';
import { isPdf, parseApplicationForm, parseOrganisationForm, parseSubmissionForm, urlError } from './form.js';

const organisation = {
  type: 'company',
  name: '健康日記股份有限公司',
  identifier: '04595257',
  contact_name: '林小華',
  contact_email: 'contact@diary.example',
  contact_phone: '02-2345-6789',
  developer_name: '王小明',
  developer_email: 'dev@diary.example',
};

describe('registration form', () => {
  it.each([
    ['company', '22099131', undefined],
    ['company', '10458575', undefined], // seventh digit 7: valid by the "+1" rule
    ['foundation', '22099132', 'invalid_ubn'],
    ['government', '2209913', 'invalid_ubn'],
    ['company', '0401180014', 'invalid_ubn'], // a 醫事機構代碼 is not a 統一編號
    ['medical_institution', '0401180014', undefined],
    ['medical_institution', '0499180014', 'invalid_institution_code'], // no county 99
    ['medical_institution', '22099131', 'invalid_institution_code'],
  ])('%s identified by %s: %s', (type, identifier, error) => {
    expect(parseOrganisationForm({ ...organisation, type, identifier }).errors.identifier).toBe(error);
  });

  it('names every missing or malformed field, and no other', () => {
    const { errors } = parseOrganisationForm({
      ...organisation,
      type: 'bank',
      contact_email: 'not-an-address',
      name: '',
    });
    expect(errors).toEqual({ type: 'invalid_choice', contact_email: 'invalid_email', name: 'required' });
  });
});

describe('redirect URIs and other URLs', () => {
  it.each([
    ['https://diary.example/callback', false, undefined],
    ['http://localhost:5173/callback', false, undefined],
    ['http://localhost:5173/callback', true, 'not_https'],
    ['http://diary.example/callback', false, 'not_https'],
    ['https://diary.example/callback#x', false, 'fragment'],
    ['https://user:pw@diary.example/callback', false, 'userinfo'],
    ['https://DIARY.example/callback', false, 'not_normalised'],
    ['diary.example/callback', false, 'invalid_url'],
    ['javascript:alert(1)', false, 'invalid_url'],
  ])('%s (production %s): %s', (url, production, error) => {
    expect(urlError(url, { production, exact: true })).toBe(error);
  });
});

describe('phase 1', () => {
  it('requires keys for a backend and refuses private keys anywhere', () => {
    const base = {
      name_zh: '日記',
      name_en: 'Diary',
      description_zh: '說明',
      description_en: 'About',
      platform: 'backend',
      client_type: 'confidential',
      redirect_uris: 'https://diary.example/callback',
      category: 'lab',
      purpose_lab: '趨勢',
      privacy_policy_url: 'https://diary.example/privacy',
      support_contact: 'help@diary.example',
      deletion_webhook_url: 'https://diary.example/hook',
    };
    // One message for the missing keys, not a second about the receipts they would also verify.
    expect(parseApplicationForm(base).errors).toEqual({ jwks: 'required' });
    const leaked = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }] });
    expect(parseApplicationForm({ ...base, jwks: leaked }).errors).toEqual({ jwks: 'private_key' });
    expect(parseApplicationForm({ ...base, category: [], jwks: '{"keys":[{"kty":"EC"}]}' }).errors).toEqual({
      categories: 'no_categories',
    });
  });
});

describe('phase 2', () => {
  const fields = {
    lab: '實驗室',
    tested_on: '2026-11-30',
    level: 'L2',
    production_redirect_uris: 'https://diary.example/callback',
    production_webhook_url: 'https://diary.example/hook',
    confirm_privacy: 'yes',
    confirm_contact: 'yes',
  };

  it('takes a test date within the past year, https addresses and both confirmations', () => {
    expect(parseSubmissionForm(fields, '2026-12-04').errors).toEqual({});
    expect(parseSubmissionForm({ ...fields, tested_on: '2026-12-05' }, '2026-12-04').errors).toEqual({
      tested_on: 'invalid_date',
    });
    expect(parseSubmissionForm({ ...fields, tested_on: '2025-12-03' }, '2026-12-04').errors).toEqual({
      tested_on: 'invalid_date',
    });
    expect(parseSubmissionForm({ ...fields, tested_on: '2026-02-30' }, '2026-12-04').errors).toEqual({
      tested_on: 'invalid_date',
    });
    expect(
      parseSubmissionForm(
        { ...fields, production_webhook_url: 'http://localhost/hook', confirm_contact: undefined },
        '2026-12-04',
      ).errors,
    ).toEqual({ production_webhook_url: 'not_https', confirm_contact: 'confirm' });
  });

  it('knows a PDF by its signature, not its name', () => {
    expect(isPdf(Buffer.from('%PDF-1.7\n'))).toBe(true);
    expect(isPdf(Buffer.from('PK\u0003\u0004'))).toBe(false);
    expect(isPdf(Buffer.alloc(0))).toBe(false);
  });
});
