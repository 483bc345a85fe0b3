/**
 * The diabetes diary's receiving side, over real HTTP: the sandbox registers the diary with its
 * deletion webhook; a citizen's deletion request is delivered by the platform's worker to the
 * diary's backend (the built `dist/backend.mjs`, verifying with the SDK helper); the diary asks
 * for the order and reports its deletion; the backend's signed receipt acknowledges the request.
 * Forged and replayed webhooks change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApp } from '../auth/clients/apps.js';
import { SANDBOX_DIABETES_DIARY } from '../auth/clients/sandbox.js';
import { startTestPlatform, type TestPlatform } from '../auth/testing.js';
import { createDeletionRequest, findDeletionRequest } from '../citizen/deletion/index.js';
import { systemClock } from '../clock.js';
import { insertConsent } from '../consent/repository.js';
import { findCitizenByNationalId, listPersonas } from '../db/index.js';
import { testDatabases } from '../db/testing.js';
import { loadWebhookKeyring, webhookHeaders } from '../webhooks/index.js';
import { webhookKysely } from '../webhooks/tables.js';
import { DIABETES_DIARY_PATH } from './index.js';

describe.each(testDatabases())('the diary’s deletion webhook on $label', (target) => {
  let platform: TestPlatform;
  let citizenId: number;

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    const [a] = await listPersonas(platform.db);
    const citizen = a && (await findCitizenByNationalId(platform.db, a.nationalId));
    if (!citizen) throw new Error('no persona');
    citizenId = citizen.id;
  });
  afterAll(() => platform?.close());

  const consent = (n: number) =>
    insertConsent(platform.db, {
      citizenId,
      clientId: SANDBOX_DIABETES_DIARY,
      grantId: `grant_diary_${n}`,
      requestedCategories: ['lab'],
      terms: {
        categories: ['lab'],
        period: '5y',
        excludedInstitutions: [],
        duration: 'once',
        expiresAt: Date.now() + 86_400_000,
      },
      createdAt: Date.now(),
    });
  const api = (path: string) => `${platform.url}${DIABETES_DIARY_PATH}/api${path}`;

  it('is registered with the sandbox diary: its webhook URL and receipt key', async () => {
    const app = await findApp(platform.db, SANDBOX_DIABETES_DIARY);
    expect(app?.deletionWebhookUrl).toBe(`${platform.url}${DIABETES_DIARY_PATH}/api/deletion-webhook`);
    expect(app?.receiptJwks?.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
  });

  it('receives the request, lets the diary carry it out, and acknowledges it with a signed receipt', async () => {
    const { id: consentId } = await consent(1);
    expect((await fetch(api(`/deletion-orders/${consentId}`))).status).toBe(404);
    const request = await createDeletionRequest(platform.db, { citizenId, consentId }, systemClock);
    if (!request) throw new Error('no request');

    // The platform's worker delivers it (polling every 2 s) to the diary's backend.
    await expect
      .poll(async () => (await fetch(api(`/deletion-orders/${consentId}`))).status, { timeout: 15_000, interval: 250 })
      .toBe(200);
    const order = await (await fetch(api(`/deletion-orders/${consentId}`))).json();
    expect(order).toEqual({ deletion_request_id: request.id });
    expect((await findDeletionRequest(platform.db, request.id))?.status).toBe('sent');

    // The diary on her device erased its store and reports it; the backend sends its receipt.
    const done = await fetch(api(`/deletion-orders/${consentId}/deleted`), { method: 'POST' });
    expect(done.status).toBe(204);
    const acknowledged = await findDeletionRequest(platform.db, request.id);
    expect(acknowledged).toMatchObject({ status: 'acknowledged' });
    expect(acknowledged?.receiptDigest).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The order is carried out: asking again finds none.
    expect((await fetch(api(`/deletion-orders/${consentId}`))).status).toBe(404);
    expect((await fetch(api(`/deletion-orders/${consentId}/deleted`), { method: 'POST' })).status).toBe(404);

    // The platform sends the same webhook again (as after a crash before it recorded the answer):
    // validly signed, same id. The backend acknowledges it and records no second order.
    const row = await webhookKysely(platform.db)
      .selectFrom('webhook_outbox')
      .select(['id', 'payload'])
      .where('subject', '=', request.id)
      .executeTakeFirstOrThrow();
    const keyring = loadWebhookKeyring(platform.config.webhookSigningKeys);
    const replay = await fetch(api('/deletion-webhook'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...webhookHeaders({
          id: row.id,
          timestamp: Math.floor(Date.now() / 1000),
          body: row.payload,
          key: keyring.signing.key,
          kid: keyring.signing.kid,
        }),
      },
      body: row.payload,
    });
    expect(replay.status).toBe(204);
    expect((await fetch(api(`/deletion-orders/${consentId}`))).status).toBe(404);
  });

  it('refuses unsigned and forged webhooks: no order is recorded', async () => {
    const { id: consentId } = await consent(2);
    const body = JSON.stringify({
      type: 'deletion.requested',
      timestamp: new Date().toISOString(),
      data: { deletion_request_id: 'del_AAAAAAAAAAAAAAAAAAAAAA', consent_id: consentId, client_id: 'diabetes-diary' },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    for (const signature of [undefined, `v1a,${Buffer.alloc(64, 7).toString('base64')}`]) {
      const res = await fetch(api('/deletion-webhook'), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'msg_forged',
          'webhook-timestamp': timestamp,
          ...(signature ? { 'webhook-signature': signature } : {}),
        },
        body,
      });
      expect(res.status).toBe(400);
    }
    expect((await fetch(api(`/deletion-orders/${consentId}`))).status).toBe(404);
    expect((await fetch(api('/deletion-orders/not-a-consent'))).status).toBe(404);
  });
});
