/**
 * Checks on requests to the OAuth endpoints that oidc-provider does not make, run on the parsed
 * form before the provider sees the request. Each answer is an OAuth error (RFC 6749 §5.2), and
 * a refused request changes nothing: no code is spent, no proof is remembered.
 */
import { decodeJwt } from 'jose';
import { DPOP_MAX_AGE_S, issuedAtProblem } from '../jwt-time.js';
import { OAUTH_ROUTES } from './routes.js';

export interface OAuthRefusal {
  status: number;
  error: string;
  description: string;
}

export interface EndpointRequest {
  path: string;
  /** The form body (empty for requests without one). */
  form: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  now: number;
}

const refuse = (status: number, error: string, description: string): OAuthRefusal => ({ status, error, description });

/** The endpoints where a client authenticates (RFC 6749 §2.3). */
const CLIENT_AUTHENTICATED = new Set<string>([
  OAUTH_ROUTES.token,
  OAUTH_ROUTES.pushed_authorization_request,
  OAUTH_ROUTES.revocation,
  OAUTH_ROUTES.introspection,
]);

/** The endpoints that take a DPoP proof (RFC 9449 §5, §10). */
const DPOP_ENDPOINTS = new Set<string>([OAUTH_ROUTES.token, OAUTH_ROUTES.pushed_authorization_request]);

/**
 * - No client secrets anywhere: on-device apps are public clients and backends use
 *   `private_key_jwt` (FAPI 2.0 §5.3.2.1 admits no shared secrets). A public client that sends a
 *   secret is misconfigured or impersonating a confidential one, so it is refused, not ignored
 *   (RFC 6749 §2.3.1 makes a secret authentication, and a failed one is `invalid_client`).
 * - Introspection is for resource servers that authenticate (RFC 7662 §2.1): never a public client.
 * - A DPoP proof's `iat` follows the FAPI 2.0 clock-skew rule (see `jwt-time.ts`); oidc-provider
 *   alone accepts five minutes either way.
 */
export function checkEndpointRequest(req: EndpointRequest): OAuthRefusal | undefined {
  if (!CLIENT_AUTHENTICATED.has(req.path)) return undefined;
  const authorization = req.headers.authorization;
  if (req.form.has('client_secret') || (typeof authorization === 'string' && /^basic\s/i.test(authorization))) {
    return refuse(
      401,
      'invalid_client',
      'client secrets are not accepted: use private_key_jwt, or none for a public client',
    );
  }
  if (req.path === OAUTH_ROUTES.introspection && !req.form.has('client_assertion')) {
    return refuse(
      401,
      'invalid_client',
      'introspection is for resource servers that authenticate with private_key_jwt',
    );
  }
  if (DPOP_ENDPOINTS.has(req.path)) return checkDpopTiming(req.headers.dpop, req.now);
  return undefined;
}

function checkDpopTiming(proof: string | string[] | undefined, now: number): OAuthRefusal | undefined {
  // A missing or malformed proof is oidc-provider's to refuse, in its own words.
  if (typeof proof !== 'string') return undefined;
  let iat: unknown;
  try {
    iat = decodeJwt(proof).iat;
  } catch {
    return undefined;
  }
  const problem = issuedAtProblem(iat, now, DPOP_MAX_AGE_S);
  return problem ? refuse(400, 'invalid_dpop_proof', `DPoP proof is not fresh: ${problem}`) : undefined;
}
