/**
 * What a citizen can take away: the provision history as JSON or CSV, and their own records in
 * any content format, unencrypted (the citizen is the owner; SPEC §4.2). Every download is an
 * attachment, never cached, and audited with the digest of what left (never the content).
 */
import { createHash } from 'node:crypto';
import {
  CATEGORY_IDS,
  CONTENT_FORMATS,
  type ContentFormat,
  recordsDocumentBytes,
  toFhirBundle,
  toMhb,
} from '@healthbank/records';
import type { FastifyReply } from 'fastify';
import { appendAudit } from '../audit/index.js';
import type { Consent } from '../consent/model.js';
import {
  type Database,
  inTransaction,
  readRecords,
  readRecordsJson,
  type StaleReader,
  type StoredCitizen,
} from '../db/index.js';
import type { ExportEntry } from '../export/index.js';
import { taiwanDateOf } from '../pages/dates.js';
import { toCsv } from './csv.js';
import type { DeletionRequest } from './deletion/index.js';
import { consentStatus } from './model.js';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export interface HistoryDocument {
  exports: ExportEntry[];
  consents: Consent[];
  deletions: DeletionRequest[];
  appName: (clientId: string) => string;
  now: number;
}

/** The history as JSON: snake_case like the platform's other documents, instants in ISO 8601. */
export function historyJson(h: HistoryDocument): string {
  return JSON.stringify(
    {
      generated_at: iso(h.now),
      exports: h.exports.map((e) => ({
        id: e.id,
        created_at: iso(e.createdAt),
        client_id: e.clientId,
        app: h.appName(e.clientId),
        consent_id: e.consentId,
        categories: e.categories,
        period: e.period,
        format: e.format,
        counts: e.counts,
        content_digest: e.contentDigest,
        content_length: e.contentLength,
      })),
      consents: h.consents.map((c) => ({
        id: c.id,
        created_at: iso(c.createdAt),
        client_id: c.clientId,
        app: h.appName(c.clientId),
        status: consentStatus(c, h.now),
        categories: c.categories,
        period: { from: c.from ?? null, to: c.to ?? null },
        excluded_institutions: c.excludedInstitutions,
        duration: c.duration,
        expires_at: iso(c.expiresAt),
        revoked_at: iso(c.revokedAt),
      })),
      deletion_requests: h.deletions.map((d) => ({
        id: d.id,
        created_at: iso(d.createdAt),
        client_id: d.clientId,
        app: h.appName(d.clientId),
        consent_id: d.consentId,
        status: d.status,
        delivered_at: iso(d.deliveredAt),
        acknowledged_at: iso(d.acknowledgedAt),
        due_at: iso(d.dueAt),
        receipt_digest: d.receiptDigest,
      })),
    },
    null,
    2,
  );
}

/** The history as CSV: one row per file provided (資料提供), the consent's status beside it. */
export function historyCsv(h: HistoryDocument): string {
  const consents = new Map(h.consents.map((c) => [c.id, c]));
  return toCsv(
    [
      'created_at',
      'app',
      'client_id',
      'consent_id',
      'consent_status',
      'categories',
      'counts',
      'period_from',
      'period_to',
      'format',
      'content_digest',
      'content_length',
    ],
    h.exports.map((e) => {
      const consent = consents.get(e.consentId);
      return [
        iso(e.createdAt),
        h.appName(e.clientId),
        e.clientId,
        e.consentId,
        consent ? consentStatus(consent, h.now) : null,
        e.categories.join(' '),
        e.categories.map((id) => `${id}=${e.counts[id] ?? 0}`).join(' '),
        e.period.from,
        e.period.to,
        e.format,
        e.contentDigest,
        e.contentLength,
      ];
    }),
  );
}

/** A content format from a query value, or undefined. */
export function parseFormat(value: unknown): ContentFormat | undefined {
  return CONTENT_FORMATS.find((f) => f === value);
}

/** All of a citizen's records in a content format, as UTF-8 JSON bytes (`db` may be the read replica). */
export async function recordsFile(
  db: StaleReader,
  citizen: StoredCitizen,
  format: ContentFormat,
  now: number,
  issuer: string,
): Promise<Uint8Array> {
  const generatedAt = new Date(now).toISOString();
  const query = { categories: [...CATEGORY_IDS] };
  if (format === 'records') {
    const stored = await readRecordsJson(db, citizen.id, query);
    const arrays = Object.fromEntries(CATEGORY_IDS.map((id) => [id, stored[id]?.json ?? new Uint8Array(0)]));
    return recordsDocumentBytes({ arrays, categories: CATEGORY_IDS, generatedAt });
  }
  const records = await readRecords(db, citizen.id, query);
  // The citizen's own file names the citizen, as NHI's own download does.
  const content =
    format === 'mhb'
      ? toMhb({
          subject: { kind: 'national-id', value: citizen.nationalId },
          records,
          categories: CATEGORY_IDS,
          generatedAt,
        })
      : toFhirBundle({
          patient: {
            identifier: { kind: 'national-id', value: citizen.nationalId },
            sex: citizen.sex,
            birthDate: citizen.birthDate,
          },
          records,
          categories: CATEGORY_IDS,
          generatedAt,
          idNamespace: `${issuer}/me|${citizen.id}`,
        });
  return new TextEncoder().encode(JSON.stringify(content));
}

const MEDIA_TYPES = {
  json: 'application/json; charset=utf-8',
  fhir: 'application/fhir+json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
} as const;

/**
 * Sends a download as an attachment and audits it in one transaction with nothing else: the entry
 * is written before the bytes leave.
 */
export async function sendDownload(
  db: Database,
  reply: FastifyReply,
  input: {
    citizenId: number;
    what: 'history' | 'records';
    format: string;
    /** `json`, `fhir` or `csv`: picks the media type and the extension. */
    kind: keyof typeof MEDIA_TYPES;
    body: Uint8Array | string;
    now: number;
  },
): Promise<FastifyReply> {
  const bytes = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  const digest = createHash('sha256').update(bytes).digest('base64url');
  await inTransaction(db, (tx) =>
    appendAudit(
      tx,
      {
        type: 'portal.download',
        citizenId: input.citizenId,
        digest,
        details: { what: input.what, format: input.format, content_length: bytes.length },
      },
      input.now,
    ),
  );
  const extension = input.kind === 'csv' ? 'csv' : 'json';
  const name = `healthbank-${input.what}-${input.what === 'records' ? `${input.format}-` : ''}${taiwanDateOf(input.now)}.${extension}`;
  return reply
    .type(MEDIA_TYPES[input.kind])
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store')
    .send(Buffer.from(bytes));
}
