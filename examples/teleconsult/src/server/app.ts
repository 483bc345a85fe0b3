/**
 * The tele-consultation backend (B爺爺's use case, SPEC §4.5): its own process, its own SQLite file,
 * a confidential client (`private_key_jwt`). It mediates the device's OAuth requests, verifies each
 * file the device uploads against the platform's keys, keeps it sealed (envelope encryption), shows
 * it to the health educator, and deletes it when the citizen stops sharing or the platform asks.
 */
import { randomBytes } from 'node:crypto';
import type { CategoryId } from '@healthbank/sdk';
import type { JWK } from '@healthbank/sdk/webhooks';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDeletionWebhook, seenWebhookIds } from '../../../common/src/deletion.js';
import {
  assertConnectingDevice,
  byDeviceToken,
  displayNameOf,
  exampleServer,
  newDeviceToken,
  verifiedUpload,
} from '../../../common/src/server.js';
import { registerStaff } from '../../../common/src/staff.js';
import type { Vault } from '../../../common/src/vault.js';
import { registerEducator } from './educator.js';
import { type PatientFile, PatientStore } from './store.js';

export const TELECONSULT_CLIENT_ID = 'teleconsult';

export interface TeleconsultOptions {
  publicUrl: string;
  issuer: string;
  clientKey: JWK;
  db: Database;
  vault: Vault;
  webDir: string;
  now?: () => number;
  fetch?: typeof fetch;
}

/** Builds the backend without listening. */
export function buildTeleconsult(o: TeleconsultOptions): FastifyInstance {
  const now = o.now ?? Date.now;
  const { app, backend } = exampleServer({
    publicUrl: o.publicUrl,
    issuer: o.issuer,
    clientId: TELECONSULT_CLIENT_ID,
    clientKey: o.clientKey,
    webDir: o.webDir,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  const store = new PatientStore(o.db, o.vault, now);
  const staff = registerStaff(app, {
    db: o.db,
    cookie: 'teleconsult_staff',
    appName: { 'zh-TW': '遠距健康諮詢', en: 'Tele-consultation' },
    homes: { educator: '/educator' },
    publicUrl: o.publicUrl,
    now,
  });

  /** The patient this device uploaded for (its token), or a 401 problem. */
  const patientOfDevice = (request: FastifyRequest) =>
    byDeviceToken(request, (hash) => store.row({ deviceHash: hash }));

  const sharedOf = (file: PatientFile, receivedAt: number) => ({
    name: file.name,
    consentId: file.consentId,
    categories: file.categories,
    counts: file.counts,
    receivedAt: new Date(receivedAt).toISOString(),
  });

  app.post('/api/uploads', async (request, reply) => {
    const name = displayNameOf((request.query as { name?: unknown }).name);
    const { claims, records } = await verifiedUpload(backend, request);
    const file: PatientFile = {
      name,
      consentId: claims.consent_id,
      categories: claims.categories as CategoryId[],
      counts: claims.counts,
      exportId: claims.jti,
      signedAt: new Date(claims.iat * 1000).toISOString(),
      records,
    };
    const existing = store.row({ consentId: file.consentId });
    if (existing) {
      assertConnectingDevice(request, existing.deviceHash);
      store.save(existing.id, existing.deviceHash, {
        ...file,
        name: file.name || (store.open(existing.id)?.name ?? ''),
      });
      return reply.send({ shared: sharedOf(file, now()) });
    }
    const device = newDeviceToken();
    const id = `pt_${randomBytes(12).toString('base64url')}`;
    store.save(id, device.hash, file);
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send({ device_token: device.token, shared: sharedOf(file, now()) });
  });

  app.get('/api/me', async (request, reply) => {
    const row = patientOfDevice(request);
    const file = store.open(row.id) as PatientFile;
    return reply.header('cache-control', 'no-store').send(sharedOf(file, row.receivedAt));
  });

  // Stop sharing: the device has revoked the consent on the platform; delete everything now.
  app.delete('/api/me', async (request, reply) => {
    store.delete({ id: patientOfDevice(request).id });
    return reply.code(204).send();
  });

  registerDeletionWebhook(app, {
    issuer: o.issuer,
    clientId: TELECONSULT_CLIENT_ID,
    key: o.clientKey,
    seen: seenWebhookIds(o.db, now),
    deleteConsent: (consentId, requestId) => {
      store.delete({ consentId });
      store.recordDeletion(requestId, consentId);
    },
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });

  registerEducator(app, { store, staff, now });
  return app;
}
