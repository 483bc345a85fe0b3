/**
 * The committed test vectors (packages/sdk/test-vectors/) against the SDK: the positive files open
 * to exactly their expected claims and content, every negative file fails with its documented
 * code, and docs/export-format.md shows the same files. Regenerating the vectors cannot go
 * unnoticed, and neither can a change in the SDK that would open a file differently.
 */
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet, JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { EXPORT_FILE_ERROR_CODES, isSdkError } from '../errors.js';
import { openExportFile } from './open.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const vectors = (name: string) => JSON.parse(read(`../../test-vectors/${name}.json`));

interface Keys {
  issuer: string;
  audience: string;
  device: { privateJwk: JsonWebKey; thumbprint: string };
  otherDevice: { privateJwk: JsonWebKey; thumbprint: string };
  platform: { jwks: JSONWebKeySet };
}
const keys: Keys = vectors('keys');
const positive: {
  now: number;
  vectors: { name: string; file: string; removedKey?: string; expected: { claims: unknown; content: unknown } }[];
} = vectors('positive');
const negative: { now: number; vectors: { name: string; file: string; error: string; description: string }[] } =
  vectors('negative');

/** The device key as an app holds it: imported once, non-extractable. */
const importDeviceKey = (jwk: JsonWebKey) =>
  crypto.subtle.importKey('jwk', jwk, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);

async function open(
  file: string,
  opts: { key?: JsonWebKey; thumbprint?: string; jwks?: JSONWebKeySet; now?: number } = {},
): Promise<string | Awaited<ReturnType<typeof openExportFile>>> {
  try {
    return await openExportFile(file, {
      decryptionKey: await importDeviceKey(opts.key ?? keys.device.privateJwk),
      jwks: opts.jwks ?? keys.platform.jwks,
      issuer: keys.issuer,
      audience: keys.audience,
      now: () => opts.now ?? positive.now,
      ...(opts.thumbprint ? { recipientKeyThumbprint: opts.thumbprint } : {}),
    });
  } catch (error) {
    if (isSdkError(error)) return error.code;
    throw error;
  }
}

const withAndWithoutThumbprint = [
  ['with the recipient thumbprint', keys.device.thumbprint],
  ['without it', undefined],
] as const;

describe.each(withAndWithoutThumbprint)('test vectors, opened %s', (_label, thumbprint) => {
  it.each(positive.vectors.map((v) => [v.name, v] as const))(
    '%s opens to its expected claims and content',
    async (_name, vector) => {
      expect(await open(vector.file, { thumbprint })).toEqual(vector.expected);
    },
  );

  it.each(negative.vectors.map((v) => [v.name, v] as const))('%s is rejected with its code', async (_name, vector) => {
    expect(await open(vector.file, { thumbprint })).toBe(vector.error);
  });

  it('a file signed with the previous key fails once that key leaves the JWKS', async () => {
    const vector = positive.vectors.find((v) => v.removedKey);
    if (!vector?.removedKey) throw new Error('no rotation vector');
    const jwks = { keys: keys.platform.jwks.keys.filter((k: JWK) => k.kid !== vector.removedKey) };
    expect(jwks.keys.length).toBe(keys.platform.jwks.keys.length - 1);
    expect(await open(vector.file, { thumbprint, jwks })).toBe('key_unknown');
  });
});

describe('test vectors', () => {
  const valid = positive.vectors[0]?.file ?? '';

  it('cover every case the format promises to reject, each with a documented code', () => {
    const names = negative.vectors.map((v) => v.name);
    for (const required of [
      'tampered-ciphertext',
      'tampered-content',
      'truncated-end',
      'wrong-key',
      'expired',
      'alg-none',
      'unknown-crit',
      'embedded-jwk',
      'jku',
    ]) {
      expect(names).toContain(required);
    }
    for (const vector of negative.vectors) expect(EXPORT_FILE_ERROR_CODES).toContain(vector.error);
  });

  it('the device key works non-extractable', async () => {
    const key = await importDeviceKey(keys.device.privateJwk);
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', key)).rejects.toThrow();
    const opened = await openExportFile(valid, {
      decryptionKey: key,
      jwks: keys.platform.jwks,
      issuer: keys.issuer,
      audience: keys.audience,
      now: () => positive.now,
    });
    expect(opened.claims.cnf.jkt).toBe(keys.device.thumbprint);
  });

  it("another device's key cannot decrypt the valid file", async () => {
    expect(await open(valid, { key: keys.otherDevice.privateJwk })).toBe('decryption_failed');
    expect(await open(valid, { key: keys.otherDevice.privateJwk, thumbprint: keys.otherDevice.thumbprint })).toBe(
      'decryption_failed',
    );
  });

  it('the clock tolerance is 60 seconds on both sides', async () => {
    const claims = positive.vectors[0]?.expected.claims as { iat: number; exp: number };
    expect(typeof (await open(valid, { now: (claims.exp + 60) * 1000 }))).toBe('object');
    expect(await open(valid, { now: (claims.exp + 61) * 1000 })).toBe('file_expired');
    expect(typeof (await open(valid, { now: (claims.iat - 60) * 1000 }))).toBe('object');
    expect(await open(valid, { now: (claims.iat - 61) * 1000 })).toBe('file_not_yet_valid');
  });

  it('are shown, unchanged, in docs/export-format.md', () => {
    const doc = read('../../../../docs/export-format.md');
    // `includes` rather than `toContain`: a failure should name the vector, not print the whole document.
    for (const vector of [...positive.vectors, ...negative.vectors]) {
      expect(doc.includes(vector.file), `${vector.name} file`).toBe(true);
    }
    for (const vector of negative.vectors) {
      expect(doc.includes(`| \`${vector.name}\` | \`${vector.error}\` |`), `${vector.name} row`).toBe(true);
    }
    expect(doc.includes(`"d": "${keys.device.privateJwk.d}"`), 'the device private key').toBe(true);
  });
});
