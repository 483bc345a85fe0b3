/**
 * The export API's refusals, each with its stable problem code, driven by a plain OAuth client
 * (openid-client) and hand-made DPoP proofs so that every part can be got wrong on purpose.
 */
import { createHash } from 'node:crypto';
import { generateExportKey } from '@healthbank/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTestApp, startTestPlatform, type TestPlatform } from '../auth/testing.js';
import { client, completeFlow, discoverClient, dpopProof, pushAuthorization } from '../auth/testing-client.js';
import { testDatabases } from '../db/testing.js';
import { TICKETS_PER_DAY } from './limits.js';
import { purgeExpiredTickets } from './tickets.js';

const APP = 'export-routes-app';
const AGREE = { acknowledge: 'yes', period: 'all', duration: 'once' };

describe.each(testDatabases())('the export API on $label', (target) => {
  let platform: TestPlatform;
  let config: client.Configuration;
  let keys: CryptoKeyPair;
  let dpop: client.DPoPHandle;
  let exportKey: Awaited<ReturnType<typeof generateExportKey>>;
  let accessToken: string;

  const url = (path: string) => new URL(path, platform.url);
  const postTicket = (token: string, body: unknown, handle = dpop) =>
    client.fetchProtectedResource(
      config,
      token,
      url('/api/export/tickets'),
      'POST',
      JSON.stringify(body),
      new Headers({ 'content-type': 'application/json' }),
      { DPoP: handle },
    );
  const problem = async (response: Response) => ({ status: response.status, ...(await response.json()) });
  const rejected = async (promise: Promise<Response>) =>
    promise.then(problem, async (error: { response?: Response }) => {
      if (!error.response) throw error;
      return problem(error.response);
    });
  const getFile = async (ticket: string, init: { keys?: CryptoKeyPair; query?: string; proof?: string } = {}) => {
    const target = url(`/api/export/files/${ticket}${init.query ?? ''}`);
    const proof =
      init.proof ?? (await dpopProof(init.keys ?? keys, { htm: 'GET', htu: `${target.origin}${target.pathname}` }));
    return fetch(target, { headers: { dpop: proof, accept: 'application/jose' } });
  };

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerTestApp(platform, { clientId: APP, clientType: 'public' });
    config = await discoverClient(platform, APP);
    keys = await client.randomDPoPKeyPair('ES256');
    dpop = client.getDPoPHandle(config, keys);
    exportKey = await generateExportKey();
    const { tokens } = await completeFlow(platform, config, {
      dpop,
      consent: AGREE,
      extra: { export_key_jkt: exportKey.thumbprint },
    });
    accessToken = tokens.access_token;
  });
  afterAll(() => platform?.close());

  async function ticket(): Promise<string> {
    const response = await postTicket(accessToken, { export_key: exportKey.publicJwk });
    expect(response.status).toBe(201);
    return (await response.json()).ticket;
  }

  it('answers a ticket with its terms; the ticket is stored only as its digest', async () => {
    const response = await postTicket(accessToken, { export_key: exportKey.publicJwk });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body).toMatchObject({
      ticket: expect.stringMatching(/^tkt_[A-Za-z0-9_-]{43}$/),
      categories: ['lab', 'outpatient'],
      period: { from: null, to: null },
      duration: 'once',
      formats: ['records', 'fhir', 'mhb'],
    });
    const stored = await platform.db.kysely
      .withTables<{ export_tickets: { id: string } }>()
      .selectFrom('export_tickets')
      .select('id')
      .execute();
    const digest = createHash('sha256').update(body.ticket).digest('base64url');
    expect(stored.map((r) => r.id)).toContain(digest);
    expect(stored.map((r) => r.id)).not.toContain(body.ticket);
  });

  it('refuses a ticket for another export key, or for a private key', async () => {
    const other = await generateExportKey();
    expect(await rejected(postTicket(accessToken, { export_key: other.publicJwk }))).toMatchObject({
      status: 400,
      code: 'export_key_mismatch',
    });
    expect(
      await rejected(postTicket(accessToken, { export_key: { ...exportKey.publicJwk, d: 'x'.repeat(43) } })),
    ).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await rejected(postTicket(accessToken, {}))).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('refuses a ticket when the consent pinned no export key', async () => {
    const { tokens } = await completeFlow(platform, config, { dpop, consent: AGREE });
    expect(await rejected(postTicket(tokens.access_token, { export_key: exportKey.publicJwk }))).toMatchObject({
      status: 400,
      code: 'export_key_required',
    });
  });

  it('refuses a ticket without a DPoP-bound token, with the RFC 9449 challenge and CORS headers', async () => {
    const response = await fetch(url('/api/export/tickets'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example.test' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe('invalid_token');
    expect(response.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('answers CORS preflights for the export API', async () => {
    const response = await fetch(url('/api/export/files/x'), {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.test', 'access-control-request-method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization, dpop, content-type');
  });

  it('serves a file as application/jose, and records it', async () => {
    const response = await getFile(await ticket(), { query: '?format=fhir' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jose');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await response.text()).split('.')).toHaveLength(5);
  });

  it('refuses a file: unknown ticket, unknown format, no proof, another key, a replayed proof', async () => {
    const t = await ticket();
    expect(await problem(await getFile(`tkt_${'A'.repeat(43)}`))).toMatchObject({
      status: 404,
      code: 'ticket_not_found',
    });
    expect(await problem(await getFile('not-a-ticket'))).toMatchObject({ status: 404, code: 'ticket_not_found' });
    expect(await problem(await getFile(t, { query: '?format=pdf' }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
    expect(await problem(await fetch(url(`/api/export/files/${t}`)))).toMatchObject({
      status: 401,
      code: 'invalid_dpop_proof',
    });
    // Someone else's ticket (bound to another key) is answered exactly like one that never existed
    // (IDOR); before the proof was checked first, it answered 401 and told that the ticket exists.
    const stranger = await client.randomDPoPKeyPair('ES256');
    const wrongKey = await getFile(t, { keys: stranger });
    const missing = await getFile(`tkt_${'B'.repeat(43)}`, { keys: stranger });
    expect(wrongKey.status).toBe(404);
    expect(wrongKey.headers.get('www-authenticate')).toBeNull();
    expect(await wrongKey.text()).toBe(await missing.text());
    const target = url(`/api/export/files/${t}`);
    const proof = await dpopProof(keys, { htm: 'GET', htu: target.href });
    expect((await getFile(t, { proof })).status).toBe(200);
    expect(await problem(await getFile(t, { proof }))).toMatchObject({ status: 401, code: 'invalid_dpop_proof' });
    const forPost = await dpopProof(keys, { htm: 'POST', htu: target.href });
    expect(await problem(await getFile(t, { proof: forPost }))).toMatchObject({ status: 401 });
  });

  it('revokes through the ticket (proof of its key only); files then stop with consent_revoked', async () => {
    const { tokens } = await completeFlow(platform, config, {
      dpop,
      consent: AGREE,
      extra: { export_key_jkt: exportKey.thumbprint },
    });
    const response = await postTicket(tokens.access_token, { export_key: exportKey.publicJwk });
    const t = (await response.json()).ticket as string;
    const revoke = async (proofKeys: CryptoKeyPair) =>
      fetch(url('/api/export/revoke'), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          dpop: await dpopProof(proofKeys, { htm: 'POST', htu: url('/api/export/revoke').href }),
        },
        body: JSON.stringify({ ticket: t }),
      });
    // Another key: told exactly what a missing ticket is told (IDOR).
    expect(await problem(await revoke(await client.randomDPoPKeyPair('ES256')))).toMatchObject({
      status: 404,
      code: 'ticket_not_found',
    });
    expect((await getFile(t)).status).toBe(200);
    const revoked = await revoke(keys);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ status: 'revoked' });
    expect(await problem(await getFile(t))).toMatchObject({ status: 403, code: 'consent_revoked' });
    expect(await rejected(postTicket(tokens.access_token, { export_key: exportKey.publicJwk }))).toMatchObject({
      status: 401,
      code: 'invalid_token',
    });
  });

  it(`bounds tickets to ${TICKETS_PER_DAY} per consent per day, with Retry-After`, async () => {
    const { tokens } = await completeFlow(platform, config, {
      dpop,
      consent: AGREE,
      extra: { export_key_jkt: exportKey.thumbprint },
    });
    for (let i = 0; i < TICKETS_PER_DAY; i++) {
      expect((await postTicket(tokens.access_token, { export_key: exportKey.publicJwk })).status).toBe(201);
    }
    const response = await postTicket(tokens.access_token, { export_key: exportKey.publicJwk });
    expect(response.status).toBe(429);
    expect((await response.json()).code).toBe('rate_limited');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
  });

  it('refuses a malformed consent_period or consent_duration at PAR', async () => {
    await expect(pushAuthorization(config, dpop, { consent_period: '2y' })).rejects.toMatchObject({
      error: 'invalid_request',
    });
    await expect(pushAuthorization(config, dpop, { consent_duration: '24' })).rejects.toMatchObject({
      error: 'invalid_request',
    });
    await expect(
      pushAuthorization(config, dpop, { consent_period: '2020-01-01..2024-12-31', consent_duration: '12' }),
    ).resolves.toMatchObject({ url: expect.any(URL) });
  });

  it('purges expired tickets; a purged ticket is not found', async () => {
    const t = await ticket();
    expect(await purgeExpiredTickets(platform.db, Date.now())).toBe(0);
    expect(await purgeExpiredTickets(platform.db, Date.now() + 25 * 3600_000)).toBeGreaterThan(0);
    expect(await problem(await getFile(t))).toMatchObject({ status: 404, code: 'ticket_not_found' });
  });
});
