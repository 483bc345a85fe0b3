/**
 * Robustness of `openExportFile` beyond the fixed vectors: every truncation and thousands of byte
 * flips of a valid file, changes an attacker could make to the plaintext (anyone can encrypt to a
 * device's public key), the pure inflater, and misuse of the API.
 */
import { readFileSync } from 'node:fs';
import { CompactEncrypt, compactDecrypt, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXPORT_FILE_ERROR_CODES, isSdkError } from '../errors.js';
import { generateExportKey } from './device-key.js';
import { type OpenExportFileOptions, openExportFile } from './open.js';

const vectors = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../test-vectors/${name}.json`, import.meta.url), 'utf8'));
const keys = vectors('keys');
const positive = vectors('positive');
const negative = vectors('negative');
const valid: string = positive.vectors[0].file;
const expected = positive.vectors[0].expected;

/** A deterministic generator (mulberry32): a failing mutation can be replayed from its seed. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

async function options(): Promise<OpenExportFileOptions> {
  return {
    decryptionKey: await crypto.subtle.importKey(
      'jwk',
      keys.device.privateJwk,
      { name: 'ECDH', namedCurve: 'P-256' },
      false,
      ['deriveBits'],
    ),
    jwks: keys.platform.jwks as JSONWebKeySet,
    issuer: keys.issuer,
    audience: keys.audience,
    now: () => positive.now,
    recipientKeyThumbprint: keys.device.thumbprint,
  };
}

/** The error code opening `file` fails with, or `opened` with the result. */
async function outcome(file: string, opts: OpenExportFileOptions) {
  try {
    return { opened: await openExportFile(file, opts) };
  } catch (error) {
    if (!isSdkError(error)) throw error;
    return { code: error.code };
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('openExportFile on a damaged file', () => {
  it('rejects every truncation and 10,000 random byte flips, each with an export-file code', async () => {
    const opts = await options();
    const next = random(20261101);
    const mutants: string[] = [];
    for (let length = 0; length < valid.length; length++) mutants.push(valid.slice(0, length));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < 10_000; i++) {
      const at = next(valid.length);
      const old = valid.charCodeAt(at);
      // Half XOR the byte with a non-zero mask (any other byte value); half put another base64url
      // character there, which passes every syntax check and so reaches the cryptography.
      const others = alphabet.replace(valid[at] as string, '');
      const flipped = i % 2 === 0 ? String.fromCharCode(old ^ (1 + next(255))) : others[next(others.length)];
      mutants.push(valid.slice(0, at) + flipped + valid.slice(at + 1));
    }
    expect(mutants.length).toBeGreaterThanOrEqual(10_000 + valid.length);
    const codes = new Map<string, number>();
    for (const mutant of mutants) {
      const result = await outcome(mutant, opts);
      if (!result.code) throw new Error(`a damaged file opened: ${mutant}`);
      codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
    }
    for (const code of codes.keys()) expect(EXPORT_FILE_ERROR_CODES).toContain(code);
    // The flips reach the cryptography, not only the syntax checks: AES-GCM rejects thousands.
    expect(codes.get('decryption_failed')).toBeGreaterThan(4000);
  });

  it('never opens a changed plaintext to anything but the signed claims and content', async () => {
    // The attacker's position: change the inner file and re-encrypt it to the device's public key.
    const { plaintext } = await compactDecrypt(valid, await importJWK(keys.device.privateJwk, 'ECDH-ES'));
    const separator = plaintext.indexOf(0x0a);
    const devicePublic = await importJWK(keys.device.publicJwk as JWK, 'ECDH-ES');
    const seal = (bytes: Uint8Array) =>
      new CompactEncrypt(bytes)
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: keys.device.thumbprint, cty: 'healthbank-export' })
        .encrypt(devicePublic);
    const opts = await options();
    const next = random(7);
    let rejected = 0;
    for (let i = 0; i < 1500; i++) {
      const mutant = plaintext.slice();
      const at = next(mutant.length);
      mutant[at] = (mutant[at] as number) ^ (1 + next(255));
      const result = await outcome(await seal(i % 10 === 0 ? plaintext.subarray(0, at) : mutant), opts);
      if (result.code) {
        rejected++;
        continue;
      }
      // Only bits DEFLATE ignores (the padding after its last block) can change without effect.
      expect(at).toBeGreaterThan(separator);
      expect(result.opened).toEqual(expected);
    }
    expect(rejected).toBeGreaterThan(1400);
  });
});

describe('openExportFile', () => {
  it('opens the same way without DecompressionStream, using its own inflater', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    const opts = await options();
    expect((await outcome(valid, opts)).opened).toEqual(expected);
    const tampered = negative.vectors.find((v: { name: string }) => v.name === 'tampered-content');
    expect(await outcome(tampered.file, opts)).toEqual({ code: 'signature_invalid' });
  });

  it("refuses content longer than the app's limit before inflating it", async () => {
    const opts = await options();
    const limit = expected.claims.content_length - 1;
    expect(await outcome(valid, { ...opts, maxContentBytes: limit })).toEqual({ code: 'content_too_large' });
    expect((await outcome(valid, { ...opts, maxContentBytes: limit + 1 })).opened).toEqual(expected);
  });

  it('refuses a file addressed to another key before decrypting it', async () => {
    const opts = await options();
    expect(await outcome(valid, { ...opts, recipientKeyThumbprint: keys.otherDevice.thumbprint })).toEqual({
      code: 'decryption_failed',
    });
  });

  it('refuses a JWKS that lacks keys, or is not one', async () => {
    const opts = await options();
    expect(await outcome(valid, { ...opts, jwks: { keys: [] } })).toEqual({ code: 'key_unknown' });
    expect(await outcome(valid, { ...opts, jwks: {} as JSONWebKeySet })).toEqual({ code: 'key_unknown' });
    const garbled = { keys: [null, 'x', ...keys.platform.jwks.keys.map((k: JWK) => ({ ...k, key_ops: 'verify' }))] };
    expect(await outcome(valid, { ...opts, jwks: garbled as JSONWebKeySet })).toEqual({ code: 'signature_invalid' });
  });

  it('refuses a key whose type does not fit the header algorithm', async () => {
    const opts = await options();
    const jwks = {
      keys: (keys.platform.jwks.keys as JWK[]).map((k) => (k.kty === 'EC' ? { ...k, alg: 'EdDSA' } : k)),
    };
    expect(await outcome(valid, { ...opts, jwks })).toEqual({ code: 'signature_invalid' });
  });

  it('is a programming error to pass anything but an ECDH P-256 private key', async () => {
    const opts = await options();
    const signing = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    await expect(openExportFile(valid, { ...opts, decryptionKey: signing.privateKey })).rejects.toThrow(TypeError);
  });
});

describe('generateExportKey', () => {
  it('makes a non-extractable ECDH P-256 key and the thumbprint of its bare public JWK', async () => {
    const key = await generateExportKey();
    expect(key.privateKey.extractable).toBe(false);
    expect(key.privateKey.usages).toEqual(['deriveBits']);
    expect(key.privateKey.algorithm).toMatchObject({ name: 'ECDH', namedCurve: 'P-256' });
    expect(Object.keys(key.publicJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    const { kty, crv, x, y } = key.publicJwk;
    const canonical = new TextEncoder().encode(JSON.stringify({ crv, kty, x, y }));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', canonical));
    expect(key.thumbprint).toBe(Buffer.from(digest).toString('base64url'));
    expect((await generateExportKey()).thumbprint).not.toBe(key.thumbprint);
  });
});
