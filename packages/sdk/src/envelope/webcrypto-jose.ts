/**
 * The JOSE operations the SDK performs, for exactly the algorithms the export format and DPoP use,
 * on the platform's WebCrypto: ECDH-ES + A256GCM decryption (RFC 7516 §5.2; RFC 7518 §4.6, §5.3),
 * ES256 and EdDSA verification (RFC 7515 §5.2; RFC 7518 §3.4; RFC 8037 §3.1), ES256 signing for
 * DPoP proofs (RFC 9449 §4.2) and RFC 7638 thumbprints.
 *
 * Why not a general JOSE library: it negotiates algorithms, key types and serializations, about
 * 10 KB gzipped in every app. Here every header has already passed an allowlist (headers.ts), so
 * one algorithm is left per step and the work is WebCrypto's primitives, which authenticate the
 * ciphertext, validate public keys on import (an off-curve `epk` is refused, RFC 7518 §4.6 invalid
 * curve attacks) and verify signatures in constant time. Tested against RFC 7518 Appendix C, the
 * committed test vectors and files sealed by the platform with jose.
 */
import { SdkError } from '../errors.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';

/** A JSON Web Key (RFC 7517 §4), as far as the SDK reads one. */
export interface JWK {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  [member: string]: unknown;
}

/** A JWK Set (RFC 7517 §5). */
export interface JSONWebKeySet {
  keys: JWK[];
}

const ascii = new TextEncoder();

const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The Concat KDF of RFC 7518 §4.6.2 (NIST SP 800-56A §5.8.1) with SHA-256, for keys of at most 256
 * bits (one round). `algorithmId` is the `enc` value for direct key agreement.
 */
export async function concatKdf(
  sharedSecret: Uint8Array,
  algorithmId: string,
  keyBits: number,
  partyUInfo: Uint8Array = new Uint8Array(),
  partyVInfo: Uint8Array = new Uint8Array(),
): Promise<Uint8Array> {
  if (keyBits > 256 || keyBits % 8 !== 0) throw new RangeError('one SHA-256 round gives at most 256 bits');
  const id = ascii.encode(algorithmId);
  const input = concat(
    u32(1),
    sharedSecret,
    u32(id.length),
    id,
    u32(partyUInfo.length),
    partyUInfo,
    u32(partyVInfo.length),
    partyVInfo,
    u32(keyBits),
  );
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input)).slice(0, keyBits / 8);
}

/**
 * Decrypts a compact JWE whose header (already checked) says `ECDH-ES` / `A256GCM` with the
 * ephemeral public key `epk`, using the recipient's ECDH P-256 private key. No `apu`/`apv`: the
 * header allowlist refuses them. Throws `decryption_failed` for a wrong key or any changed byte.
 */
export async function decryptEcdhEsA256Gcm(
  jwe: string,
  epk: { x: string; y: string },
  privateKey: CryptoKey,
): Promise<Uint8Array> {
  const [header = '', , iv = '', ciphertext = '', tag = ''] = jwe.split('.');
  try {
    const ephemeral = await crypto.subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: epk.x, y: epk.y },
      { name: 'ECDH', namedCurve: 'P-256' },
      false,
      [],
    );
    const shared = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: ephemeral }, privateKey, 256));
    const cek = await crypto.subtle.importKey(
      'raw',
      (await concatKdf(shared, 'A256GCM', 256)) as Uint8Array<ArrayBuffer>,
      'AES-GCM',
      false,
      ['decrypt'],
    );
    // The protected header's base64url text is the additional authenticated data (RFC 7516 §5.2 step 14).
    const params = {
      name: 'AES-GCM',
      iv: decodeBase64url(iv) as Uint8Array<ArrayBuffer>,
      additionalData: ascii.encode(header),
      tagLength: 128,
    };
    return new Uint8Array(
      await crypto.subtle.decrypt(params, cek, concat(decodeBase64url(ciphertext), decodeBase64url(tag))),
    );
  } catch (cause) {
    throw new SdkError('decryption_failed', 'the file does not decrypt with this key', { cause });
  }
}

/** The WebCrypto parameters of a JWS algorithm this SDK accepts. */
const SIGNATURE = {
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, use: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { import: { name: 'Ed25519' }, use: { name: 'Ed25519' } },
} as const;

/** Imports the public members of a verification key for `alg` (a private `d` is never imported). */
export function importVerificationKey(jwk: JWK, alg: keyof typeof SIGNATURE): Promise<CryptoKey> {
  const { kty, crv, x, y } = jwk;
  const members = alg === 'ES256' ? { kty, crv, x, y } : { kty, crv, x };
  return crypto.subtle.importKey('jwk', members as JsonWebKey, SIGNATURE[alg].import, false, ['verify']);
}

/**
 * Verifies a compact JWS (header already checked) and returns its payload bytes. ES256 signatures
 * are the 64-byte R || S of RFC 7518 §3.4, which is WebCrypto's own encoding.
 */
export async function verifyCompactJws(jws: string, key: CryptoKey, alg: keyof typeof SIGNATURE): Promise<Uint8Array> {
  const [header = '', payload = '', signature = ''] = jws.split('.');
  const valid = await crypto.subtle.verify(
    SIGNATURE[alg].use,
    key,
    decodeBase64url(signature) as Uint8Array<ArrayBuffer>,
    ascii.encode(`${header}.${payload}`),
  );
  if (!valid) throw new SdkError('signature_invalid', 'bad signature');
  return decodeBase64url(payload);
}

const encodeJson = (value: unknown) => encodeBase64url(ascii.encode(JSON.stringify(value)));

/** Signs a JWT with an ECDSA P-256 private key (ES256), e.g. a DPoP proof. */
export async function signEs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: CryptoKey,
): Promise<string> {
  const input = `${encodeJson({ ...header, alg: 'ES256' })}.${encodeJson(payload)}`;
  const signature = await crypto.subtle.sign(SIGNATURE.ES256.use, privateKey, ascii.encode(input));
  return `${input}.${encodeBase64url(new Uint8Array(signature))}`;
}

/**
 * The RFC 7638 SHA-256 thumbprint of an EC public key: its required members in lexicographic
 * order without whitespace (§3.2), which is what `JSON.stringify` writes for this literal.
 */
export async function ecThumbprint({ crv, kty, x, y }: JWK): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', ascii.encode(JSON.stringify({ crv, kty, x, y })));
  return encodeBase64url(new Uint8Array(digest));
}
