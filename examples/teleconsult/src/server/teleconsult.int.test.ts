/**
 * The tele-consultation backend against a real platform, with the SDK as the device: it mediates
 * the confidential client's OAuth requests, verifies and seals what the device uploads (its
 * database file holds no record field in plaintext), refuses what the platform did not sign, and
 * honours a deletion request delivered by the platform's webhook worker with a signed receipt.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configure, type HealthBankClient, MemoryStore, type RecordsByCategory } from '@healthbank/sdk';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSandboxApps } from '../../../../packages/server/src/auth/clients/sandbox.js';
import {
  authorizeInBrowser,
  freePort,
  startTestPlatform,
  type TestPlatform,
} from '../../../../packages/server/src/auth/testing.js';
import { createDeletionRequest, findDeletionRequest } from '../../../../packages/server/src/citizen/deletion/index.js';
import { systemClock } from '../../../../packages/server/src/clock.js';
import { findConsent } from '../../../../packages/server/src/consent/repository.js';
import { testDatabases } from '../../../../packages/server/src/db/testing.js';
import { Vault } from '../../../common/src/vault.js';
import { buildTeleconsult, TELECONSULT_CLIENT_ID } from './app.js';
import { TELECONSULT_SANDBOX_KEY } from './sandbox-key.js';
import { openDatabase } from './store.js';

/** Every text value in the records of at least `min` bytes: what must never be readable in the file. */
function textsOf(value: unknown, min: number, out = new Set<string>()): Set<string> {
  if (typeof value === 'string' && Buffer.byteLength(value) >= min) out.add(value);
  else if (Array.isArray(value)) for (const v of value) textsOf(v, min, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) textsOf(v, min, out);
  return out;
}

describe('the tele-consultation backend', () => {
  let platform: TestPlatform;
  let app: FastifyInstance;
  let db: Database;
  let dir: string;
  let url: string;
  let dbFile: string;

  beforeAll(async () => {
    const [sqlite] = testDatabases();
    if (!sqlite) throw new Error('no SQLite target');
    platform = await startTestPlatform(sqlite);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    await registerSandboxApps(platform.db, { publicUrl: platform.url, examples: { teleconsult: url } });
    dir = mkdtempSync(join(tmpdir(), 'teleconsult-'));
    dbFile = join(dir, 'teleconsult.db');
    db = openDatabase(dbFile);
    app = buildTeleconsult({
      publicUrl: url,
      issuer: platform.url,
      clientKey: { ...TELECONSULT_SANDBOX_KEY },
      db,
      vault: new Vault(randomBytes(32)),
      webDir: dir,
    });
    await app.listen({ host: '127.0.0.1', port });
  });
  afterAll(async () => {
    await app?.close();
    db?.close();
    await platform?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const device = (): HealthBankClient =>
    configure({
      issuer: platform.url,
      clientId: TELECONSULT_CLIENT_ID,
      redirectUri: `${url}/callback`,
      tokenMediator: `${url}/api/oauth`,
      store: new MemoryStore(),
    });

  async function connect(hb: HealthBankClient) {
    const { authorizationUrl } = await hb.start({ categories: ['outpatient', 'lab', 'allergy'], navigate: false });
    const { callback, page } = await authorizeInBrowser(platform, authorizationUrl, {
      persona: 'B爺爺',
      consent: { acknowledge: 'yes', period: 'all', duration: '3' },
      redirectUri: `${url}/callback`,
    });
    if (!callback) throw new Error(`stopped at ${page?.url}`);
    const ticket = await hb.handleRedirect(callback);
    return { ticket, data: await hb.fetchData(ticket, { keepSigned: true }) };
  }

  const upload = (signed: Uint8Array, headers: Record<string, string> = {}, name = '伍爺爺') =>
    fetch(`${url}/api/uploads?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...headers },
      body: signed as Uint8Array<ArrayBuffer>,
    });

  const patients = () => (db.prepare('SELECT count(*) AS n FROM patients').get() as { n: number }).n;

  it('keeps what the device uploads sealed: no record field is readable in its database file', async () => {
    const hb = device();
    const { ticket, data } = await connect(hb);
    const response = await upload(data.signed as Uint8Array);
    expect(response.status).toBe(201);
    const answer = (await response.json()) as {
      device_token: string;
      shared: { consentId: string; counts: Record<string, number> };
    };
    expect(answer.shared.consentId).toBe(ticket.consentId);
    expect(answer.shared.counts.outpatient).toBe(data.records.outpatient?.length);

    const texts = textsOf(data.records as RecordsByCategory, 6);
    texts.add('伍爺爺');
    expect(texts.size).toBeGreaterThan(20);
    const bytes = readFileSync(dbFile);
    const readable = [...texts].filter((text) => bytes.includes(Buffer.from(text)));
    expect(readable).toEqual([]);

    // The device sees what it shared; another device (no token) cannot replace it.
    const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${answer.device_token}` } });
    expect(((await me.json()) as { name: string }).name).toBe('伍爺爺');
    expect((await upload(data.signed as Uint8Array)).status).toBe(409);
  });

  it('refuses what the platform did not sign, and keeps nothing of it', async () => {
    const hb = device();
    const { data } = await connect(hb);
    const before = patients();
    const tampered = new Uint8Array(data.signed as Uint8Array);
    tampered[tampered.length - 3] = (tampered[tampered.length - 3] as number) ^ 0x10;
    const refused = await upload(tampered);
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await refused.json()) as { code: string }).code).toBe('export_invalid');
    expect((await upload(new Uint8Array([1, 2, 3]))).status).toBe(422);
    expect(patients()).toBe(before);
  });

  it('deletes the patient when the platform delivers a deletion request, and answers with a signed receipt', async () => {
    const hb = device();
    const { ticket, data } = await connect(hb);
    expect((await upload(data.signed as Uint8Array)).status).toBe(201);
    const before = patients();
    const consent = await findConsent(platform.db, ticket.consentId);
    if (!consent) throw new Error('no consent');
    const request = await createDeletionRequest(
      platform.db,
      { citizenId: consent.citizenId, consentId: consent.id },
      systemClock,
    );
    if (!request) throw new Error('no request');
    // The platform's worker (polling every 2 s) delivers it; the receipt comes back in the answer.
    await expect
      .poll(async () => (await findDeletionRequest(platform.db, request.id))?.status, {
        timeout: 15_000,
        interval: 250,
      })
      .toBe('acknowledged');
    expect(patients()).toBe(before - 1);
    expect(db.prepare('SELECT count(*) AS n FROM patients WHERE consent_id = ?').get(ticket.consentId)).toEqual({
      n: 0,
    });
  });

  it('refuses a webhook the platform did not sign', async () => {
    const before = patients();
    const forged = await fetch(`${url}/api/deletion-webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_x',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1a,AAAA',
      },
      body: JSON.stringify({
        type: 'deletion.requested',
        data: { consent_id: 'cns_x', client_id: TELECONSULT_CLIENT_ID },
      }),
    });
    expect(forged.status).toBe(400);
    expect(patients()).toBe(before);
  });
});
