/**
 * Sealing, checked two ways: with the SDK that apps use, and step by step with plain jose and
 * zlib, as an implementation in another language would open the file.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { generateCitizen } from '@healthbank/synth';
import {
  base64url,
  calculateJwkThumbprint,
  compactDecrypt,
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { generateExportKey, openExportFile } from '../../../sdk/src/envelope/index.js';
import { isSdkError } from '../../../sdk/src/errors.js';
import { ExportEnvelopeError, type ExportFacts, sealExportFile } from './envelope.js';
import { developmentExportSigningKeys, type ExportKeyring, type ExportSigningKeys, loadExportKeyring } from './keys.js';

const NOW = Date.UTC(2026, 10, 1, 1, 0, 0);
const facts: ExportFacts = {
  issuer: 'https://healthbank.example.tw',
  clientId: 'diabetes-diary',
  subject: 'pw-subject',
  exportId: 'exp_0001',
  consentId: 'consent_0001',
  categories: ['lab', 'outpatient'],
  period: { from: '2021-11-01', to: null },
  format: 'records',
  counts: { lab: 1, outpatient: 0 },
};
const content = { lab: [{ id: 'r1', item: 'HbA1c', value: '7.2' }], outpatient: [] };

async function sealTo(device: { publicJwk: JWK; thumbprint: string }, keyring: ExportKeyring, extra = {}) {
  return sealExportFile({
    facts,
    content,
    recipientKey: device.publicJwk,
    pinnedThumbprint: device.thumbprint,
    keyring,
    now: () => NOW,
    ...extra,
  });
}

async function openWith(file: string, device: { privateKey: CryptoKey }, jwks: ExportKeyring['jwks']) {
  try {
    return await openExportFile(file, {
      decryptionKey: device.privateKey,
      jwks,
      issuer: facts.issuer,
      audience: facts.clientId,
      now: () => NOW + 1000,
    });
  } catch (error) {
    if (isSdkError(error)) return error.code;
    throw error;
  }
}

/** A deployment key set, freshly generated. */
function keySet(...kids: string[]): ExportSigningKeys {
  return {
    keys: kids.map((kid) => ({
      ...(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as object),
      kid,
    })) as ExportSigningKeys['keys'],
  };
}

