import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_SIGNING_KEY } from '../config/signing-keys.js';
import {
  assertProductionExportKeys,
  DEVELOPMENT_EXPORT_SIGNING_KEYS,
  developmentExportSigningKeys,
  EXPORT_SIGNING_KEYS_ENV,
  type ExportSigningKeys,
  loadExportKeyring,
  parseExportSigningKeys,
  usesDevelopmentExportKey,
} from './keys.js';

type DevelopmentKey = ExportSigningKeys['keys'][number];

/** A deployment's own key, as an operator would generate it. */
function deploymentKey(kid: string, type: 'ec' | 'ed25519' = 'ec') {
  const { privateKey } =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return { ...privateKey.export({ format: 'jwk' }), kid } as ExportSigningKeys['keys'][number];
}

describe('parseExportSigningKeys', () => {
  it('falls back to the development keys when the variable is unset or empty', () => {
    expect(parseExportSigningKeys(undefined)).toEqual(DEVELOPMENT_EXPORT_SIGNING_KEYS);
    expect(parseExportSigningKeys('  ')).toEqual(DEVELOPMENT_EXPORT_SIGNING_KEYS);
  });

  it('reads a deployment set: an ES256 key that signs and a retired EdDSA key, public only', () => {
    const current = deploymentKey('export-2027-01');
    const { d: _d, ...retired } = deploymentKey('export-2026-07', 'ed25519');
    const set = parseExportSigningKeys(JSON.stringify({ keys: [current, retired] }));
    expect(set.keys.map((k) => k.kid)).toEqual(['export-2027-01', 'export-2026-07']);
  });

  it.each([
    ['invalid JSON', '{keys', /is not valid JSON/],
    ['an empty set', '{"keys":[]}', /keys/],
    ['an RSA key', JSON.stringify({ keys: [{ kty: 'RSA', kid: 'r', n: 'x', e: 'AQAB', d: 'x' }] }), /kty/],
    ['a symmetric key', JSON.stringify({ keys: [{ kty: 'oct', kid: 's', k: 'c2VjcmV0' }] }), /kty/],
    ['a P-384 key', JSON.stringify({ keys: [{ ...deploymentKey('a'), crv: 'P-384' }] }), /crv/],
    ['a first key without d', JSON.stringify({ keys: [{ ...deploymentKey('a'), d: undefined }] }), /first key signs/],
    ['duplicate kids', JSON.stringify({ keys: [deploymentKey('a'), deploymentKey('a')] }), /unique/],
    ['an ES256 key marked EdDSA', JSON.stringify({ keys: [{ ...deploymentKey('a'), alg: 'EdDSA' }] }), /alg/],
  ])('refuses %s, naming the variable', (_name, json, message) => {
    expect(() => parseExportSigningKeys(json)).toThrow(EXPORT_SIGNING_KEYS_ENV);
    expect(() => parseExportSigningKeys(json)).toThrow(message);
  });
});

describe('development keys in production', () => {
  it('are recognised by their private part, whatever their kid', () => {
    expect(usesDevelopmentExportKey(developmentExportSigningKeys())).toBe(true);
    const [es256, eddsa] = developmentExportSigningKeys().keys as [DevelopmentKey, DevelopmentKey];
    expect(usesDevelopmentExportKey({ keys: [{ ...eddsa, kid: 'new' }] })).toBe(true);
    expect(usesDevelopmentExportKey({ keys: [deploymentKey('own'), { ...es256, kid: 'old' }] })).toBe(true);
  });

  it('include the ID-token development key reused for exports', () => {
    const reused = { keys: [{ ...DEVELOPMENT_SIGNING_KEY, kid: 'export-1' }] } as ExportSigningKeys;
    expect(usesDevelopmentExportKey(reused)).toBe(true);
  });

  it(`are refused by assertProductionExportKeys, which names ${EXPORT_SIGNING_KEYS_ENV}`, () => {
    expect(() => assertProductionExportKeys(developmentExportSigningKeys())).toThrow(EXPORT_SIGNING_KEYS_ENV);
    expect(() => assertProductionExportKeys({ keys: [deploymentKey('own')] })).not.toThrow();
  });
});

describe('loadExportKeyring', () => {
  it('signs with the first key and publishes every key without its private part', async () => {
    const keyring = await loadExportKeyring(developmentExportSigningKeys());
    expect(keyring.signing).toMatchObject({ kid: 'healthbank-development-export-es256-2', alg: 'ES256' });
    expect(keyring.signing.key.type).toBe('private');
    expect(keyring.jwks.keys).toEqual([
      {
        kty: 'EC',
        crv: 'P-256',
        kid: 'healthbank-development-export-es256-2',
        alg: 'ES256',
        use: 'sig',
        x: DEVELOPMENT_EXPORT_SIGNING_KEYS.keys[0].x,
        y: DEVELOPMENT_EXPORT_SIGNING_KEYS.keys[0].y,
      },
      {
        kty: 'OKP',
        crv: 'Ed25519',
        kid: 'healthbank-development-export-eddsa-1',
        alg: 'EdDSA',
        use: 'sig',
        x: DEVELOPMENT_EXPORT_SIGNING_KEYS.keys[1].x,
      },
    ]);
    expect(JSON.stringify(keyring.jwks)).not.toContain('"d"');
  });

  it('signs with an EdDSA key when it comes first', async () => {
    const keyring = await loadExportKeyring({ keys: [deploymentKey('ed', 'ed25519'), deploymentKey('ec')] });
    expect(keyring.signing).toMatchObject({ kid: 'ed', alg: 'EdDSA' });
  });

  it.each(['ec', 'ed25519'] as const)(
    "refuses a signing key (%s) whose public part is not its private part's",
    async (type) => {
      const key = deploymentKey('mixed', type);
      const other = deploymentKey('other', type);
      await expect(loadExportKeyring({ keys: [{ ...key, x: other.x, y: other.y }] as never })).rejects.toThrow(
        /"mixed"/,
      );
    },
  );
});
