/**
 * The export API (docs/export-format.md, docs/sdk.md):
 *
 * - `POST /api/export/tickets` (DPoP-bound access token; body `{ export_key }`): a ticket for the
 *   consent behind the token, bound to the token's DPoP key and the device export key.
 * - `GET /api/export/files/:ticket?format=records|fhir|mhb` (DPoP proof of the ticket's key): a
 *   new file of exactly the consented records, signed and encrypted to the device, `application/jose`.
 * - `POST /api/export/revoke` (DPoP proof of the ticket's key; body `{ ticket }`): the app ends the
 *   consent, as the citizen could.
 * - `GET /.well-known/export-jwks.json`: the public keys export files are signed with.
 *
 * Why a file can be fetched after the ten-minute access token has expired: the ticket is the
 * credential the original SDK's integrators know (valid 24 h), and it is held to the same
 * standard as the token. It is sender-constrained (every fetch proves possession of the same
 * non-extractable DPoP key), useless to anyone but the pinned device (the file is encrypted to
 * its export key), checked against the consent at every use (revocation ends it at once), and
 * bounded per day. A short-lived token would add nothing but a refresh round trip, and a one-time
 * consent has no refresh token.
 */
import { randomBytes } from 'node:crypto';
import { EXPORT_CONTENT_FORMATS, type ExportContentFormat, scopeOf } from '@healthbank/records';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { pairwiseSubject } from '../auth/provider/pairwise.js';
import { EXPORT_API_PATH, issuerOf } from '../auth/provider/routes.js';
import { AccessError, type VerifyAccessDeps, verifyExportAccess } from '../auth/resource/verify-access.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { isConsentActive } from '../consent/model.js';
import { findConsent } from '../consent/repository.js';
import { revokeConsent } from '../consent/revoke.js';
import { type Database, replicaRead } from '../db/index.js';
import { ProblemError } from '../errors/problems.js';
import { authorize, challenge, provenTicket } from './access.js';
import { assembleContent, exportFacts } from './content.js';
import { ExportEnvelopeError, sealExportFile } from './envelope.js';
import { exportTimesSince, recordExport, recordRefusal } from './history.js';
import type { ExportKeyring } from './keys.js';
import {
  BUSY_RETRY_AFTER_S,
  EXPORTS_PER_DAY,
  type ExportGate,
  retryAfterSeconds,
  TICKETS_PER_DAY,
  windowStart,
} from './limits.js';
import { EXPORT_JWKS_PATH } from './metadata.js';
import { checkExportKey, issueTicket, ticketCategories, ticketTimesSince } from './tickets.js';

/** The media type of an export file: a compact JWE (RFC 7516 §9.2.1 / RFC 7515 §9.2.1). */
export const EXPORT_FILE_MEDIA_TYPE = 'application/jose';

export interface ExportRouteDeps {
  config: Config;
  db: Database;
  clock: Clock;
  access: VerifyAccessDeps;
  keyring: ExportKeyring;
  gate: ExportGate;
}

function tooMany(reply: FastifyReply, seconds: number, what: string): ProblemError {
  reply.header('retry-after', String(seconds));
  return new ProblemError('rate_limited', `${what}; retry in ${seconds} s`);
}

