/**
 * Deletion requests on SQLite and PostgreSQL, end to end through real HTTP: a request commits with
 * its webhook and audit entry; the worker signs and delivers it to a receiver that verifies with
 * the SDK's helper, retrying with backoff while the receiver fails; the app's signed receipt
 * acknowledges it (in the webhook's answer or at the receipt endpoint); requests with no receipt
 * fall overdue; webhooks never go to private addresses outside the sandbox; and one citizen can
 * never request deletion of another's consent.
 */
import { generateKeyPairSync } from 'node:crypto';
import { MemorySeenWebhookIds, signDeletionReceipt, verifyDeletionRequest } from '@healthbank/sdk/webhooks';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../audit/index.js';
import { auditKysely } from '../../audit/tables.js';
import { authKysely } from '../../auth/tables.js';
import { ManualClock } from '../../clock.js';
import { type Config, loadConfig } from '../../config/config.js';
import { fixturePopulation } from '../../db/fixtures.js';
import { seedPopulation } from '../../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../../db/testing.js';
import { registerErrorHandling } from '../../errors/handler.js';
import { outboxEntriesFor, retryDelay, type WebhookWorker } from '../../webhooks/index.js';
import {
  createDeletionRequest,
  type DeletionRequest,
  findDeletionRequest,
  listDeletionRequests,
  markOverdueRequests,
  registerDeletionRequests,
} from './index.js';
import {
  type DeletionFixture,
  deletionFixture,
  type ReceiverAnswer,
  startTestReceiver,
  type TestReceiver,
} from './testing.js';

const DAY = 24 * 60 * 60 * 1000;
const ISSUER = 'http://127.0.0.1:3999';

