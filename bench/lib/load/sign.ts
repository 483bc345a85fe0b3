/**
 * The signatures a request may need, all ES256 and single use (the server records each `jti`):
 * DPoP proofs (RFC 9449) and `private_key_jwt` client assertions (RFC 7523).
 */
import { randomUUID } from 'node:crypto';
import { importJWK, type JWK, SignJWT } from 'jose';
import type { TokenCredentials } from './job.js';

/** Signs fresh DPoP proofs with a private JWK, for a method and a URL. */
export async function dpopSigner(privateJwk: JWK): Promise<(htm: string, htu: string) => Promise<string>> {
  const key = await importJWK(privateJwk, 'ES256');
  // The proof carries the public half only.
  const { kty, crv, x, y } = privateJwk;
  const jwk: JWK = { kty, crv, x, y };
  return (htm, htu) =>
    new SignJWT({ htm, htu, jti: randomUUID() })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
      .setIssuedAt()
      .sign(key);
}

/** Signs fresh client assertions for the token endpoint, valid two minutes. */
export async function clientAssertionSigner(credentials: TokenCredentials): Promise<() => Promise<string>> {
  const key = await importJWK(credentials.clientKey, 'ES256');
  const { clientId, issuer } = credentials;
  return () => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: String(credentials.clientKey.kid) })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .sign(key);
  };
}
