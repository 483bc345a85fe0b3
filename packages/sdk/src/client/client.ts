/**
 * The client an app configures: connect (PAR + PKCE + DPoP, consent pages), come back (state and
 * issuer checks, code exchange, ticket), fetch files (verified, decrypted, typed), and revoke.
 */
import { type CategoryId, EXPORT_CONTENT_FORMATS, isCategoryId, scopeOf } from '@healthbank/records';
import * as oauth from 'oauth4webapi';
import { type ExportFile, openExportFile } from '../envelope/open.js';
import type { JSONWebKeySet } from '../envelope/webcrypto-jose.js';
import { isSdkError, SdkError } from '../errors.js';
import { typedData } from './content.js';
import { type DeviceKeys, deviceKeys, loadDeviceKeys } from './device.js';
import { readText, responseError, send } from './http.js';
import { oauthFailure, withDpopNonce } from './oauth-errors.js';
import { checkCategories, checkClientOptions, durationParam, periodParam } from './options.js';
import { discover, fetchExportJwks, type Platform, requestOptions } from './platform.js';
import { ticketProof } from './proof.js';
import { defaultStore, type SdkStore } from './store.js';
import type {
  ClientOptions,
  ContentFormat,
  DataOf,
  FetchDataOptions,
  FetchFunction,
  HealthBankClient,
  StartOptions,
  StartResult,
  Ticket,
} from './types.js';

/** An authorization this device started and has not finished. */
interface Pending {
  state: string;
  codeVerifier: string;
  redirectUri: string;
}

/** The current consent's credentials on this device. */
interface Session {
  accessToken: string;
  refreshToken?: string;
  ticket: Ticket;
}

function ticketOf(body: unknown): Ticket {
  const t = body as Record<string, unknown> | null;
  const categories = Array.isArray(t?.categories) ? t.categories : [];
  if (
    typeof t?.ticket !== 'string' ||
    typeof t.expires_at !== 'string' ||
    typeof t.consent_id !== 'string' ||
    !categories.every((c): c is CategoryId => typeof c === 'string' && isCategoryId(c))
  ) {
    throw new SdkError('protocol_error', 'the platform answered the ticket request with something else');
  }
  return {
    id: t.ticket,
    expiresAt: t.expires_at,
    categories,
    consentId: t.consent_id,
    ongoing: t.duration === 'ongoing',
  };
}

/** A `HealthBankClient`; create one with `configure()`. */
export class Client implements HealthBankClient {
  readonly options: Readonly<ClientOptions>;
  private readonly issuer: URL;
  private readonly store: SdkStore;
  private readonly fetchImpl: FetchFunction;
  private readonly oauthClient: oauth.Client;
  private readonly keys: { device: string; pending: string; session: string };
  private platformPromise?: Promise<Platform>;
  private platformMetadata?: oauth.AuthorizationServer;
  private jwksPromise?: Promise<JSONWebKeySet>;

  constructor(options: ClientOptions) {
    this.issuer = checkClientOptions(options);
    this.options = Object.freeze({ ...options });
    this.store = options.store ?? defaultStore();
    const fetchImpl = options.fetch ?? globalThis.fetch;
    // Called unbound, a browser's fetch throws "Illegal invocation".
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.oauthClient = { client_id: options.clientId };
    const ns = `healthbank:${this.issuer.href}:${options.clientId}`;
    this.keys = { device: `${ns}:device`, pending: `${ns}:pending`, session: `${ns}:session` };
  }

  private platform(): Promise<Platform> {
    this.platformPromise ??= discover(this.fetchImpl, this.issuer).then(
      (platform) => {
        this.platformMetadata = platform.as;
        return platform;
      },
      (error: unknown) => {
        this.platformPromise = undefined;
        throw error;
      },
    );
    return this.platformPromise;
  }

  private exportJwks(platform: Platform, refresh = false): Promise<JSONWebKeySet> {
    if (refresh) this.jwksPromise = undefined;
    this.jwksPromise ??= fetchExportJwks(this.fetchImpl, platform.jwksUri).catch((error: unknown) => {
      this.jwksPromise = undefined;
      throw error;
    });
    return this.jwksPromise;
  }

