/**
 * `@healthbank/sdk/backend`: for the backend of an app registered as a confidential client (Node
 * 20+, or any server runtime with WebCrypto), never the browser bundle. Two jobs:
 *
 * - **Token mediation** (draft-ietf-oauth-browser-based-apps §6.2, "token-mediating backend"): the
 *   device's SDK (`configure({ tokenMediator })`) sends its PAR, token and revocation requests here;
 *   the backend adds `private_key_jwt` client authentication (RFC 7523 §2.2, FAPI 2.0 §5.3.2.1) and
 *   forwards them unchanged otherwise. The device keeps its DPoP and export keys, so tokens, tickets
 *   and files stay bound to it; the backend holds the one thing a device cannot keep, the client key.
 * - **Verifying uploads**: `openUpload` checks a signed export the device passed on
 *   (`fetchData(…, { keepSigned: true })`) against the platform's published keys.
 *
 * docs/sdk.md ("Apps with a backend") has the wire format.
 */
import { ContentFormatError, parseRecordsDocument, type RecordsByCategory } from '@healthbank/records';
import { encodeBase64url } from './envelope/base64url.js';
import { type ExportFile, openSignedExport } from './envelope/open.js';
import type { JSONWebKeySet } from './envelope/webcrypto-jose.js';
import { SdkError } from './errors.js';
import { importSigningKey, type SigningKey, type SigningKeyInput, signCompactJws } from './signing.js';

export { type ExportFile, type OpenSignedExportOptions, openSignedExport } from './envelope/open.js';
export type { JSONWebKeySet, JWK } from './envelope/webcrypto-jose.js';
export type { SigningKeyInput } from './signing.js';

/**
 * The records of a verified `records` export, each validated against its schema (as `fetchData`
 * gives them on the device). Throws `SdkError('format_invalid')` for another format or shape.
 */
export function recordsOf(file: ExportFile): RecordsByCategory {
  if (file.claims.format !== 'records') throw new SdkError('format_invalid', 'the export is not in the records format');
  try {
    return parseRecordsDocument(file.content).records;
  } catch (error) {
    if (error instanceof ContentFormatError) throw new SdkError('format_invalid', error.message, { cause: error });
    throw error;
  }
}

/** The requests a device may send through its backend. */
export const MEDIATED_ENDPOINTS = ['par', 'token', 'revoke'] as const;
export type MediatedEndpoint = (typeof MEDIATED_ENDPOINTS)[number];

export interface AppBackendOptions {
  /** The platform's issuer identifier. */
  issuer: string;
  /** The app's `client_id` (a confidential client registered with `private_key_jwt`). */
  clientId: string;
  /** The private key whose public half the app registered (ES256 or EdDSA, with its `kid`). */
  key: SigningKeyInput;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
}

/** What to answer the device with: the platform's status, body and the headers the SDK reads. */
export interface MediatedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface AppBackend {
  /**
   * Forwards one request of the device (the form body exactly as received, and its `DPoP` header)
   * to the platform with this app's client authentication.
   */
  forward(endpoint: MediatedEndpoint, body: string, dpop: string | undefined): Promise<MediatedAnswer>;
  /** Checks a signed export a device uploaded; throws `SdkError` (export-file codes) when it is not genuine. */
  openUpload(signed: Uint8Array): Promise<ExportFile>;
}

/** Answers the backend gives itself, in OAuth's error shape (RFC 6749 §5.2), without asking the platform. */
function refuse(error: string, description: string): MediatedAnswer {
  return {
    status: 400,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ error, error_description: description }),
  };
}

/** Headers of the platform's answer the SDK needs (DPoP nonces, challenges, no caching). */
const PASSED_HEADERS = ['content-type', 'cache-control', 'dpop-nonce', 'www-authenticate', 'retry-after'];

/** Parameters that carry client authentication: only the backend adds them. */
const CLIENT_AUTH_PARAMS = ['client_secret', 'client_assertion', 'client_assertion_type'];

/** The grants a device may ask for through the backend. */
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token']);

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * @example
 * const backend = createAppBackend({ issuer, clientId: 'teleconsult', key: clientPrivateJwk });
 * app.post('/api/oauth/:endpoint', async (request, reply) => {
 *   const answer = await backend.forward(request.params.endpoint, request.body, request.headers.dpop);
 *   return reply.code(answer.status).headers(answer.headers).send(answer.body);
 * });
 */
