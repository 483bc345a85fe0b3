import {
  CompactEncrypt,
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { isSdkError } from '../errors.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import {
  concatKdf,
  decryptEcdhEsA256Gcm,
  ecThumbprint,
  importVerificationKey,
  signEs256,
  verifyCompactJws,
} from './webcrypto-jose.js';

const codeOf = async (work: Promise<unknown>) => {
  try {
    await work;
    return 'opened';
  } catch (error) {
    return isSdkError(error) ? error.code : String(error);
  }
};

describe('WebCrypto JOSE', () => {
  it('derives RFC 7518 Appendix C’s key (ECDH-ES, A128GCM, apu "Alice", apv "Bob")', async () => {
    const alice = {
      kty: 'EC',
      crv: 'P-256',
      x: 'gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0',
      y: 'SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps',
      d: '0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo',
    };
    const bob = {
      kty: 'EC',
      crv: 'P-256',
      x: 'weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ',
      y: 'e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck',
    };
    const ecdh = { name: 'ECDH', namedCurve: 'P-256' };
    const privateKey = await crypto.subtle.importKey('jwk', alice, ecdh, false, ['deriveBits']);
    const publicKey = await crypto.subtle.importKey('jwk', bob, ecdh, false, []);
    const z = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256));
    const key = await concatKdf(z, 'A128GCM', 128, new TextEncoder().encode('Alice'), new TextEncoder().encode('Bob'));
    expect(encodeBase64url(key)).toBe('VqqN6vgjbSBcIijNcacQGg');
  });

  it('encodes base64url canonically, every length', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = encodeBase64url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(decodeBase64url(text)).toEqual(bytes);
    }
  });

  it('decrypts what jose encrypts with ECDH-ES / A256GCM, and refuses a wrong key or a changed byte', async () => {
    const recipient = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const other = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
    const jwe = await new CompactEncrypt(new TextEncoder().encode('糖化血色素 7.2'))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
      .encrypt(recipient.publicKey);
    const { epk } = JSON.parse(new TextDecoder().decode(decodeBase64url(jwe.split('.')[0] as string)));
    const plaintext = await decryptEcdhEsA256Gcm(jwe, epk, recipient.privateKey as CryptoKey);
    expect(new TextDecoder().decode(plaintext)).toBe('糖化血色素 7.2');

    expect(await codeOf(decryptEcdhEsA256Gcm(jwe, epk, other.privateKey as CryptoKey))).toBe('decryption_failed');
    const parts = jwe.split('.');
    const ct = parts[3] as string;
    const flipped = [parts[0], '', parts[2], `${ct[0] === 'A' ? 'B' : 'A'}${ct.slice(1)}`, parts[4]].join('.');
    expect(await codeOf(decryptEcdhEsA256Gcm(flipped, epk, recipient.privateKey as CryptoKey))).toBe(
      'decryption_failed',
    );
    // An ephemeral key off the curve (invalid-curve attack, RFC 7518 §4.6) is refused before any agreement.
    const offCurve = { x: epk.x, y: epk.x };
    expect(await codeOf(decryptEcdhEsA256Gcm(jwe, offCurve, recipient.privateKey as CryptoKey))).toBe(
      'decryption_failed',
    );
  });

  it.each(['ES256', 'EdDSA'] as const)(
    'verifies %s signatures made by jose and refuses a changed payload',
    async (alg) => {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      const jws = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg }).sign(privateKey);
      const key = await importVerificationKey(await exportJWK(publicKey), alg);
      expect(JSON.parse(new TextDecoder().decode(await verifyCompactJws(jws, key, alg)))).toEqual({ sub: 'x' });
      const [h, , s] = jws.split('.');
      const forged = `${h}.${encodeBase64url(new TextEncoder().encode('{"sub":"y"}'))}.${s}`;
      expect(await codeOf(verifyCompactJws(forged, key, alg))).toBe('signature_invalid');
    },
  );

  it('never imports the private member of a published key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const key = await importVerificationKey(await exportJWK(privateKey), 'ES256');
    expect(key.type).toBe('public');
  });

  it('signs ES256 JWTs that jose verifies, and computes RFC 7638 thumbprints as jose does', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const jwt = await signEs256({ typ: 'dpop+jwt' }, { htm: 'GET', iat: 1 }, pair.privateKey);
    const { payload, protectedHeader } = await compactVerify(
      jwt,
      await importJWK(await exportJWK(pair.publicKey), 'ES256'),
    );
    expect(protectedHeader).toEqual({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ htm: 'GET', iat: 1 });
    const jwk = await exportJWK(pair.publicKey);
    expect(await ecThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
  });
});
