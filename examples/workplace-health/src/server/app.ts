/**
 * The workplace health programme's backend (C職場, SPEC §4.5): each employee connects on their own
 * device; the backend verifies and seals what they share and computes aggregates that the employer
 * sees only k-anonymously; the occupational nurse sees an employee only with that employee's own,
 * separate agreement, which they can take back at any time; withdrawing erases them everywhere.
 */
import { randomBytes } from 'node:crypto';
import type {
  AdultPreventiveRecord,
  CancerScreeningRecord,
  CategoryId,
  LabRecord,
  RecordsByCategory,
} from '@healthbank/sdk';
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
  Problem,
  verifiedUpload,
} from '../../../common/src/server.js';
import { registerStaff } from '../../../common/src/staff.js';
import type { Vault } from '../../../common/src/vault.js';
import { AGE_BANDS, type AgeBand, flagsOf } from '../domain/measures.js';
import { registerPages } from './pages.js';
import { DEPARTMENTS, ParticipantStore, type Summary } from './store.js';

export const WORKPLACE_CLIENT_ID = 'workplace-health';
/** The smallest group the employer ever sees a number for. */
export const K = 5;

export interface WorkplaceOptions {
  publicUrl: string;
  issuer: string;
  clientKey: JWK;
  db: Database;
  vault: Vault;
  webDir: string;
  now?: () => number;
  fetch?: typeof fetch;
}

/** The upload's choices: department, age band, nurse access (`1` or `0`), and a name for the nurse. */
function choicesOf(request: FastifyRequest): { department: number; band: number; nurse: boolean; name: string } {
  const q = request.query as Record<string, unknown>;
  const department = Number(q.department);
  const band = AGE_BANDS.indexOf(String(q.band) as AgeBand);
  const name = displayNameOf(q.name);
  if (!Number.isInteger(department) || department < 0 || department >= DEPARTMENTS.length) {
    throw new Problem(400, 'department_invalid', 'Choose one of the departments.');
  }
  if (band < 0) throw new Problem(400, 'age_band_invalid', 'Choose one of the age bands.');
  if (q.nurse !== '1' && q.nurse !== '0')
    throw new Problem(400, 'nurse_choice_invalid', 'Say whether the nurse may see your results.');
  return { department, band, nurse: q.nurse === '1', name };
}

function latestOf<T extends { date: string }>(list: readonly T[] | undefined): T | undefined {
  return (list ?? []).reduce<T | undefined>((best, r) => (!best || r.date > best.date ? r : best), undefined);
}

function summaryOf(
  records: RecordsByCategory,
  band: AgeBand,
  name: string,
  shared: { categories: CategoryId[]; counts: Record<string, number> },
  now: number,
): Summary {
  const check = latestOf(records.adult_preventive as AdultPreventiveRecord[] | undefined);
  const a1c = latestOf(((records.lab ?? []) as LabRecord[]).filter((r) => r.loinc === '4548-4' && r.quantity));
  const screening = latestOf(records.cancer_screening as CancerScreeningRecord[] | undefined);
  const latest: Summary['latest'] = {};
  if (check) {
    latest.bp = `${check.measurements.systolic.value}/${check.measurements.diastolic.value}`;
    latest.bmi = check.measurements.bmi.value;
  }
  if (a1c?.quantity) latest.hba1c = a1c.quantity.value;
  if (screening) latest.screening = `${screening.date} ${screening.item}`;
  return { name, flags: flagsOf(records, band, now), latest, ...shared };
}

export function buildWorkplace(o: WorkplaceOptions): FastifyInstance {
  const now = o.now ?? Date.now;
  const { app, backend } = exampleServer({
    publicUrl: o.publicUrl,
    issuer: o.issuer,
    clientId: WORKPLACE_CLIENT_ID,
    clientKey: o.clientKey,
    webDir: o.webDir,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  const store = new ParticipantStore(o.db, o.vault, now);
  const staff = registerStaff(app, {
    db: o.db,
    cookie: 'workplace_staff',
    appName: { 'zh-TW': '職場健康促進', en: 'Workplace Health' },
    homes: { employer: '/dashboard', nurse: '/nurse' },
    publicUrl: o.publicUrl,
    now,
  });

  const participantOfDevice = (request: FastifyRequest) => byDeviceToken(request, (hash) => store.byDevice(hash));
  const sharedOf = (summary: Summary, nurse: boolean, department: number, band: number, at: number) => ({
    categories: summary.categories,
    counts: summary.counts,
    consentId: '',
    receivedAt: new Date(at).toISOString(),
    nurse,
    department,
    band: AGE_BANDS[band],
  });

  app.post('/api/uploads', async (request, reply) => {
    // A refresh from a joined device keeps the choices made when joining.
    const refreshing = (request.query as { department?: unknown }).department === undefined;
    const choices = refreshing ? undefined : choicesOf(request);
    const { claims, records } = await verifiedUpload(backend, request);
    const consentId = claims.consent_id;
    const shared = { categories: claims.categories as CategoryId[], counts: claims.counts };
    const existing = store.byConsent(consentId);
    if (existing) {
      assertConnectingDevice(request, existing.deviceHash);
      const kept = choices ?? { ...existing, name: store.summary(existing.id)?.name ?? '' };
      const summary = summaryOf(records, AGE_BANDS[kept.band] as AgeBand, kept.name, shared, now());
      store.save({ ...existing, department: kept.department, band: kept.band, nurse: kept.nurse }, records, summary);
      return reply.send({ shared: sharedOf(summary, kept.nurse, kept.department, kept.band, now()) });
    }
    if (!choices) throw new Problem(400, 'department_invalid', 'Choose one of the departments.');
    const summary = summaryOf(records, AGE_BANDS[choices.band] as AgeBand, choices.name, shared, now());
    const device = newDeviceToken();
    const id = `em_${randomBytes(12).toString('base64url')}`;
    store.save({ id, consentId, deviceHash: device.hash, ...choices }, records, summary);
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send({
        device_token: device.token,
        shared: sharedOf(summary, choices.nurse, choices.department, choices.band, now()),
      });
  });

  app.get('/api/me', async (request, reply) => {
    const row = participantOfDevice(request);
    const summary = store.summary(row.id) as Summary;
    return reply
      .header('cache-control', 'no-store')
      .send(sharedOf(summary, row.nurse, row.department, row.band, row.receivedAt));
  });

  // The nurse's access is its own agreement: given or taken back here, without touching the consent.
  app.put('/api/me/nurse', async (request, reply) => {
    const row = participantOfDevice(request);
    const allowed = (request.body as { allowed?: unknown } | undefined)?.allowed;
    if (typeof allowed !== 'boolean')
      throw new Problem(400, 'nurse_choice_invalid', 'Send {"allowed": true} or {"allowed": false}.');
    store.setNurse(row.id, allowed);
    return reply.code(204).send();
  });

  // Withdrawal: the device revoked the consent on the platform; erase the employee now.
  app.delete('/api/me', async (request, reply) => {
    store.delete({ id: participantOfDevice(request).id });
    return reply.code(204).send();
  });

  registerDeletionWebhook(app, {
    issuer: o.issuer,
    clientId: WORKPLACE_CLIENT_ID,
    key: o.clientKey,
    seen: seenWebhookIds(o.db, now),
    deleteConsent: (consentId) => {
      store.delete({ consentId });
    },
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });

  registerPages(app, { store, staff, k: K });
  return app;
}
