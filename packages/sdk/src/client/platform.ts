/**
 * What the SDK learns from the issuer alone: its OAuth metadata (discovery, RFC 8414 / OIDC
 * Discovery, checked against the issuer identifier), the export API's address and the JWKS
 * export files are signed with (`healthbank_export_endpoint`, `healthbank_export_jwks_uri`).
 */

import * as oauth from 'oauth4webapi';
import type { JSONWebKeySet } from '../envelope/webcrypto-jose.js';
import { SdkError } from '../errors.js';
import { oauthFailure } from './oauth-errors.js';
import type { FetchFunction } from './types.js';

export interface Platform {
  as: oauth.AuthorizationServer;
  exportEndpoint: URL;
  jwksUri: URL;
}

/** Plain HTTP only to this machine (a local sandbox); everything else must be HTTPS. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** oauth4webapi's request options for this platform. */
export function requestOptions(fetchImpl: FetchFunction, issuer: URL) {
  return {
    // oauth4webapi's bodies are all valid fetch bodies; its option type is wider than RequestInit's.
    [oauth.customFetch]: (url: string, init: object) => fetchImpl(url, init as RequestInit),
    [oauth.allowInsecureRequests]: isLoopbackHttp(issuer),
  };
}

function metadataUrl(as: oauth.AuthorizationServer, name: string, issuer: URL): URL {
  const value = as[name];
  const url = typeof value === 'string' ? URL.parse(value) : null;
  if (!url || (url.protocol !== 'https:' && !isLoopbackHttp(url)) || url.origin !== issuer.origin) {
    throw new SdkError('protocol_error', `the platform's discovery document has no usable ${name}`);
  }
  return url;
}

/** Discovers the platform. */
export async function discover(fetchImpl: FetchFunction, issuer: URL): Promise<Platform> {
  let as: oauth.AuthorizationServer;
  try {
    const response = await oauth.discoveryRequest(issuer, requestOptions(fetchImpl, issuer));
    as = await oauth.processDiscoveryResponse(issuer, response);
  } catch (error) {
    throw oauthFailure(error, 'protocol_error', 'discovery failed');
  }
  return {
    as,
    exportEndpoint: metadataUrl(as, 'healthbank_export_endpoint', issuer),
    jwksUri: metadataUrl(as, 'healthbank_export_jwks_uri', issuer),
  };
}

/** The platform's export JWKS (public keys only are accepted by `openExportFile`). */
export async function fetchExportJwks(fetchImpl: FetchFunction, url: URL): Promise<JSONWebKeySet> {
  let response: Response;
  try {
    response = await fetchImpl(url.href, { headers: { accept: 'application/jwk-set+json, application/json' } });
  } catch (error) {
    throw new SdkError('network', `could not reach ${url.origin}`, { cause: error });
  }
  if (!response.ok) throw new SdkError('server_error', `the export JWKS answered ${response.status}`);
  const jwks = (await response.json().catch(() => undefined)) as JSONWebKeySet | undefined;
  if (!jwks || !Array.isArray(jwks.keys)) throw new SdkError('protocol_error', 'the export JWKS is not a JWK Set');
  return jwks;
}
