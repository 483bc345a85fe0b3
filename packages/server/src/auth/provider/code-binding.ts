/**
 * A code bound to a DPoP key (`dpop_jkt` at PAR, RFC 9449 §10) is refused to any other key before
 * it is spent. oidc-provider compares the keys only after consuming the code, so whoever held a
 * stolen code and any key could spend it; the real app's exchange then looked like a replay
 * (RFC 6749 §4.1.2) and revoked the grant and the citizen's consent. Refusing first leaves the
 * code to its app.
 */
import { calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose';
import Provider, { errors } from 'oidc-provider';

/** The RFC 7638 thumbprint of the key in a DPoP proof's header, or undefined. */
async function proofThumbprint(proof: string | undefined): Promise<string | undefined> {
  if (!proof) return undefined;
  try {
    const { jwk } = decodeProtectedHeader(proof);
    return jwk ? await calculateJwkThumbprint(jwk as JWK, 'sha256') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wraps the provider's `AuthorizationCode#consume`. It runs inside the token request, after
 * oidc-provider has verified the request's DPoP proof, so the key in that proof's header is the
 * key the client proved; `Provider.ctx` is that request (oidc-provider keeps it in async storage).
 */
export function refuseForeignKeyBeforeConsuming(provider: Provider): void {
  const prototype = provider.AuthorizationCode.prototype as { consume(): Promise<void>; dpopJkt?: string };
  const consume = prototype.consume;
  prototype.consume = async function (this: { dpopJkt?: string }) {
    if (this.dpopJkt !== undefined) {
      const jkt = await proofThumbprint(Provider.ctx?.get('DPoP'));
      if (jkt !== this.dpopJkt) throw new errors.InvalidGrant('DPoP proof key thumbprint does not match dpop_jkt');
    }
    return consume.call(this);
  };
}
