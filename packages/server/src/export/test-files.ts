/**
 * The sandbox's tampered test files, part of the integration checklist: an app shows that it
 * rejects every file it must not trust, and the platform compares its verdicts with the truth
 * rather than take its word.
 *
 * - `GET /api/export/test-files/{ticket}` (DPoP proof of the ticket's key, like a file): a batch of
 *   files encrypted to the ticket's export key, in random order: one genuine, and one each for the
 *   attacks an app's verifier must stop — another app's file, another issuer's, a forged signature,
 *   a changed ciphertext, an expired file.
 * - `POST /api/export/test-files/{batch}/verdicts` (a proof of the same key), `{ verdicts: [{ id,
 *   accepted }] }`: answered once; the outcome is audited (`integration.test_files`) and returned.
 *
 * Sandbox only: production never serves anything but genuine files.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair } from 'jose';
import { appendAudit } from '../audit/log.js';
import { pairwiseSubject } from '../auth/provider/pairwise.js';
import { EXPORT_API_PATH, issuerOf } from '../auth/provider/routes.js';
import type { VerifyAccessDeps } from '../auth/resource/verify-access.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { isConsentActive } from '../consent/model.js';
import type { Database } from '../db/index.js';
import { inTransaction } from '../db/transaction.js';
import { ProblemError } from '../errors/problems.js';
import { authorize, provenTicket } from './access.js';
import { assembleContent, exportFacts } from './content.js';
import { verifyTicketProof } from './dpop-proof.js';
import { type ExportFacts, sealExportFile } from './envelope.js';
import type { ExportKeyring } from './keys.js';
import { exportKysely } from './tables.js';
import { ticketCategories } from './tickets.js';

export const TEST_FILES_PATH = `${EXPORT_API_PATH}/test-files`;

/** What each file in a batch is, and whether an app must accept it. */
export const TEST_FILE_KINDS = [
  { kind: 'genuine', accept: true },
  { kind: 'other_app', accept: false },
  { kind: 'other_issuer', accept: false },
  { kind: 'forged_signature', accept: false },
  { kind: 'altered_ciphertext', accept: false },
  { kind: 'expired', accept: false },
] as const;

export interface TestFileDeps {
  config: Config;
  db: Database;
  clock: Clock;
  access: VerifyAccessDeps;
  keyring: ExportKeyring;
}

const BATCH_ID = /^tfb_[A-Za-z0-9_-]{22}$/;

/** Flips one base64url character in the JWE's ciphertext, keeping the text canonical. */
function alterCiphertext(file: string): string {
  const parts = file.split('.');
  const ciphertext = parts[3] ?? '';
  const at = Math.floor(ciphertext.length / 2);
  const swapped = ciphertext[at] === 'A' ? 'B' : 'A';
  parts[3] = ciphertext.slice(0, at) + swapped + ciphertext.slice(at + 1);
  return parts.join('.');
}

