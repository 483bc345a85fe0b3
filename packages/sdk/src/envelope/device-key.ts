/**
 * The device's export key: an ECDH P-256 key pair made on the device. Its private half is
 * non-extractable (WebCrypto keeps it; script cannot read it); the app sends only the public JWK
 * and pins its RFC 7638 thumbprint at consent (`export_key_jkt`).
 */
import { ecThumbprint, type JWK } from './webcrypto-jose.js';

export interface ExportKey {
  /** Non-extractable; store it as a `CryptoKey` (e.g. in IndexedDB), never as JWK. */
  privateKey: CryptoKey;
  /** `{ kty, crv, x, y }`: what the platform encrypts to. */
  publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of `publicJwk`, base64url. */
  thumbprint: string;
}

/**
 * Makes a new export key on the device.
 *
 * @example
 * const exportKey = await generateExportKey();
 * exportKey.privateKey.extractable; // false
 */
export async function generateExportKey(): Promise<ExportKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk = { kty, crv, x, y } as JWK;
  return { privateKey: pair.privateKey, publicJwk, thumbprint: await ecThumbprint(publicJwk) };
}
