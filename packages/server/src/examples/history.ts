/**
 * A sandbox's past: the personas have already used the diabetes diary, so a fresh sandbox's
 * history pages, consent pages and audit log show real entries. Everything goes through the
 * platform's own functions, at past times: consents as the consent page records them, files
 * assembled, sealed to a device key and recorded as the export API does, a revocation as the portal
 * makes it, and a deletion request delivered and answered with the diary's signed receipt as the
 * webhook worker would take it. Only the HTTP hops are skipped (the apps' devices are imagined);
 * the files themselves are thrown away, as a device would keep them, not the platform.
 */
import { randomBytes } from 'node:crypto';
import type { CategoryId } from '@healthbank/records';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { findApp } from '../auth/clients/apps.js';
import { SANDBOX_DIABETES_DIARY } from '../auth/clients/sandbox.js';
import { pairwiseSubject } from '../auth/provider/pairwise.js';
import { issuerOf } from '../auth/provider/routes.js';
import { deletionWebhookHandler } from '../citizen/deletion/delivery.js';
import { acceptReceipt, createDeletionRequest } from '../citizen/deletion/index.js';
import { ManualClock } from '../clock.js';
import type { Config } from '../config/config.js';
import { type Consent, type DurationChoice, decideTerms, type Period } from '../consent/model.js';
import { listConsents, recordConsent } from '../consent/repository.js';
import { revokeConsent } from '../consent/revoke.js';
import { type Database, findCitizenByNationalId, inTransaction, listPersonas } from '../db/index.js';
import { assembleContent, exportFacts } from '../export/content.js';
import { sealExportFile } from '../export/envelope.js';
import { recordExport } from '../export/history.js';
import { type ExportKeyring, loadExportKeyring } from '../export/keys.js';
import { outboxEntriesFor } from '../webhooks/index.js';
import { markWebhookDelivered } from '../webhooks/outbox.js';
import { type DiaryBackendModule, loadDiaryBackendModule } from './index.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export interface SandboxHistory {
  consents: number;
  files: number;
  revocations: number;
  deletionRequests: number;
}

interface Context {
  db: Database;
  config: Config;
  /** The present the history leads up to. */
  now: number;
  keyring: ExportKeyring;
  clock: ManualClock;
  organisationId: string;
}

/** One past consent to the diary, and the days (after it was given) on which the diary fetched a file. */
interface PastConsent {
  daysAgo: number;
  categories: CategoryId[];
  period: Period;
  duration: DurationChoice;
  filesAfterDays: number[];
}

/**
 * Gives the personas a few past provisions to the diary, once: skipped for a persona who already
 * has a consent. A小姐: an ongoing consent that has run out after three monthly files, and a one-time
 * consent she revoked and asked the diary to delete, answered with its receipt. B爺爺: one
 * ongoing consent, still active, with one file.
 *
 * @example
 * ```ts
 * await registerSandboxApps(db, { publicUrl });
 * await seedSandboxHistory(db, config, Date.now());
 * ```
 */
export async function seedSandboxHistory(
  db: Database,
  config: Config,
  now: number,
  diary: DiaryBackendModule | undefined = undefined,
): Promise<SandboxHistory> {
  const done: SandboxHistory = { consents: 0, files: 0, revocations: 0, deletionRequests: 0 };
  const app = await findApp(db, SANDBOX_DIABETES_DIARY);
  if (!app) return done;
  const ctx: Context = {
    db,
    config,
    now,
    keyring: await loadExportKeyring(config.exportSigningKeys),
    clock: new ManualClock(now),
    organisationId: app.organisationId,
  };
  const receipts = diary ?? (await loadDiaryBackendModule());
  const personas = new Map((await listPersonas(db)).map((p) => [p.persona, p.nationalId]));

  const a = await unseeded(db, personas.get('A小姐'));
  if (a !== undefined) {
    const [, files] = await pastConsent(ctx, a, {
      daysAgo: 120,
      categories: ['lab', 'outpatient'],
      period: '5y',
      duration: 3,
      filesAfterDays: [0, 30, 60],
    });
    const [once, onceFiles] = await pastConsent(ctx, a, {
      daysAgo: 21,
      categories: ['lab', 'adult_preventive'],
      period: '1y',
      duration: 'once',
      filesAfterDays: [0],
    });
    done.consents += 2;
    done.files += files + onceFiles;
    // Revoked from the portal two hours after it was given, then the diary was asked to delete.
    ctx.clock.set(once.createdAt + 2 * HOUR);
    await revokeConsent(db, once.id, ctx.clock, { by: 'citizen portal' });
    done.revocations += 1;
    ctx.clock.advance(5 * 60_000);
    if (await answeredDeletion(ctx, a, once, receipts)) done.deletionRequests += 1;
  }

  const b = await unseeded(db, personas.get('B爺爺'));
  if (b !== undefined) {
    const [, files] = await pastConsent(ctx, b, {
      daysAgo: 14,
      categories: ['lab', 'outpatient', 'allergy'],
      period: 'all',
      duration: 6,
      filesAfterDays: [0],
    });
    done.consents += 1;
    done.files += files;
  }
  return done;
}