function formatOf(value: unknown): ExportContentFormat {
  if (value === undefined) return 'records';
  if (typeof value === 'string' && (EXPORT_CONTENT_FORMATS as readonly string[]).includes(value)) {
    return value as ExportContentFormat;
  }
  throw new ProblemError('invalid_request', `format must be one of ${EXPORT_CONTENT_FORMATS.join(', ')}`);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Registers the export API routes and the export JWKS. */
export function registerExportRoutes(app: FastifyInstance, deps: ExportRouteDeps): void {
  const { db, clock, keyring, gate } = deps;
  const realm = deps.config.sandbox ? 'sandbox' : 'production';
  const issuer = issuerOf(deps.config);

  app.get(EXPORT_JWKS_PATH, async (_request, reply) =>
    reply
      .type('application/jwk-set+json')
      // Short enough for a rotation to reach apps within minutes (docs/export-format.md, Keys).
      .header('cache-control', 'public, max-age=300')
      .send(JSON.stringify(keyring.jwks)),
  );

  app.post(`${EXPORT_API_PATH}/tickets`, async (request, reply) => {
    const access = await authorize(() => verifyExportAccess(deps.access, request), reply);
    const { consent } = access;
    if (!consent.exportKeyJkt) throw new ProblemError('export_key_required');
    // The ticket reaches no further than the token: a token narrowed at refresh (RFC 6749 §6)
    // gets a ticket for its own categories only (RFC 6750 §3.1, a token's scope bounds its use).
    const categories = consent.categories.filter((c) => access.scopes.includes(scopeOf(c)));
    if (categories.length === 0) throw new ProblemError('insufficient_scope');
    const body = (request.body ?? {}) as { export_key?: unknown };
    const exportKey = await checkExportKey(body.export_key, consent.exportKeyJkt);
    if (exportKey === 'invalid') {
      throw new ProblemError(
        'invalid_request',
        'export_key must be the device export public key (a P-256 JWK without d)',
      );
    }
    if (exportKey === 'mismatch') throw new ProblemError('export_key_mismatch');
    const now = clock.now();
    const wait = retryAfterSeconds(await ticketTimesSince(db, consent.id, windowStart(now)), TICKETS_PER_DAY, now);
    if (wait > 0) throw tooMany(reply, wait, `at most ${TICKETS_PER_DAY} tickets per consent per day`);
    const { ticket, stored } = await issueTicket(db, { consent, categories, dpopJkt: access.jkt, exportKey, now });
    return reply
      .status(201)
      .header('cache-control', 'no-store')
      .send({
        ticket,
        expires_at: iso(stored.expiresAt),
        consent_id: consent.id,
        categories,
        period: { from: consent.from ?? null, to: consent.to ?? null },
        duration: consent.duration,
        consent_expires_at: iso(consent.expiresAt),
        formats: EXPORT_CONTENT_FORMATS,
      });
  });

  app.get(`${EXPORT_API_PATH}/files/:ticket`, async (request, reply) => {
    const { ticket: presented } = request.params as { ticket: string };
    const format = formatOf((request.query as { format?: unknown }).format);
    const { ticket, consent, client } = await provenTicket(deps, realm, presented, request, reply);
    if (!consent.exportKeyJkt) throw new ProblemError('ticket_not_found');
    if (consent.status === 'revoked') {
      // The integration checklist reads this: an app that saw the revocation asks once, not again.
      await recordRefusal(db, consent, clock.now());
      throw new ProblemError('consent_revoked');
    }
    const now = clock.now();
    if (now >= ticket.expiresAt || !isConsentActive(consent, now)) throw new ProblemError('ticket_expired');
    if (client.status !== 'active') throw challenge(reply, new AccessError('invalid_token', 'the app is suspended'));

    const wait = retryAfterSeconds(await exportTimesSince(db, consent.id, windowStart(now)), EXPORTS_PER_DAY, now);
    if (wait > 0) throw tooMany(reply, wait, `at most ${EXPORTS_PER_DAY} files per consent per day`);
    if (!gate.enter()) {
      reply.header('retry-after', String(BUSY_RETRY_AFTER_S));
      throw new ProblemError('export_busy');
    }
    try {
      const exportId = `exp_${randomBytes(16).toString('base64url')}`;
      const subject = pairwiseSubject(deps.config.secret, client.organisationId, String(consent.citizenId));
      const scoped = { ...consent, categories: ticketCategories(ticket, consent) };
      const request = { consent: scoped, format, subject, issuer, exportId, now };
      // The records may come from the read replica (db/replica.ts): everything above that decides
      // whether this file may be made (ticket, consent, revocation, app status, the daily bound) was
      // read from the primary, so a revocation is honoured at once however far the replica lags.
      const content = await replicaRead(db, (reader) => assembleContent(reader, request));
      const { file, claims } = await sealExportFile({
        facts: exportFacts(request, content),
        content: content.bytes,
        recipientKey: ticket.exportKey,
        pinnedThumbprint: consent.exportKeyJkt,
        keyring,
        now: () => now,
      });
      await recordExport(db, { citizenId: consent.citizenId, claims, signingKid: keyring.signing.kid, createdAt: now });
      return reply
        .status(200)
        .type(EXPORT_FILE_MEDIA_TYPE)
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${exportId}.jwe"`)
        .send(file);
    } catch (error) {
      if (error instanceof ExportEnvelopeError && error.code.startsWith('recipient_key')) {
        throw new ProblemError('export_key_mismatch', error.message);
      }
      throw error;
    } finally {
      gate.leave();
    }
  });

  app.post(`${EXPORT_API_PATH}/revoke`, async (request, reply) => {
    const { ticket: presented } = (request.body ?? {}) as { ticket?: unknown };
    // An expired ticket still ends its consent: revoking only ever takes access away.
    const { ticket } = await provenTicket(deps, realm, presented, request, reply);
    await revokeConsent(db, ticket.consentId, clock);
    const revoked = await findConsent(db, ticket.consentId);
    return reply
      .header('cache-control', 'no-store')
      .send({ consent_id: ticket.consentId, status: 'revoked', revoked_at: iso(revoked?.revokedAt ?? clock.now()) });
  });
}
