/**
 * Picks the platform key that verifies a file: the JWKS entry named by the JWS `kid`, which must
 * fit the header's algorithm. Only the public members are imported, so a JWKS that wrongly
 * publishes a private key still verifies with the public half.
 */
import type { ExportSigningAlg } from '@healthbank/records';
import { SdkError } from '../errors.js';
import { importVerificationKey, type JSONWebKeySet, type JWK } from './webcrypto-jose.js';

function fits(jwk: JWK, alg: ExportSigningAlg): boolean {
  const shape = alg === 'ES256' ? jwk.kty === 'EC' && jwk.crv === 'P-256' : jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
  return (
    shape &&
    (jwk.alg === undefined || jwk.alg === alg) &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (jwk.key_ops === undefined || (Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify')))
  );
}

/** The verification key for `kid` and `alg`; `key_unknown` when the JWKS does not publish it. */
export async function verificationKey(jwks: JSONWebKeySet, kid: string, alg: ExportSigningAlg): Promise<CryptoKey> {
  // The JWKS comes from the network: entries that are not objects are skipped, not trusted.
  const named = (Array.isArray(jwks?.keys) ? jwks.keys : []).filter(
    (jwk) => typeof jwk === 'object' && jwk !== null && jwk.kid === kid,
  );
  if (named.length === 0) throw new SdkError('key_unknown', `the platform JWKS has no key "${kid}"`);
  const usable = named.filter((jwk) => fits(jwk, alg));
  if (usable.length !== 1) {
    // A header algorithm that does not fit the named key is an algorithm-confusion attempt.
    throw new SdkError('signature_invalid', `platform key "${kid}" is not a single ${alg} key`);
  }
  try {
    return await importVerificationKey(usable[0] as JWK, alg);
  } catch (cause) {
    throw new SdkError('signature_invalid', `platform key "${kid}" cannot be imported`, { cause });
  }
}