describe.each(testDatabases())('deletion requests on $label', (target) => {
  let t: TestDatabase;
  let clock: ManualClock;
  let app: FastifyInstance;
  let worker: WebhookWorker;
  let receiver: TestReceiver;
  let fixture: DeletionFixture;
  let answers: ReceiverAnswer[];
  let jwks: { keys: Record<string, string>[] };

  /** The platform as the routes see it, with the worker and overdue job driven by hand. */
  async function platform(config: Config, policy?: { allowPrivate: boolean; requireHttps: boolean }) {
    const fastify = Fastify();
    registerErrorHandling(fastify);
    const registered = registerDeletionRequests(fastify, {
      config,
      db: t.db,
      clock,
      manual: true,
      ...(policy ? { webhookPolicy: policy } : {}),
    });
    await fastify.ready();
    return { fastify, worker: registered.worker };
  }

  beforeAll(async () => {
    t = await createTestDatabase(target);
    await seedPopulation(t.db, fixturePopulation({ citizens: 3, recordsPerCitizen: 4 }));
    clock = new ManualClock();
    receiver = await startTestReceiver({
      // The app's side: the SDK helper, the platform's published JWKS, the platform's time.
      verify: (() => {
        const seen = new MemorySeenWebhookIds(7 * DAY, () => clock.now());
        return (headers, body, { dedupe }) =>
          verifyDeletionRequest({ headers, body, jwks, now: clock.now(), ...(dedupe ? { seen } : {}) });
      })(),
      answer: (n) => answers[n - 1] ?? { status: 204 },
    });
    fixture = await deletionFixture(t.db, { webhookUrl: receiver.url, now: clock.now() });
    const config = loadConfig({ NODE_ENV: 'test' }, { databaseUrl: t.url, publicUrl: ISSUER });
    ({ fastify: app, worker } = await platform(config));
    jwks = (await app.inject({ url: '/.well-known/webhooks-jwks.json' })).json();
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await t?.dispose();
  });
  beforeEach(() => {
    answers = [];
  });
  afterEach(async () => {
    // Every step above was audited in its own transaction, and the chain holds.
    expect(await verifyAuditLog(t.db)).toMatchObject({ ok: true });
  });

  const request = async (who: 'a' | 'b' = 'a') => {
    const created = await createDeletionRequest(
      t.db,
      { citizenId: fixture.citizens[who], consentId: fixture.consents[who] },
      clock,
    );
    if (!created) throw new Error('no request');
    return created;
  };
  const auditTypes = async (subject: string) =>
    (
      await auditKysely(t.db.kysely)
        .selectFrom('audit_log')
        .select('type')
        .where('subject', '=', subject)
        .orderBy('seq')
        .execute()
    ).map((r) => r.type);
  const receipt = (r: DeletionRequest, overrides: Partial<Parameters<typeof signDeletionReceipt>[0]> = {}) =>
    signDeletionReceipt({
      requestId: r.id,
      consentId: r.consentId,
      clientId: fixture.clientId,
      audience: ISSUER,
      key: fixture.receiptKey,
      now: clock.now(),
      ...overrides,
    });
  const postReceipt = (id: string, body: unknown) =>
    app.inject({ method: 'POST', url: `/api/deletion-requests/${id}/receipt`, payload: body as object });

  it('publishes the webhook keys: Ed25519 public halves only', async () => {
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('commits the request, its webhook and its audit entry together; asking again returns the open one', async () => {
    const created = await request('a');
    expect(created).toMatchObject({
      citizenId: fixture.citizens.a,
      consentId: fixture.consents.a,
      clientId: fixture.clientId,
      status: 'pending',
      deliveredAt: null,
      acknowledgedAt: null,
      receiptDigest: null,
      dueAt: clock.now() + 30 * DAY,
    });
    expect(await outboxEntriesFor(t.db, created.id)).toMatchObject([{ attempts: 0, deliveredAt: null }]);
    expect(await auditTypes(created.id)).toEqual(['deletion.requested']);
    const again = await request('a');
    expect(again.id).toBe(created.id);
    expect(await outboxEntriesFor(t.db, created.id)).toHaveLength(1);
    expect((await listDeletionRequests(t.db, fixture.citizens.a)).map((r) => r.id)).toEqual([created.id]);
  });

  it('refuses another citizen’s consent exactly as a missing one, and lists only one’s own requests', async () => {
    const stranger = await createDeletionRequest(
      t.db,
      { citizenId: fixture.citizens.b, consentId: fixture.consents.a },
      clock,
    );
    const missing = await createDeletionRequest(
      t.db,
      { citizenId: fixture.citizens.b, consentId: 'cns_does_not_exist' },
      clock,
    );
    expect(stranger).toBeUndefined();
    expect(missing).toBeUndefined();
    expect(await listDeletionRequests(t.db, fixture.citizens.b)).toEqual([]);
  });

  it('delivers a signed webhook, retrying with backoff while the receiver fails, then takes the receipt', async () => {
    const created = await findDeletionRequest(t.db, (await request('a')).id);
    if (!created) throw new Error('missing');
    const random = () => 0.5;
    answers = [{ status: 503 }, { status: 500 }];
    const before = receiver.deliveries.length;

    expect(await worker.runOnce()).toBe(1);
    let [entry] = await outboxEntriesFor(t.db, created.id);
    expect(entry).toMatchObject({ attempts: 1, lastError: 'HTTP 503', deliveredAt: null });
    const firstDelay = (entry?.nextAttemptAt ?? 0) - clock.now();
    // Equal jitter: between half and all of the 5 s base delay.
    expect(firstDelay).toBeGreaterThanOrEqual(retryDelay(1, () => 0));
    expect(firstDelay).toBeLessThanOrEqual(retryDelay(1, () => 1));
    // Not due yet: nothing is sent.
    expect(await worker.runOnce()).toBe(0);

    clock.advance(firstDelay);
    expect(await worker.runOnce()).toBe(1);
    [entry] = await outboxEntriesFor(t.db, created.id);
    expect(entry).toMatchObject({ attempts: 2, lastError: 'HTTP 500' });
    const secondDelay = (entry?.nextAttemptAt ?? 0) - clock.now();
    expect(secondDelay).toBeGreaterThanOrEqual(retryDelay(2, () => 0));
    expect(retryDelay(2, random)).toBe(2 * retryDelay(1, random));

    clock.advance(secondDelay);
    expect(await worker.runOnce()).toBe(1);
    [entry] = await outboxEntriesFor(t.db, created.id);
    expect(entry).toMatchObject({ attempts: 3, nextAttemptAt: null, lastError: null });
    expect(entry?.deliveredAt).toBe(clock.now());
    // Three attempts, one webhook id; the receiver processed it once.
    const ids = receiver.deliveries.slice(before);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(receiver.events.filter((e) => e.deletionRequestId === created.id)).toHaveLength(1);
    expect((await findDeletionRequest(t.db, created.id))?.status).toBe('sent');

    // The app deletes, then sends its receipt to the endpoint.
    clock.advance(60_000);
    const res = await postReceipt(created.id, { receipt: await receipt(created) });
    expect(res.statusCode).toBe(200);
    const stored = await findDeletionRequest(t.db, created.id);
    expect(stored).toMatchObject({ status: 'acknowledged', acknowledgedAt: clock.now() });
    expect(res.json()).toEqual({
      id: created.id,
      status: 'acknowledged',
      acknowledged_at: new Date(clock.now()).toISOString(),
      receipt_digest: stored?.receiptDigest,
    });
    expect(stored?.receiptDigest).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await auditTypes(created.id)).toEqual(['deletion.requested', 'deletion.delivered', 'deletion.receipt']);
    // A second receipt changes nothing: the first stands.
    const second = await postReceipt(created.id, { receipt: await receipt(created, { now: clock.now() + 1000 }) });
    expect(second.statusCode).toBe(200);
    expect((await findDeletionRequest(t.db, created.id))?.receiptDigest).toBe(stored?.receiptDigest);
    expect(await auditTypes(created.id)).toHaveLength(3);
  });

  it('takes a receipt sent in the webhook’s answer', async () => {
    const created = await request('b');
    answers = [];
    const receiptInAnswer = await receipt(created);
    const n = receiver.deliveries.length;
    answers[n] = { status: 200, json: { receipt: receiptInAnswer } };
    expect(await worker.runOnce()).toBe(1);
    expect(await findDeletionRequest(t.db, created.id)).toMatchObject({ status: 'acknowledged' });
    expect(await auditTypes(created.id)).toEqual(['deletion.requested', 'deletion.delivered', 'deletion.receipt']);
  });

  it('refuses receipts that are forged, for another request or platform, stale, or malformed', async () => {
    // A fresh consent for A小姐, so that a request is open.
    const { insertConsent } = await import('../../consent/repository.js');
    const consent = await insertConsent(t.db, {
      citizenId: fixture.citizens.a,
      clientId: fixture.clientId,
      grantId: `grant_refusals_${target.label}`,
      requestedCategories: ['lab'],
      terms: {
        categories: ['lab'],
        period: '1y',
        excludedInstitutions: [],
        duration: 'once',
        expiresAt: clock.now() + DAY,
      },
      createdAt: clock.now(),
    });
    const created = await createDeletionRequest(t.db, { citizenId: fixture.citizens.a, consentId: consent.id }, clock);
    if (!created) throw new Error('no request');
    const { privateKey } = generateKeyPairSync('ed25519');
    const cases: [string, unknown, number, string][] = [
      [
        'another key',
        { receipt: await receipt(created, { key: privateKey.export({ format: 'jwk' }) }) },
        400,
        'invalid_receipt',
      ],
      [
        'another request',
        { receipt: await receipt(created, { requestId: 'del_BBBBBBBBBBBBBBBBBBBBBB' }) },
        400,
        'invalid_receipt',
      ],
      [
        'another consent',
        { receipt: await receipt(created, { consentId: fixture.consents.b }) },
        400,
        'invalid_receipt',
      ],
      [
        'another platform',
        { receipt: await receipt(created, { audience: 'https://elsewhere.example' }) },
        400,
        'invalid_receipt',
      ],
      ['another app', { receipt: await receipt(created, { clientId: 'diabetes-diary' }) }, 400, 'invalid_receipt'],
      ['before the request', { receipt: await receipt(created, { now: clock.now() - DAY }) }, 400, 'invalid_receipt'],
      ['from the future', { receipt: await receipt(created, { now: clock.now() + DAY }) }, 400, 'invalid_receipt'],
      ['not a JWS', { receipt: 'not.a-jws' }, 400, 'invalid_receipt'],
      ['no receipt', { other: 1 }, 400, 'invalid_request'],
    ];
    for (const [what, body, status, code] of cases) {
      const res = await postReceipt(created.id, body);
      expect([what, res.statusCode, res.json().code]).toEqual([what, status, code]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const unknown = await postReceipt('del_CCCCCCCCCCCCCCCCCCCCCC', { receipt: await receipt(created) });
    expect(unknown.statusCode).toBe(404);
    expect((await postReceipt('../etc', { receipt: 'x' })).statusCode).toBe(404);
    const form = await app.inject({
      method: 'POST',
      url: `/api/deletion-requests/${created.id}/receipt`,
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(form.statusCode).toBe(415);
    expect((await findDeletionRequest(t.db, created.id))?.status).toBe('pending');
    expect(await auditTypes(created.id)).toEqual(['deletion.requested']);
  });

  it('marks requests with no receipt by their due date overdue, once, and leaves acknowledged ones', async () => {
    const open = (await listDeletionRequests(t.db, fixture.citizens.a)).filter((r) => r.acknowledgedAt === null);
    expect(open.length).toBeGreaterThan(0);
    const acknowledged = (await listDeletionRequests(t.db, fixture.citizens.b)).filter(
      (r) => r.status === 'acknowledged',
    );
    expect(acknowledged.length).toBeGreaterThan(0);
    clock.set(Math.max(...open.map((r) => r.dueAt)) - 1);
    // Still within the window: a request created later than the others is not yet due.
    const latest = open.reduce((a, b) => (a.dueAt > b.dueAt ? a : b));
    await markOverdueRequests(t.db, clock.now());
    expect((await findDeletionRequest(t.db, latest.id))?.status).not.toBe('overdue');
    clock.advance(1);
    expect(await markOverdueRequests(t.db, clock.now())).toBeGreaterThan(0);
    for (const r of open) {
      expect((await findDeletionRequest(t.db, r.id))?.status).toBe('overdue');
      expect(await auditTypes(r.id)).toContain('deletion.overdue');
    }
    expect(await markOverdueRequests(t.db, clock.now())).toBe(0);
    for (const r of acknowledged) expect((await findDeletionRequest(t.db, r.id))?.status).toBe('acknowledged');
    // A late receipt still acknowledges (and the audit entry says it was late).
    const late = open[0] as DeletionRequest;
    const res = await postReceipt(late.id, { receipt: await receipt(late) });
    expect(res.statusCode).toBe(200);
    expect((await findDeletionRequest(t.db, late.id))?.status).toBe('acknowledged');
  });

  it('sends nothing to a private address outside the sandbox (SSRF guard), and says why', async () => {
    const production = loadConfig(
      { NODE_ENV: 'test', HEALTHBANK_SANDBOX: 'false' },
      { databaseUrl: t.url, publicUrl: ISSUER },
    );
    const guarded = await platform(production);
    // Production's worker delivers production apps' webhooks: the app is one for this test.
    const apps = authKysely(t.db);
    await apps
      .updateTable('apps')
      .set({ environment: 'production' })
      .where('client_id', '=', fixture.clientId)
      .execute();
    try {
      const { insertConsent } = await import('../../consent/repository.js');
      const consent = await insertConsent(t.db, {
        citizenId: fixture.citizens.b,
        clientId: fixture.clientId,
        grantId: `grant_ssrf_${target.label}`,
        requestedCategories: ['lab'],
        terms: {
          categories: ['lab'],
          period: '1y',
          excludedInstitutions: [],
          duration: 'once',
          expiresAt: clock.now() + DAY,
        },
        createdAt: clock.now(),
      });
      const created = await createDeletionRequest(
        t.db,
        { citizenId: fixture.citizens.b, consentId: consent.id },
        clock,
      );
      if (!created) throw new Error('no request');
      const before = receiver.deliveries.length;
      // (Any other due row is refused alike: the whole target is loopback.)
      expect(await guarded.worker.runOnce()).toBeGreaterThanOrEqual(1);
      expect(receiver.deliveries.length).toBe(before);
      expect(receiver.refused).toEqual([]);
      const [entry] = await outboxEntriesFor(t.db, created.id);
      expect(entry).toMatchObject({ attempts: 1, lastError: 'target refused: address not public', deliveredAt: null });
      expect((await findDeletionRequest(t.db, created.id))?.status).toBe('pending');
    } finally {
      await apps
        .updateTable('apps')
        .set({ environment: 'sandbox' })
        .where('client_id', '=', fixture.clientId)
        .execute();
      await guarded.fastify.close();
    }
  });
});