export function createAppBackend(options: AppBackendOptions): AppBackend {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const issuer = options.issuer.replace(/\/$/, '');
  let metadata: Promise<Record<string, unknown>> | undefined;
  let jwks: JSONWebKeySet | undefined;
  let signingKey: Promise<SigningKey> | undefined;

  function discover(): Promise<Record<string, unknown>> {
    metadata ??= (async () => {
      const response = await doFetch(`${issuer}/.well-known/openid-configuration`, {
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new SdkError('server_error', `discovery answered ${response.status}`);
      const document = (await response.json()) as Record<string, unknown>;
      // RFC 8414 §3.3: the metadata must name the issuer it was fetched for.
      if (document.issuer !== issuer) throw new SdkError('protocol_error', 'discovery names another issuer');
      return document;
    })().catch((error: unknown) => {
      metadata = undefined;
      throw error;
    });
    return metadata;
  }

  async function endpointOf(name: MediatedEndpoint): Promise<string> {
    const document = await discover();
    const field = {
      par: 'pushed_authorization_request_endpoint',
      token: 'token_endpoint',
      revoke: 'revocation_endpoint',
    }[name];
    const url = typeof document[field] === 'string' ? URL.parse(document[field]) : null;
    // Only the platform's own origin: the assertion is for it alone.
    if (!url || url.origin !== new URL(issuer).origin) throw new SdkError('protocol_error', `no usable ${field}`);
    return url.href;
  }

  /** RFC 7523 §3: `iss` = `sub` = the client, `aud` the issuer (FAPI 2.0 §5.3.2.1), short-lived, one use. */
  async function clientAssertion(): Promise<string> {
    signingKey ??= importSigningKey(options.key);
    const iat = Math.floor(now() / 1000);
    return signCompactJws(
      await signingKey,
      { typ: 'JWT' },
      {
        iss: options.clientId,
        sub: options.clientId,
        aud: issuer,
        jti: encodeBase64url(crypto.getRandomValues(new Uint8Array(16))),
        iat,
        exp: iat + 60,
      },
    );
  }

  async function platformKeys(refresh: boolean): Promise<JSONWebKeySet> {
    if (jwks && !refresh) return jwks;
    const document = await discover();
    const uri = typeof document.healthbank_export_jwks_uri === 'string' ? document.healthbank_export_jwks_uri : '';
    const response = await doFetch(uri, { headers: { accept: 'application/jwk-set+json, application/json' } });
    if (!response.ok) throw new SdkError('server_error', `the export JWKS answered ${response.status}`);
    jwks = (await response.json()) as JSONWebKeySet;
    return jwks;
  }

  return {
    async forward(endpoint, body, dpop) {
      if (!(MEDIATED_ENDPOINTS as readonly string[]).includes(endpoint))
        return refuse('invalid_request', 'unknown endpoint');
      const params = new URLSearchParams(typeof body === 'string' ? body : '');
      if (params.get('client_id') !== options.clientId) return refuse('invalid_client', 'another client');
      // The device never authenticates as the client (RFC 6749 §2.3: one method per request).
      if (CLIENT_AUTH_PARAMS.some((p) => params.has(p)))
        return refuse('invalid_request', 'client authentication is the backend’s');
      if (endpoint === 'token' && !GRANT_TYPES.has(params.get('grant_type') ?? '')) {
        return refuse('unsupported_grant_type', 'authorization_code and refresh_token only');
      }
      // The device's keys must be bound from the start: PKCE S256 (RFC 7636) and the DPoP key (RFC 9449 §10).
      if (endpoint === 'par' && (params.get('code_challenge_method') !== 'S256' || !params.get('dpop_jkt'))) {
        return refuse('invalid_request', 'PKCE S256 and dpop_jkt are required');
      }
      params.set('client_assertion_type', ASSERTION_TYPE);
      params.set('client_assertion', await clientAssertion());
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      };
      if (dpop) headers.dpop = dpop;
      const response = await doFetch(await endpointOf(endpoint), { method: 'POST', headers, body: params.toString() });
      const passed: Record<string, string> = {};
      for (const name of PASSED_HEADERS) {
        const value = response.headers.get(name);
        if (value !== null) passed[name] = value;
      }
      return { status: response.status, headers: passed, body: await response.text() };
    },

    async openUpload(signed) {
      const open = async (refresh: boolean) =>
        openSignedExport(signed, {
          jwks: await platformKeys(refresh),
          issuer,
          audience: options.clientId,
          now,
        });
      try {
        return await open(false);
      } catch (error) {
        // The platform may have rotated its key since we fetched the set: fetch it once more.
        if (!(error instanceof SdkError && error.code === 'key_unknown')) throw error;
        return open(true);
      }
    },
  };
}
