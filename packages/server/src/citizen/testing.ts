/**
 * Test support for the portal: sign a test browser in through `/me` (the real sign-in, persona
 * picker included), and give a citizen history by running an app's whole flow: consent, ticket,
 * file. Never imported by production code.
 */
import type { webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { csrfIn, registerTestApp, startTestPlatform, TestBrowser, type TestPlatform } from '../auth/testing.js';
import { client, completeFlow, discoverClient, dpopProof, ping } from '../auth/testing-client.js';
import { listPersonas } from '../db/index.js';
import type { TestTarget } from '../db/testing.js';

export type Persona = 'A小姐' | 'B爺爺';

/** Where the test browser never goes: `follow` stops at pages only. */
const NOWHERE = 'https://nowhere.invalid/';

export interface PortalPage {
  url: string;
  status: number;
  html: string;
  response: Response;
}

/** A platform with one public test app registered, and the app's discovered client configuration. */
export async function startPortalPlatform(
  target: TestTarget,
  clientId: string,
): Promise<{ platform: TestPlatform; config: client.Configuration }> {
  const platform = await startTestPlatform(target);
  await registerTestApp(platform, { clientId, clientType: 'public' });
  return { platform, config: await discoverClient(platform, clientId) };
}

/** GETs a portal path with the browser, following redirects to the page that answers. */
export async function portalGet(platform: TestPlatform, browser: TestBrowser, path: string): Promise<PortalPage> {
  const step = await browser.follow(new URL(path, platform.url).href, NOWHERE);
  if (!step.response) throw new Error(`left the platform for ${step.redirectedTo}`);
  return { url: step.url, status: step.response.status, html: step.html ?? '', response: step.response };
}

/**
 * Opens `path` (default `/me`) as a visitor: the portal sends the browser to sign in, the persona
 * is picked, and the browser comes back to `path`.
 */
export async function signInToPortal(
  platform: TestPlatform,
  persona: Persona = 'A小姐',
  /** `nationalId`: any synthetic citizen the persona form signs in, instead of the persona. */
  opts: { browser?: TestBrowser; path?: string; nationalId?: string } = {},
): Promise<{ browser: TestBrowser; page: PortalPage }> {
  const browser = opts.browser ?? new TestBrowser();
  const signin = await portalGet(platform, browser, opts.path ?? '/me');
  if (!new URL(signin.url).pathname.startsWith('/signin/')) throw new Error(`expected sign-in, got ${signin.url}`);
  const nationalId =
    opts.nationalId ?? (await listPersonas(platform.db)).find((p) => p.persona === persona)?.nationalId ?? '';
  const step = await browser.follow(`${signin.url.split('?')[0]}/persona`, NOWHERE, {
    form: { _csrf: csrfIn(signin.html), nationalId },
  });
  if (!step.response) throw new Error('sign-in left the platform');
  return {
    browser,
    page: { url: step.url, status: step.response.status, html: step.html ?? '', response: step.response },
  };
}

export interface ProvidedFile {
  consentId: string;
  accessToken: string;
  dpop: client.DPoPHandle;
  keys: webcrypto.CryptoKeyPair;
  ticket: string;
  /** The browser that consented: signed in as the persona. */
  browser: TestBrowser;
}

/**
 * An app's whole journey for `persona`: an ongoing consent with an export key, a ticket and one
 * file, so the citizen's history has an entry made by the real code paths.
 */
export async function provideFile(
  platform: TestPlatform,
  config: client.Configuration,
  opts: { persona?: Persona; browser?: TestBrowser; scope?: string } = {},
): Promise<ProvidedFile> {
  const keys = await client.randomDPoPKeyPair('ES256');
  const dpop = client.getDPoPHandle(config, keys);
  const exportKey = await exportKeyThumbprint();
  const flow = await completeFlow(platform, config, {
    dpop,
    persona: opts.persona ?? 'A小姐',
    consent: { acknowledge: 'yes', period: 'all', duration: '3' },
    extra: { export_key_jkt: exportKey.thumbprint },
    ...(opts.scope ? { scope: opts.scope } : {}),
    ...(opts.browser ? { browser: opts.browser } : {}),
  });
  const accessToken = flow.tokens.access_token;
  const ticketResponse = await client.fetchProtectedResource(
    config,
    accessToken,
    new URL('/api/export/tickets', platform.url),
    'POST',
    JSON.stringify({ export_key: exportKey.publicJwk }),
    new Headers({ 'content-type': 'application/json' }),
    { DPoP: dpop },
  );
  const { ticket } = (await ticketResponse.json()) as { ticket: string };
  const file = await fetchFile(platform, ticket, keys);
  if (file.status !== 200) throw new Error(`the file was refused: ${file.status}`);
  const { consent_id } = (await (await ping(platform, config, accessToken, dpop)).json()) as { consent_id: string };
  return { consentId: consent_id, accessToken, dpop, keys, ticket, browser: flow.browser };
}

/**
 * A fresh export key's public half and thumbprint (what an app's device would send). The server
 * build is Node-only, so this is jose rather than the browser SDK.
 */
export async function exportKeyThumbprint(): Promise<{ publicJwk: object; thumbprint: string }> {
  const { publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const publicJwk = { kty, crv, x, y };
  return { publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** `GET /api/export/files/:ticket` with a fresh proof of the ticket's DPoP key. */
export async function fetchFile(
  platform: Pick<TestPlatform, 'url'>,
  ticket: string,
  keys: webcrypto.CryptoKeyPair,
): Promise<Response> {
  const target = new URL(`/api/export/files/${ticket}`, platform.url);
  const proof = await dpopProof(keys, { htm: 'GET', htu: `${target.origin}${target.pathname}` });
  return fetch(target, { headers: { dpop: proof, accept: 'application/jose' } });
}