describe('sealExportFile', () => {
  it('seals a file the SDK opens with a non-extractable device key', async () => {
    const device = await generateExportKey();
    expect(device.privateKey.extractable).toBe(false);
    const keyring = await loadExportKeyring(developmentExportSigningKeys());
    const { file, claims } = await sealTo(device, keyring);
    const opened = await openWith(file, device, keyring.jwks);
    expect(opened).toEqual({ claims, content });
  });

  it('seals a file plain jose and zlib can open, with exactly the documented headers and claims', async () => {
    const device = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const publicJwk = await exportJWK(device.publicKey);
    const thumbprint = await calculateJwkThumbprint(publicJwk, 'sha256');
    const keyring = await loadExportKeyring(developmentExportSigningKeys());
    const { file, claims } = await sealTo({ publicJwk, thumbprint }, keyring);

    const jweHeader = decodeProtectedHeader(file);
    expect(Object.keys(jweHeader).sort()).toEqual(['alg', 'cty', 'enc', 'epk', 'kid']);
    expect(jweHeader).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', kid: thumbprint, cty: 'healthbank-export' });
    expect(file.split('.')[1]).toBe('');

    const { plaintext } = await compactDecrypt(file, device.privateKey);
    const separator = plaintext.indexOf(0x0a);
    const jws = new TextDecoder().decode(plaintext.subarray(0, separator));
    expect(decodeProtectedHeader(jws)).toEqual({
      alg: 'ES256',
      kid: 'healthbank-development-export-es256-2',
      typ: 'healthbank-export+jwt',
    });
    const { payload } = await compactVerify(jws, createLocalJWKSet(keyring.jwks));
    const signed = JSON.parse(new TextDecoder().decode(payload));
    expect(signed).toEqual(claims);
    expect(signed).toEqual({
      iss: facts.issuer,
      aud: facts.clientId,
      sub: facts.subject,
      jti: facts.exportId,
      iat: NOW / 1000,
      exp: NOW / 1000 + 3600,
      consent_id: facts.consentId,
      categories: ['lab', 'outpatient'],
      period: { from: '2021-11-01', to: null },
      format: 'records',
      counts: { lab: 1, outpatient: 0 },
      content_digest: createHash('sha256').update(JSON.stringify(content)).digest('base64url'),
      content_length: Buffer.byteLength(JSON.stringify(content)),
      cnf: { jkt: thumbprint },
    });
    const bytes = inflateRawSync(plaintext.subarray(separator + 1));
    expect(bytes.toString('utf8')).toBe(JSON.stringify(content));
  });

  it('digests content given as bytes exactly as given', async () => {
    const device = await generateExportKey();
    const keyring = await loadExportKeyring(developmentExportSigningKeys());
    const bytes = new TextEncoder().encode('{ "lab" : [ ] }');
    const { file, claims } = await sealTo(device, keyring, {
      facts: { ...facts, categories: ['lab'], counts: { lab: 0 } },
      content: bytes,
    });
    expect(claims.content_digest).toBe(createHash('sha256').update(bytes).digest('base64url'));
    expect(claims.content_length).toBe(bytes.length);
    expect(await openWith(file, device, keyring.jwks)).toEqual({ claims, content: { lab: [] } });
  });

  it("compresses a synthetic citizen's records at least fivefold, base64url included", async () => {
    const records = generateCitizen('healthbank', 3, '2026-11-01').records;
    const device = await generateExportKey();
    const keyring = await loadExportKeyring(developmentExportSigningKeys());
    const { file, claims } = await sealTo(device, keyring, { content: records });
    expect(records.length).toBeGreaterThan(50);
    expect(file.length * 5).toBeLessThan(claims.content_length);
    const opened = await openWith(file, device, keyring.jwks);
    expect(typeof opened === 'object' && opened.content).toEqual(JSON.parse(JSON.stringify(records)));
  });

  it("cannot be opened with another device's key", async () => {
    const [device, other] = [await generateExportKey(), await generateExportKey()];
    const keyring = await loadExportKeyring(developmentExportSigningKeys());
    const { file } = await sealTo(device, keyring);
    expect(await openWith(file, other, keyring.jwks)).toBe('decryption_failed');
  });

  describe('refuses to seal', () => {
    it('to a key other than the one pinned at consent', async () => {
      const [device, other] = [await generateExportKey(), await generateExportKey()];
      const keyring = await loadExportKeyring(developmentExportSigningKeys());
      await expect(
        sealTo({ publicJwk: other.publicJwk, thumbprint: device.thumbprint }, keyring),
      ).rejects.toMatchObject({
        code: 'recipient_key_mismatch',
      });
    });

    it.each([
      ['a private key', async (jwk: JWK) => ({ ...jwk, d: 'AAAA' })],
      ['another curve', async (jwk: JWK) => ({ ...jwk, crv: 'P-384' })],
      ['an RSA key', async () => ({ kty: 'RSA', n: 'AQAB', e: 'AQAB' })],
      ['a point off the curve', async (jwk: JWK) => ({ ...jwk, y: base64url.encode(new Uint8Array(32).fill(7)) })],
    ])('to %s', async (_name, change) => {
      const device = await generateExportKey();
      const keyring = await loadExportKeyring(developmentExportSigningKeys());
      const recipientKey = await change(device.publicJwk);
      // Pin the thumbprint of exactly this key, so the check that refuses it is the key check.
      const pinned = recipientKey.kty === 'EC' ? await calculateJwkThumbprint(recipientKey as JWK) : device.thumbprint;
      const sealing = sealTo({ publicJwk: recipientKey as JWK, thumbprint: pinned }, keyring);
      await expect(sealing).rejects.toBeInstanceOf(ExportEnvelopeError);
      await expect(sealing).rejects.toMatchObject({ code: 'recipient_key_invalid' });
    });

    it('content that is not a JSON value', async () => {
      const device = await generateExportKey();
      const keyring = await loadExportKeyring(developmentExportSigningKeys());
      await expect(sealTo(device, keyring, { content: undefined })).rejects.toMatchObject({ code: 'content_invalid' });
    });

    it('claims that contradict each other', async () => {
      const device = await generateExportKey();
      const keyring = await loadExportKeyring(developmentExportSigningKeys());
      await expect(
        sealTo(device, keyring, { facts: { ...facts, counts: { lab: 1, inpatient: 2 } } }),
      ).rejects.toMatchObject({ code: 'claims_invalid' });
    });
  });
});

describe('key rotation', () => {
  it('keeps files signed with the previous key verifiable while it is published, not after', async () => {
    const device = await generateExportKey();
    const [oldKey, newKey] = keySet('export-old', 'export-new').keys as [
      ExportSigningKeys['keys'][number],
      ExportSigningKeys['keys'][number],
    ];
    const before = await loadExportKeyring({ keys: [oldKey] });
    const oldFile = (await sealTo(device, before)).file;

    // Rotated: the new key signs, the old one stays published with its private half destroyed.
    const { d: _destroyed, ...oldPublic } = oldKey;
    const rotated = await loadExportKeyring({ keys: [newKey, oldPublic] });
    expect(rotated.jwks.keys.map((k) => k.kid)).toEqual(['export-new', 'export-old']);
    const newFile = (await sealTo(device, rotated)).file;
    expect(decodeProtectedHeader(await innerJws(newFile, device)).kid).toBe('export-new');
    expect(typeof (await openWith(oldFile, device, rotated.jwks))).toBe('object');
    expect(typeof (await openWith(newFile, device, rotated.jwks))).toBe('object');

    // Retired: the old key is no longer published.
    const retired = await loadExportKeyring({ keys: [newKey] });
    expect(await openWith(oldFile, device, retired.jwks)).toBe('key_unknown');
    expect(typeof (await openWith(newFile, device, retired.jwks))).toBe('object');
  });
});

/** The JWS inside a file: only a test (holding the device key) can look. */
async function innerJws(file: string, device: { privateKey: CryptoKey }): Promise<string> {
  const { plaintext } = await compactDecrypt(file, device.privateKey);
  return new TextDecoder().decode(plaintext.subarray(0, plaintext.indexOf(0x0a)));
}