/** The persona's citizen id, unless the persona is missing or already has consents. */
async function unseeded(db: Database, nationalId: string | undefined): Promise<number | undefined> {
  const citizen = nationalId === undefined ? undefined : await findCitizenByNationalId(db, nationalId);
  if (!citizen || (await listConsents(db, citizen.id)).length > 0) return undefined;
  return citizen.id;
}

/** A consent given `daysAgo` with a device export key, and its files; returns it and the number of files. */
async function pastConsent(ctx: Context, citizenId: number, past: PastConsent): Promise<[Consent, number]> {
  const given = ctx.now - past.daysAgo * DAY;
  ctx.clock.set(given);
  const decision = decideTerms(
    {
      acknowledged: true,
      categories: past.categories,
      period: past.period,
      excludedInstitutions: [],
      duration: past.duration,
    },
    past.categories,
    given,
  );
  if ('errors' in decision) throw new Error(`sandbox history: ${decision.errors.join(', ')}`);
  // The device that consented: only the public half of its export key ever reaches the platform.
  const device = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
  const { kty, crv, x, y } = await exportJWK(device.publicKey);
  const publicJwk = { kty, crv, x, y };
  const consent = await recordConsent(ctx.db, {
    citizenId,
    clientId: SANDBOX_DIABETES_DIARY,
    // The grant has long expired (its tokens with it); the consent outlives it as a record.
    grantId: `sandbox-history-${citizenId}-${given}`,
    requestedCategories: past.categories,
    terms: decision.terms,
    exportKeyJkt: await calculateJwkThumbprint(publicJwk, 'sha256'),
    createdAt: given,
  });
  for (const day of past.filesAfterDays) {
    const at = given + day * DAY + 60_000;
    const exportId = `exp_${randomBytes(16).toString('base64url')}`;
    const request = {
      consent,
      format: 'records' as const,
      subject: pairwiseSubject(ctx.config.secret, ctx.organisationId, String(citizenId)),
      issuer: issuerOf(ctx.config),
      exportId,
      now: at,
    };
    const content = await assembleContent(ctx.db, request);
    const { claims } = await sealExportFile({
      facts: exportFacts(request, content),
      content: content.bytes,
      recipientKey: publicJwk,
      pinnedThumbprint: consent.exportKeyJkt ?? '',
      keyring: ctx.keyring,
      now: () => at,
    });
    await recordExport(ctx.db, { citizenId, claims, signingKid: ctx.keyring.signing.kid, createdAt: at });
  }
  return [consent, past.filesAfterDays.length];
}

/**
 * A deletion request for `consent`, delivered to the diary and answered with its signed receipt in
 * the webhook's answer: what the worker records when the diary's backend answers 2xx with a receipt.
 * Without the built diary (no receipt key to sign with) nothing is made: an unanswered request would
 * be sent at the next start and fall overdue.
 */
async function answeredDeletion(
  ctx: Context,
  citizenId: number,
  consent: Consent,
  diary: DiaryBackendModule | undefined,
): Promise<boolean> {
  if (!diary) return false;
  const { db, clock } = ctx;
  const issuer = issuerOf(ctx.config);
  const request = await createDeletionRequest(db, { citizenId, consentId: consent.id }, clock, {
    receiptDays: ctx.config.deletionReceiptDays,
  });
  const [entry] = request ? await outboxEntriesFor(db, request.id) : [];
  if (!request || !entry) return false;
  clock.advance(2_000);
  const handler = deletionWebhookHandler({ db, clock, issuer });
  const row = {
    id: entry.id,
    eventType: 'deletion.requested',
    clientId: request.clientId,
    subject: request.id,
    targetUrl: null,
    payload: '',
    attempts: 1,
  };
  const target = (await handler.target(db, row)) ?? '';
  await inTransaction(db, async (tx) => {
    await markWebhookDelivered(tx, entry.id, target, clock.now());
    await handler.delivered(tx, row, clock.now());
  });
  const receipt = await diary.signDiaryReceipt({
    issuer,
    clientId: request.clientId,
    requestId: request.id,
    consentId: consent.id,
    now: clock.now(),
  });
  await acceptReceipt({ db, clock, issuer }, request.id, receipt);
  return true;
}
