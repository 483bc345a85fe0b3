/**
 * The platform as a client of the upstream provider: discovery (cached), `private_key_jwt` client
 * authentication, and the rule for plain HTTP. openid-client does the protocol.
 */
import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import * as client from 'openid-client';
import type { Clock } from '../../../clock.js';
import type { Config } from '../../../config/config.js';
import { type Environment, isLoopbackHost } from '../../../config/environment.js';
import { DISCOVERY_CACHE_MS, UPSTREAM_TIMEOUT_S } from './limits.js';

export type UpstreamOidcSettings = NonNullable<Config['upstreamOidc']>;

/** Where the provider sends citizens back; operators register exactly this URI there. */
export const UPSTREAM_CALLBACK_PATH = '/signin/upstream/callback';

/** The redirect URI for a platform at `publicUrl`: `${PUBLIC_URL}/signin/upstream/callback`. */
export function upstreamRedirectUri(publicUrl: string): string {
  return new URL(UPSTREAM_CALLBACK_PATH, publicUrl).href;
}

/** A failed discovery is retried after this long, so an outage is not asked again on every click. */
const DISCOVERY_RETRY_MS = 30_000;

export interface UpstreamClientOptions {
  settings: UpstreamOidcSettings;
  environment: Environment;
  clock: Clock;
  /**
   * How the provider is reached. Default: the global fetch, which verifies TLS certificates against
   * the system's CAs and `NODE_EXTRA_CA_CERTS`; tests pass one that trusts a throwaway CA.
   */
  fetch?: typeof fetch;
}

export class UpstreamClient {
  readonly issuer: URL;
  private readonly insecure: boolean;
  private cached?: { at: number; ttl: number; configuration: Promise<client.Configuration> };
  private authorizationOrigin?: string;

  constructor(private readonly o: UpstreamClientOptions) {
    this.issuer = new URL(o.settings.issuer);
    this.insecure = this.issuer.protocol === 'http:';
    // OIDC Core §16.17: identity assertions travel over TLS. Plain HTTP only to
    // this machine and only outside production, where tests run a provider on loopback.
    if (this.insecure && (o.environment === 'production' || !isLoopbackHost(this.issuer.hostname))) {
      throw new Error('UPSTREAM_OIDC_ISSUER may use http:// only on loopback and outside production');
    }
    const key = o.settings.jwks.keys[0];
    if (!key) throw new Error('UPSTREAM_OIDC_JWKS has no key');
    // Fail at start, not at a citizen's first sign-in, when the key cannot be a private key.
    createPrivateKey({ key: key as JsonWebKey, format: 'jwk' });
  }

  /**
   * The provider's discovered configuration (OIDC Discovery §4, issuer checked by openid-client),
   * reused for {@link DISCOVERY_CACHE_MS}; a failure is remembered only briefly.
   */
  configuration(): Promise<client.Configuration> {
    const now = this.o.clock.now();
    if (this.cached && now - this.cached.at < this.cached.ttl) return this.cached.configuration;
    const configuration = this.discover();
    const entry = { at: now, ttl: DISCOVERY_CACHE_MS, configuration };
    this.cached = entry;
    configuration.then(
      (c) => {
        const endpoint = c.serverMetadata().authorization_endpoint;
        if (endpoint) this.authorizationOrigin = new URL(endpoint).origin;
      },
      () => {
        entry.ttl = DISCOVERY_RETRY_MS;
      },
    );
    return configuration;
  }

  /**
   * Origins the sign-in page's form may end up at after its redirect (CSP `form-action`, which
   * browsers apply to redirects too): the issuer's, and the authorization endpoint's once known.
   */
  formTargets(): string[] {
    return [...new Set([this.issuer.origin, this.authorizationOrigin].filter((o): o is string => o !== undefined))];
  }

  private async discover(): Promise<client.Configuration> {
    const jwk = this.o.settings.jwks.keys[0] as JWK;
    const key = (await importJWK(jwk, jwk.alg ?? defaultAlgorithm(jwk))) as client.CryptoKey;
    const options: client.DiscoveryRequestOptions = {
      timeout: UPSTREAM_TIMEOUT_S,
      execute: [
        // OIDC Core §3.1.3.7 ¶6 lets TLS stand in for the ID token's signature; an identity that
        // opens health records gets both (the provider's JWKS, fetched and cached by openid-client).
        client.enableNonRepudiationChecks,
        // Deprecated in openid-client only to stand out: used solely for loopback outside production.
        ...(this.insecure ? [client.allowInsecureRequests] : []),
      ],
    };
    const custom = this.o.fetch;
    if (custom) options[client.customFetch] = (url, init) => custom(url, init as RequestInit);
    // OIDC Core §9 private_key_jwt: no shared secret to leak; the provider holds only the public key.
    return client.discovery(
      this.issuer,
      this.o.settings.clientId,
      { token_endpoint_auth_method: 'private_key_jwt' },
      client.PrivateKeyJwt({ key, ...(jwk.kid ? { kid: jwk.kid } : {}) }),
      options,
    );
  }
}

/** The JWS algorithm of a key without `alg`: the one its curve implies, RS256 for RSA (OIDC Core §15.1). */
function defaultAlgorithm(jwk: JWK): string {
  if (jwk.kty === 'OKP') return 'EdDSA';
  if (jwk.kty === 'RSA') return 'RS256';
  return { 'P-384': 'ES384', 'P-521': 'ES512' }[jwk.crv ?? ''] ?? 'ES256';
}
