/**
 * The SDK's claims check (check-claims.ts) and the platform's schema (claims.ts) agree: valid claim
 * sets pass both unchanged, and every mutation of every claim gets the same verdict from both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkExportClaims } from './check-claims.js';
import { exportClaimsSchema } from './claims.js';

const DIGEST = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
const valid = {
  iss: 'https://healthbank.example',
  aud: 'diabetes-diary',
  sub: 'pairwise-subject',
  jti: 'export-1',
  iat: 1_764_000_000,
  exp: 1_764_003_600,
  consent_id: 'consent-1',
  categories: ['lab', 'outpatient'],
  period: { from: '2020-01-01', to: null },
  format: 'records',
  counts: { lab: 12, outpatient: 0 },
  content_digest: DIGEST,
  content_length: 4096,
  cnf: { jkt: DIGEST },
};

const verdict = (input: unknown) => {
  const zod = exportClaimsSchema.safeParse(input);
  const lean = checkExportClaims(input);
  return { zod: zod.success ? zod.data : 'invalid', lean: 'claims' in lean ? lean.claims : 'invalid' };
};

const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'a'.repeat(129),
  -1,
  0,
  1.5,
  1_764_000_000,
  1_764_007_200,
  2 ** 60,
  true,
  [],
  ['lab'],
  ['lab', 'lab'],
  ['lab', 'outpatient'],
  ['xray'],
  {},
  { lab: 1, outpatient: 2 },
  { lab: 1 },
  { lab: -1, outpatient: 0 },
  { from: null, to: null },
  { from: '2024-02-30', to: null },
  { from: '2025-01-01', to: '2024-01-01' },
  { jkt: 'short' },
  '2024-01-01',
  'fhir',
  DIGEST,
  `${DIGEST.slice(0, -1)}B`,
];

function set(target: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(target);
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

const PATHS = [
  ...Object.keys(valid).map((k) => [k]),
  ['period', 'from'],
  ['period', 'to'],
  ['counts', 'lab'],
  ['cnf', 'jkt'],
];

describe('checkExportClaims', () => {
  it('passes valid claims as the schema does, dropping unknown members', () => {
    const { zod, lean } = verdict({ ...valid, extra: 'dropped' });
    expect(lean).toEqual(zod);
    expect(lean).toEqual(valid);
  });

  it('agrees with the schema on every mutation of every claim', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.constantFrom(...REPLACEMENTS), (path, value) => {
        const { zod, lean } = verdict(set(valid, path, value));
        expect(lean).toEqual(zod);
      }),
      { numRuns: 3000, seed: 20261203 },
    );
  });

  it('names the first wrong claim', () => {
    expect(checkExportClaims({ ...valid, exp: valid.iat })).toEqual({
      issues: [{ path: 'exp', message: 'exp must follow iat' }],
    });
    expect(checkExportClaims('claims')).toEqual({ issues: [{ path: '', message: 'not an object' }] });
  });
});