  /**
   * oauth4webapi's options for an OAuth request. With a token mediator, requests to the platform's
   * PAR, token and revocation endpoints go to the app's backend instead, which adds its client
   * authentication: oauth4webapi has already made the DPoP proof for the platform's URL.
   */
  private requestOptions() {
    const mediator = this.options.tokenMediator?.replace(/\/$/, '');
    const as = this.platformMetadata;
    if (!mediator || !as) return requestOptions(this.fetchImpl, this.issuer);
    const routes = new Map<string, string>();
    const route = (endpoint: unknown, name: string) => {
      if (typeof endpoint === 'string') routes.set(endpoint, `${mediator}/${name}`);
    };
    route(as.pushed_authorization_request_endpoint, 'par');
    route(as.token_endpoint, 'token');
    route(as.revocation_endpoint, 'revoke');
    const viaBackend: FetchFunction = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      return this.fetchImpl(routes.get(url) ?? input, init);
    };
    return requestOptions(viaBackend, this.issuer);
  }

  private async connectedDevice(): Promise<DeviceKeys> {
    const device = await loadDeviceKeys(this.store, this.keys.device);
    if (!device) throw new SdkError('not_connected', 'this device holds no keys for the app: call start()');
    return device;
  }

  /**
   * Pushes the authorization request (PAR, RFC 9126) with PKCE S256, the DPoP key's thumbprint
   * (`dpop_jkt`) and the export key's (`export_key_jkt`), then opens the consent pages.
   */
  async start(options: StartOptions): Promise<StartResult> {
    const categories = checkCategories(options?.categories);
    const params = new URLSearchParams({ response_type: 'code', redirect_uri: this.options.redirectUri });
    params.set('scope', categories.map(scopeOf).join(' '));
    if (options.period !== undefined) params.set('consent_period', periodParam(options.period));
    if (options.duration !== undefined) params.set('consent_duration', durationParam(options.duration));
    if (this.options.locale) params.set('ui_locales', this.options.locale);

    const { as } = await this.platform();
    const device = await deviceKeys(this.store, this.keys.device);
    const dpop = oauth.DPoP(this.oauthClient, device.dpop);
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    params.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    params.set('code_challenge_method', 'S256');
    params.set('state', state);
    params.set('dpop_jkt', await dpop.calculateThumbprint());
    params.set('export_key_jkt', device.exportKey.thumbprint);

    let requestUri: string;
    try {
      const pushed = await withDpopNonce(async () =>
        oauth.processPushedAuthorizationResponse(
          as,
          this.oauthClient,
          await oauth.pushedAuthorizationRequest(as, this.oauthClient, oauth.None(), params, {
            DPoP: dpop,
            ...this.requestOptions(),
          }),
        ),
      );
      requestUri = pushed.request_uri;
    } catch (error) {
      throw oauthFailure(error, 'authorization_failed', 'the platform refused the authorization request');
    }
    await this.store.set<Pending>(this.keys.pending, { state, codeVerifier, redirectUri: this.options.redirectUri });

    const url = new URL(as.authorization_endpoint ?? '');
    url.searchParams.set('client_id', this.options.clientId);
    url.searchParams.set('request_uri', requestUri);
    const location = (globalThis as { location?: { assign(url: string): void } }).location;
    if (options.navigate ?? typeof location?.assign === 'function') location?.assign(url.href);
    return { authorizationUrl: url.href };
  }

  /**
   * Finishes the authorization the platform redirected back with: checks `state` and `iss` (RFC
   * 9207), exchanges the code for a DPoP-bound token and asks for a ticket.
   */
  async handleRedirect(url: string | URL): Promise<Ticket> {
    const pending = await this.store.get<Pending>(this.keys.pending);
    if (!pending) {
      throw new SdkError(
        'authorization_failed',
        'no authorization is in progress on this device (or it already finished)',
      );
    }
    // One use: a replayed or forged redirect cannot reuse the verifier.
    await this.store.delete(this.keys.pending);
    const device = await this.connectedDevice();
    const platform = await this.platform();
    const { as } = platform;
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, this.oauthClient, new URL(url), pending.state);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError && error.error === 'access_denied') {
        throw new SdkError('declined', 'the citizen declined to share records', { cause: error });
      }
      throw oauthFailure(error, 'authorization_failed', 'the authorization response is not valid');
    }
    const dpop = oauth.DPoP(this.oauthClient, device.dpop);
    let tokens: oauth.TokenEndpointResponse;
    try {
      tokens = await withDpopNonce(async () =>
        oauth.processAuthorizationCodeResponse(
          as,
          this.oauthClient,
          await oauth.authorizationCodeGrantRequest(
            as,
            this.oauthClient,
            oauth.None(),
            params,
            pending.redirectUri,
            pending.codeVerifier,
            { DPoP: dpop, ...this.requestOptions() },
          ),
        ),
      );
    } catch (error) {
      throw oauthFailure(error, 'authorization_failed', 'the code exchange failed');
    }
    if (tokens.token_type !== 'dpop') throw new SdkError('protocol_error', 'the access token is not DPoP-bound');
    const ticket = await this.requestTicket(platform, device, dpop, tokens.access_token);
    const session: Session = { accessToken: tokens.access_token, ticket };
    if (tokens.refresh_token) session.refreshToken = tokens.refresh_token;
    await this.store.set(this.keys.session, session);
    return ticket;
  }

  private async requestTicket(
    platform: Platform,
    device: DeviceKeys,
    dpop: oauth.DPoPHandle,
    accessToken: string,
  ): Promise<Ticket> {
    const url = new URL(`${platform.exportEndpoint.href}/tickets`);
    let response: Response;
    try {
      response = await withDpopNonce(() =>
        oauth.protectedResourceRequest(
          accessToken,
          'POST',
          url,
          new Headers({ 'content-type': 'application/json', accept: 'application/json' }),
          JSON.stringify({ export_key: device.exportKey.publicJwk }),
          { DPoP: dpop, ...this.requestOptions() },
        ),
      );
    } catch (error) {
      if (error instanceof oauth.WWWAuthenticateChallengeError) throw await responseError(error.response);
      throw oauthFailure(error, 'authorization_failed', 'the ticket request failed');
    }
    if (!response.ok) throw await responseError(response);
    return ticketOf(await response.json().catch(() => undefined));
  }

  /** For an ongoing consent: a new access token (refresh, RFC 6749 §6) and a new ticket. */
  private async renewTicket(platform: Platform, device: DeviceKeys, expired: SdkError): Promise<Ticket> {
    const session = await this.store.get<Session>(this.keys.session);
    if (!session?.refreshToken) throw expired;
    const { as } = platform;
    const dpop = oauth.DPoP(this.oauthClient, device.dpop);
    let tokens: oauth.TokenEndpointResponse;
    try {
      tokens = await withDpopNonce(async () =>
        oauth.processRefreshTokenResponse(
          as,
          this.oauthClient,
          await oauth.refreshTokenGrantRequest(as, this.oauthClient, oauth.None(), session.refreshToken as string, {
            DPoP: dpop,
            ...this.requestOptions(),
          }),
        ),
      );
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant') {
        await this.store.delete(this.keys.session);
        throw new SdkError('consent_expired', 'the consent has ended: ask the citizen again with start()', {
          cause: error,
        });
      }
      throw oauthFailure(error, 'authorization_failed', 'renewing the authorization failed');
    }
    const ticket = await this.requestTicket(platform, device, dpop, tokens.access_token);
    await this.store.set<Session>(this.keys.session, {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? session.refreshToken,
      ticket,
    });
    return ticket;
  }

  private async download(
    platform: Platform,
    device: DeviceKeys,
    ticket: Ticket,
    format: ContentFormat,
    options: FetchDataOptions,
  ): Promise<string> {
    const url = new URL(`${platform.exportEndpoint.href}/files/${encodeURIComponent(ticket.id)}`);
    url.searchParams.set('format', format);
    const response = await send(this.fetchImpl, url, {
      headers: { accept: 'application/jose', dpop: await ticketProof(device.dpop, 'GET', url) },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!response.ok) throw await responseError(response);
    return readText(response, options.onProgress);
  }

  private async ticketFor(ticket: Ticket | string): Promise<Ticket> {
    if (typeof ticket !== 'string') return ticket;
    const session = await this.store.get<Session>(this.keys.session);
    if (session?.ticket.id === ticket) return session.ticket;
    return { id: ticket, expiresAt: '', categories: [], consentId: '', ongoing: false };
  }

  /**
   * Fetches a file for the ticket, verifies the platform's signature, decrypts it with the device
   * key, checks its digest and returns the typed data. An ongoing consent's expired ticket is
   * renewed on the way.
   */
  async fetchData<F extends ContentFormat = 'records'>(
    ticket: Ticket | string,
    options: FetchDataOptions<F> = {},
  ): Promise<DataOf<F>> {
    const format = options.format ?? 'records';
    if (!(EXPORT_CONTENT_FORMATS as readonly string[]).includes(format)) {
      throw new TypeError(`format must be one of ${EXPORT_CONTENT_FORMATS.join(', ')}`);
    }
    const device = await this.connectedDevice();
    const platform = await this.platform();
    let current = await this.ticketFor(ticket);
    let file: string;
    try {
      file = await this.download(platform, device, current, format, options);
    } catch (error) {
      if (!isSdkError(error, 'ticket_expired') || !current.ongoing) throw error;
      current = await this.renewTicket(platform, device, error);
      file = await this.download(platform, device, current, format, options);
    }
    const verify = async (refresh: boolean) =>
      openExportFile(file, {
        decryptionKey: device.exportKey.privateKey,
        jwks: await this.exportJwks(platform, refresh),
        issuer: platform.as.issuer,
        audience: this.options.clientId,
        recipientKeyThumbprint: device.exportKey.thumbprint,
        ...(options.keepSigned ? { keepSigned: true } : {}),
      });
    let opened: ExportFile;
    try {
      opened = await verify(false);
    } catch (error) {
      // A key the cached JWKS lacks: the platform may have rotated; look once more.
      if (!isSdkError(error, 'key_unknown')) throw error;
      opened = await verify(true);
    }
    if (
      opened.claims.format !== format ||
      (current.consentId !== '' && opened.claims.consent_id !== current.consentId)
    ) {
      throw new SdkError('claims_mismatch', 'the file is not the one asked for (format or consent differ)');
    }
    const data = typedData(opened, current);
    if (opened.signed) data.signed = opened.signed;
    return data as DataOf<F>;
  }

  /**
   * Sandbox only, for the integration test: fetches the platform's test files for the ticket (one
   * genuine, the others tampered: another app's, another issuer's, a forged signature, a changed
   * ciphertext, an expired file), opens each exactly as `fetchData` opens a file, and reports which
   * it accepted. The platform compares the verdicts with the truth and records the outcome on the
   * app's integration checklist. Resolves with `{ correct, total }`.
   */
  async checkTestFiles(ticket: Ticket | string): Promise<{ correct: number; total: number }> {
    const device = await this.connectedDevice();
    const platform = await this.platform();
    const current = await this.ticketFor(ticket);
    const batchUrl = new URL(`${platform.exportEndpoint.href}/test-files/${encodeURIComponent(current.id)}`);
    const response = await send(this.fetchImpl, batchUrl, {
      headers: { accept: 'application/json', dpop: await ticketProof(device.dpop, 'GET', batchUrl) },
    });
    if (!response.ok) throw await responseError(response);
    const batch = (await response.json()) as { batch: string; files: { id: string; file: string }[] };
    const jwks = await this.exportJwks(platform, false);
    const verdicts = await Promise.all(
      batch.files.map(async ({ id, file }) => {
        try {
          await openExportFile(file, {
            decryptionKey: device.exportKey.privateKey,
            jwks,
            issuer: platform.as.issuer,
            audience: this.options.clientId,
            recipientKeyThumbprint: device.exportKey.thumbprint,
          });
          return { id, accepted: true };
        } catch {
          return { id, accepted: false };
        }
      }),
    );
    const verdictUrl = new URL(
      `${platform.exportEndpoint.href}/test-files/${encodeURIComponent(batch.batch)}/verdicts`,
    );
    const answered = await send(this.fetchImpl, verdictUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        dpop: await ticketProof(device.dpop, 'POST', verdictUrl),
      },
      body: JSON.stringify({ verdicts }),
    });
    if (!answered.ok) throw await responseError(answered);
    const outcome = (await answered.json()) as { correct: number; total: number };
    return { correct: outcome.correct, total: outcome.total };
  }

  /**
   * Ends the authorization: the platform revokes the consent (its tokens and tickets stop at once)
   * and this device forgets its credentials. The device keys stay for the next `start()`.
   */
  async revoke(): Promise<void> {
    const session = await this.store.get<Session>(this.keys.session);
    if (!session) return;
    const device = await this.connectedDevice();
    const platform = await this.platform();
    // The ticket is the one credential every consent has for its whole life (a one-time consent
    // has no refresh token, and its access token lasts minutes).
    const url = new URL(`${platform.exportEndpoint.href}/revoke`);
    const response = await send(this.fetchImpl, url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        dpop: await ticketProof(device.dpop, 'POST', url),
      },
      body: JSON.stringify({ ticket: session.ticket.id }),
    });
    if (!response.ok) {
      const error = await responseError(response);
      if (error.code !== 'ticket_invalid') throw error;
    }
    if (session.refreshToken) {
      // RFC 7009 as well, so the authorization server's own record of the grant ends too.
      try {
        await oauth.processRevocationResponse(
          await oauth.revocationRequest(
            platform.as,
            this.oauthClient,
            oauth.None(),
            session.refreshToken,
            this.requestOptions(),
          ),
        );
      } catch (error) {
        throw oauthFailure(error, 'server_error', 'revoking the refresh token failed');
      }
    }
    await this.store.delete(this.keys.session);
  }
}
