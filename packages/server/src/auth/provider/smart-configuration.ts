import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.js';
import { RECORD_SCOPES } from './provider.js';
import { issuerOf, OAUTH_ROUTES, SMART_CONFIGURATION_PATH } from './routes.js';

/**
 * The SMART App Launch 2 configuration (§2.0.8 "Metadata"): the endpoints and what this server
 * supports, for FHIR-minded clients. Only capabilities that hold here are listed: standalone
 * launch, public and asymmetric-confidential clients, OpenID Connect, and offline access (an
 * ongoing consent gets a refresh token).
 */
export function smartConfiguration(config: Pick<Config, 'publicUrl'>): Record<string, unknown> {
  const issuer = issuerOf(config);
  return {
    issuer,
    jwks_uri: `${issuer}${OAUTH_ROUTES.jwks}`,
    authorization_endpoint: `${issuer}${OAUTH_ROUTES.authorization}`,
    token_endpoint: `${issuer}${OAUTH_ROUTES.token}`,
    pushed_authorization_request_endpoint: `${issuer}${OAUTH_ROUTES.pushed_authorization_request}`,
    require_pushed_authorization_requests: true,
    revocation_endpoint: `${issuer}${OAUTH_ROUTES.revocation}`,
    introspection_endpoint: `${issuer}${OAUTH_ROUTES.introspection}`,
    grant_types_supported: ['authorization_code', 'refresh_token'],
    response_types_supported: ['code'],
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: ['ES256', 'PS256', 'EdDSA'],
    dpop_signing_alg_values_supported: ['ES256', 'PS256', 'EdDSA'],
    scopes_supported: ['openid', ...RECORD_SCOPES],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    capabilities: [
      'launch-standalone',
      'client-public',
      'client-confidential-asymmetric',
      'sso-openid-connect',
      'permission-offline',
    ],
  };
}

/** Serves {@link smartConfiguration} at `/.well-known/smart-configuration`. */
export function registerSmartConfiguration(app: FastifyInstance, config: Pick<Config, 'publicUrl'>): void {
  const body = smartConfiguration(config);
  app.get(SMART_CONFIGURATION_PATH, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').header('access-control-allow-origin', '*').send(body),
  );
}
