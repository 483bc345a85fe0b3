/**
 * An app with a backend (a confidential client, `private_key_jwt`), with the SDK on both sides:
 * the device's SDK sends PAR, token and revocation requests through the backend
 * (`configure({ tokenMediator })`), the backend (`@healthbank/sdk/backend`) adds its client
 * assertion, and afterwards verifies the signed export the device uploads.
 */
import { configure, type HealthBankClient, MemoryStore, SdkError } from '@healthbank/sdk';
import { type AppBackend, createAppBackend, type MEDIATED_ENDPOINTS } from '@healthbank/sdk/backend';
import Fastify, { type FastifyInstance } from 'fastify';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeInBrowser,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  type TestPlatform,
} from '../auth/testing.js';
import { testDatabases } from '../db/testing.js';

const APP = 'sdk-backend-app';

describe.each(testDatabases())('an app backend mediating for the SDK on $label', (target) => {
  let platform: TestPlatform;
  let backend: AppBackend;
  let mediator: FastifyInstance;
  let mediatorUrl: string;
  const forwarded: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
    const publicJwk = { ...(await jose.exportJWK(publicKey)), kid: 'backend-1', alg: 'ES256', use: 'sig' };
    await registerTestApp(platform, {
      clientId: APP,
      clientType: 'confidential',
      jwks: { keys: [publicJwk] },
      categories: ['lab', 'outpatient'],
    });
    backend = createAppBackend({
      issuer: platform.url,
      clientId: APP,
      key: { ...(await jose.exportJWK(privateKey)), kid: 'backend-1' },
    });
    mediator = Fastify();
    mediator.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    mediator.post('/api/oauth/:endpoint', async (request, reply) => {
      const { endpoint } = request.params as { endpoint: (typeof MEDIATED_ENDPOINTS)[number] };
      forwarded.push(endpoint);
      const dpop = typeof request.headers.dpop === 'string' ? request.headers.dpop : undefined;
      const answer = await backend.forward(endpoint, String(request.body ?? ''), dpop);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    });
    mediatorUrl = `${await mediator.listen({ host: '127.0.0.1', port: 0 })}/api/oauth`;
  });
  afterAll(async () => {
    await mediator?.close();
    await platform?.close();
  });

  const device = (): HealthBankClient =>
    configure({
      issuer: platform.url,
      clientId: APP,
      redirectUri: TEST_REDIRECT_URI,
      store: new MemoryStore(),
      tokenMediator: mediatorUrl,
    });

  async function connect(hb: HealthBankClient, duration: 'once' | '3') {
    const { authorizationUrl } = await hb.start({ categories: ['lab', 'outpatient'], navigate: false });
    const { callback } = await authorizeInBrowser(platform, authorizationUrl, {
      consent: { acknowledge: 'yes', period: 'all', duration },
    });
    if (!callback) throw new Error('the consent flow stopped');
    return hb.handleRedirect(callback);
  }

  it('connects through the backend, and the backend verifies what the device uploads', async () => {
    forwarded.length = 0;
    const hb = device();
    const ticket = await connect(hb, '3');
    expect(forwarded).toEqual(['par', 'token']);
    const data = await hb.fetchData(ticket, { keepSigned: true });
    expect(data.signed).toBeInstanceOf(Uint8Array);
    const opened = await backend.openUpload(data.signed as Uint8Array);
    expect(opened.claims.consent_id).toBe(ticket.consentId);
    expect(opened.claims.aud).toBe(APP);
    expect((opened.content as { records: { lab?: unknown[] } }).records.lab?.length).toBe(data.records.lab?.length);

    // One changed byte anywhere, in the claims or the compressed content, and the backend refuses it.
    for (const at of [10, (data.signed as Uint8Array).length - 5]) {
      const tampered = new Uint8Array(data.signed as Uint8Array);
      tampered[at] = (tampered[at] as number) ^ 1;
      await expect(backend.openUpload(tampered)).rejects.toBeInstanceOf(SdkError);
    }

    // Revoking an ongoing consent revokes its refresh token through the backend as well (RFC 7009).
    await hb.revoke();
    expect(forwarded).toEqual(['par', 'token', 'revoke']);
    await expect(hb.fetchData(ticket)).rejects.toMatchObject({ code: 'revoked' });
  });

  it('the platform refuses the device talking to it directly: the client must authenticate', async () => {
    const hb = configure({
      issuer: platform.url,
      clientId: APP,
      redirectUri: TEST_REDIRECT_URI,
      store: new MemoryStore(),
    });
    await expect(hb.start({ categories: ['lab'], navigate: false })).rejects.toMatchObject({
      code: 'authorization_failed',
    });
  });

  it('the backend adds the only client authentication: a device cannot bring its own or skip PKCE', async () => {
    const base = { client_id: APP, response_type: 'code', redirect_uri: TEST_REDIRECT_URI, scope: 'records.lab' };
    const par = (extra: Record<string, string>) =>
      backend.forward('par', new URLSearchParams({ ...base, ...extra }).toString(), undefined);
    const pkce = { code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', dpop_jkt: 'y'.repeat(43) };
    expect((await par({ ...pkce, client_secret: 'guess' })).status).toBe(400);
    expect(JSON.parse((await par({ ...pkce, client_assertion: 'forged' })).body).error).toBe('invalid_request');
    expect(JSON.parse((await par({ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' })).body).error).toBe(
      'invalid_request',
    );
    expect(JSON.parse((await par({ ...pkce, client_id: 'another-app' })).body).error).toBe('invalid_client');
    const grant = await backend.forward(
      'token',
      new URLSearchParams({ client_id: APP, grant_type: 'client_credentials' }).toString(),
      undefined,
    );
    expect(JSON.parse(grant.body).error).toBe('unsupported_grant_type');
    expect(forwarded.length).toBeGreaterThan(0);
  });
});