export function registerTestFileRoutes(app: FastifyInstance, deps: TestFileDeps): void {
  const { db, clock, keyring } = deps;
  const issuer = issuerOf(deps.config);

  app.get(`${TEST_FILES_PATH}/:ticket`, async (request, reply) => {
    const { ticket: presented } = request.params as { ticket: string };
    const { ticket, consent, client } = await provenTicket(deps, 'sandbox', presented, request, reply);
    if (!consent.exportKeyJkt) throw new ProblemError('ticket_not_found');
    const now = clock.now();
    if (consent.status === 'revoked') throw new ProblemError('consent_revoked');
    if (now >= ticket.expiresAt || !isConsentActive(consent, now)) throw new ProblemError('ticket_expired');
    const subject = pairwiseSubject(deps.config.secret, client.organisationId, String(consent.citizenId));
    const scoped = { ...consent, categories: ticketCategories(ticket, consent) };
    const exportId = `exp_test_${randomBytes(12).toString('base64url')}`;
    const request_ = { consent: scoped, format: 'records' as const, subject, issuer, exportId, now };
    const content = await assembleContent(db, request_);
    const facts = exportFacts(request_, content);
    const seal = (f: ExportFacts, o: { keyring?: ExportKeyring; now?: number } = {}) =>
      sealExportFile({
        facts: f,
        content: content.bytes,
        recipientKey: ticket.exportKey,
        pinnedThumbprint: consent.exportKeyJkt as string,
        keyring: o.keyring ?? keyring,
        now: () => o.now ?? now,
        lifetimeSeconds: 3600,
      }).then((s) => s.file);
    // A key the platform never published, under the name of the one it signs with.
    const forger = await generateKeyPair(keyring.signing.alg, { extractable: false });
    const forged: ExportKeyring = {
      signing: { ...keyring.signing, key: forger.privateKey as ExportKeyring['signing']['key'] },
      jwks: keyring.jwks,
    };
    const genuine = await seal(facts);
    const files: Record<(typeof TEST_FILE_KINDS)[number]['kind'], string> = {
      genuine,
      other_app: await seal({ ...facts, clientId: `${facts.clientId}-other` }),
      other_issuer: await seal({ ...facts, issuer: 'https://mhb.attacker.example' }),
      forged_signature: await seal(facts, { keyring: forged }),
      altered_ciphertext: alterCiphertext(genuine),
      // Issued two hours ago for one hour: past any clock tolerance.
      expired: await seal(facts, { now: now - 2 * 3_600_000 }),
    };
    // Random ids and order: nothing but the file itself tells which is which.
    const shuffled = TEST_FILE_KINDS.map((k) => ({
      ...k,
      id: `f_${randomBytes(6).toString('base64url')}`,
      order: randomInt(1_000_000),
    })).sort((a, b) => a.order - b.order);
    const batch = `tfb_${randomBytes(16).toString('base64url')}`;
    await exportKysely(db)
      .insertInto('integration_test_files')
      .values({
        id: batch,
        client_id: consent.clientId,
        consent_id: consent.id,
        dpop_jkt: ticket.dpopJkt,
        truth: JSON.stringify(Object.fromEntries(shuffled.map((f) => [f.id, f.accept]))),
        created_at: now,
        answered_at: null,
      })
      .execute();
    return reply
      .header('cache-control', 'no-store')
      .send({ batch, files: shuffled.map((f) => ({ id: f.id, file: files[f.kind] })) });
  });

  app.post(`${TEST_FILES_PATH}/:batch/verdicts`, async (request, reply) => {
    const { batch } = request.params as { batch: string };
    const jkt = await authorize(() => verifyTicketProof(deps.access, request), reply);
    const stored = BATCH_ID.test(batch)
      ? await exportKysely(db)
          .selectFrom('integration_test_files')
          .selectAll()
          .where('id', '=', batch)
          .executeTakeFirst()
      : undefined;
    // As for tickets: a batch bound to another key is answered like a missing one.
    if (!stored || stored.dpop_jkt !== jkt) throw new ProblemError('not_found', 'no such test file batch');
    const truth = JSON.parse(stored.truth) as Record<string, boolean>;
    const verdicts = (request.body as { verdicts?: unknown } | null)?.verdicts;
    const given = new Map<string, boolean>();
    if (Array.isArray(verdicts)) {
      for (const v of verdicts as { id?: unknown; accepted?: unknown }[]) {
        if (typeof v?.id === 'string' && typeof v.accepted === 'boolean' && v.id in truth) given.set(v.id, v.accepted);
      }
    }
    if (given.size !== Object.keys(truth).length) {
      throw new ProblemError('invalid_request', 'give one verdict { id, accepted } for every file of the batch');
    }
    if (stored.answered_at !== null) throw new ProblemError('invalid_request', 'this batch was already answered');
    const mistakes = Object.keys(truth).filter((id) => given.get(id) !== truth[id]);
    const total = Object.keys(truth).length;
    const now = clock.now();
    await inTransaction(db, async (tx) => {
      const marked = await exportKysely(tx)
        .updateTable('integration_test_files')
        .set({ answered_at: now })
        .where('id', '=', stored.id)
        .where('answered_at', 'is', null)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) !== 1)
        throw new ProblemError('invalid_request', 'this batch was already answered');
      await appendAudit(
        tx,
        {
          type: 'integration.test_files',
          clientId: stored.client_id,
          subject: stored.id,
          details: { correct: total - mistakes.length, total },
        },
        now,
      );
    });
    return reply.header('cache-control', 'no-store').send({ correct: total - mistakes.length, total, mistakes });
  });
}
