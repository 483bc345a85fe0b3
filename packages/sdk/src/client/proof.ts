/**
 * DPoP proofs for the requests that carry a ticket rather than an access token (fetching a file,
 * revoking): RFC 9449 §4.2 without `ath`. Requests with an access token use oauth4webapi's DPoP
 * handle instead.
 */
import { base64url, SignJWT } from 'jose';

/** A proof for `method` on `url` (query and fragment excluded from `htu`, as §4.2 says). */
export async function ticketProof(keys: CryptoKeyPair, method: string, url: URL): Promise<string> {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', keys.publicKey);
  return new SignJWT({
    htm: method,
    htu: `${url.origin}${url.pathname}`,
    jti: base64url.encode(crypto.getRandomValues(new Uint8Array(24))),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: kty as string, crv, x, y } })
    .setIssuedAt()
    .sign(keys.privateKey);
}
