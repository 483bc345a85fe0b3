/**
 * DPoP proofs for the requests that carry a ticket rather than an access token (fetching a file,
 * revoking): RFC 9449 §4.2 without `ath`. Requests with an access token use oauth4webapi's DPoP
 * handle instead.
 */
import { encodeBase64url } from '../envelope/base64url.js';
import { signEs256 } from '../envelope/webcrypto-jose.js';

/** A proof for `method` on `url` (query and fragment excluded from `htu`, as §4.2 says). */
export async function ticketProof(keys: CryptoKeyPair, method: string, url: URL): Promise<string> {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', keys.publicKey);
  return signEs256(
    { typ: 'dpop+jwt', jwk: { kty, crv, x, y } },
    {
      htm: method,
      htu: `${url.origin}${url.pathname}`,
      jti: encodeBase64url(crypto.getRandomValues(new Uint8Array(24))),
      iat: Math.floor(Date.now() / 1000),
    },
    keys.privateKey,
  );
}
