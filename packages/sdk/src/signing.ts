/**
 * Compact JWS signing for an app's backend (deletion receipts, client assertions): ES256 (P-256)
 * or EdDSA (Ed25519) with WebCrypto, from a private JWK or a `CryptoKey` the app keeps.
 */
import { encodeBase64url } from './envelope/base64url.js';
import type { JWK } from './envelope/webcrypto-jose.js';

/** A private key to sign with: a JWK with `d`, or a (non-extractable) `CryptoKey` with its algorithm. */
export type SigningKeyInput = JWK | { cryptoKey: CryptoKey; alg: 'ES256' | 'EdDSA'; kid?: string };

export interface SigningKey {
  cryptoKey: CryptoKey;
  alg: 'ES256' | 'EdDSA';
  kid?: string;
}

/** Why a key cannot sign; the callers turn it into their own error type. */
export class SigningKeyError extends Error {}

const utf8 = new TextEncoder();

/** Imports the key once; callers keep the result. */
export async function importSigningKey(key: SigningKeyInput): Promise<SigningKey> {
  if ('cryptoKey' in key && key.cryptoKey) {
    const { cryptoKey, alg, kid } = key as SigningKey;
    return kid ? { cryptoKey, alg, kid } : { cryptoKey, alg };
  }
  const jwk = key as JWK;
  if (typeof jwk.d !== 'string') throw new SigningKeyError('the key needs its private part');
  const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
  const withKid = (cryptoKey: CryptoKey, alg: SigningKey['alg']): SigningKey =>
    kid ? { cryptoKey, alg, kid } : { cryptoKey, alg };
  try {
    if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
      const { kty, crv, x, y, d } = jwk;
      const material = { kty, crv, x, y, d } as JsonWebKey;
      const imported = await crypto.subtle.importKey('jwk', material, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
        'sign',
      ]);
      return withKid(imported, 'ES256');
    }
    if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
      const { kty, crv, x, d } = jwk;
      const imported = await crypto.subtle.importKey(
        'jwk',
        { kty, crv, x, d } as JsonWebKey,
        { name: 'Ed25519' },
        false,
        ['sign'],
      );
      return withKid(imported, 'EdDSA');
    }
  } catch {
    throw new SigningKeyError('the key cannot be imported');
  }
  throw new SigningKeyError('keys are ES256 (P-256) or Ed25519');
}

/** Signs `payload` as a compact JWS with the given protected header fields (`alg` and `kid` added). */
export async function signCompactJws(
  key: SigningKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const encode = (value: unknown) => encodeBase64url(utf8.encode(JSON.stringify(value)));
  const input = `${encode({ alg: key.alg, ...header, ...(key.kid ? { kid: key.kid } : {}) })}.${encode(payload)}`;
  const algorithm = key.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
  // ES256: WebCrypto's ECDSA signature is R || S, exactly what RFC 7518 §3.4 wants.
  const signature = await crypto.subtle.sign(algorithm, key.cryptoKey, utf8.encode(input));
  return `${input}.${encodeBase64url(new Uint8Array(signature))}`;
}
