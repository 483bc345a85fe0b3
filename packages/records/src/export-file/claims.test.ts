import { describe, expect, it } from 'vitest';
import { CONTENT_FORMATS } from '../formats/index.js';
import { type ExportClaims, exportClaimsSchema } from './claims.js';
import { EXPORT_CONTENT_FORMATS } from './constants.js';

const valid: ExportClaims = {
  iss: 'https://healthbank.example.tw',
  aud: 'diabetes-diary',
  sub: 'pairwise-subject',
  jti: 'exp_01',
  iat: 1_793_494_800,
  exp: 1_793_498_400,
  consent_id: 'consent_01',
  categories: ['lab', 'outpatient'],
  period: { from: '2021-11-01', to: null },
  format: 'records',
  counts: { lab: 2, outpatient: 0 },
  content_digest: '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU',
  content_length: 0,
  cnf: { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' },
};

function issues(claims: unknown): string[] {
  const result = exportClaimsSchema.safeParse(claims);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

describe('exportClaimsSchema', () => {
  it('accepts a complete claim set and keeps it as it is', () => {
    expect(exportClaimsSchema.parse(valid)).toEqual(valid);
  });

  it('drops claims it does not know, so a reader returns only the documented ones', () => {
    expect(exportClaimsSchema.parse({ ...valid, extra: 1 })).toEqual(valid);
  });

  it.each([
    ['a missing digest', { content_digest: undefined }, 'content_digest'],
    ['a digest of the wrong length', { content_digest: 'abc' }, 'content_digest'],
    [
      'a digest with non-zero padding bits',
      { content_digest: `${valid.content_digest.slice(0, 42)}V` },
      'content_digest',
    ],
    ['an unknown category', { categories: ['lab', 'x-ray'], counts: { lab: 1 } }, 'categories.1'],
    ['a repeated category', { categories: ['lab', 'lab'], counts: { lab: 1 } }, 'categories'],
    ['no categories', { categories: [], counts: {} }, 'categories'],
    ['counts for an unconsented category', { counts: { lab: 2, outpatient: 0, dental: 1 } }, 'counts'],
    ['counts missing a consented category', { counts: { lab: 2 } }, 'counts'],
    ['a negative count', { counts: { lab: -1, outpatient: 0 } }, 'counts.lab'],
    ['an impossible date', { period: { from: '2021-02-30', to: null } }, 'period.from'],
    ['an inverted period', { period: { from: '2022-01-01', to: '2021-01-01' } }, 'period'],
    ['exp before iat', { exp: valid.iat }, 'exp'],
    ['an unknown format', { format: 'csv' }, 'format'],
    ['a fractional time', { iat: 1.5 }, 'iat'],
    ['an audience list', { aud: ['diabetes-diary'] }, 'aud'],
    ['a missing recipient', { cnf: undefined }, 'cnf'],
  ])('rejects %s', (_name, change, path) => {
    expect(issues({ ...valid, ...change })).toContain(path);
  });
});

describe('EXPORT_CONTENT_FORMATS', () => {
  it('are the content formats the serializers write', () => {
    expect(EXPORT_CONTENT_FORMATS).toEqual(CONTENT_FORMATS);
  });
});
