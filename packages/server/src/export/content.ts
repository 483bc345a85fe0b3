/**
 * What goes into a file: exactly the consented records (categories, period, exclusions; read with
 * `readRecords`, or `readRecordsJson` for the `records` format), serialized in the requested
 * content format. The records never leave this module except as the content bytes.
 */
import {
  type CategoryId,
  type ExportContentFormat,
  type ExportCounts,
  type RecordsByCategory,
  recordsDocumentBytes,
  toFhirBundle,
  toMhb,
} from '@healthbank/records';
import { type Consent, recordQueryOf } from '../consent/model.js';
import { readRecords, readRecordsJson, type StaleReader } from '../db/index.js';
import type { ExportFacts } from './envelope.js';

export interface ContentRequest {
  consent: Consent;
  format: ExportContentFormat;
  /** The citizen's pairwise subject for the app. */
  subject: string;
  issuer: string;
  exportId: string;
  /** Milliseconds since the epoch. */
  now: number;
}

export interface AssembledContent {
  /** The content as UTF-8 JSON bytes. */
  bytes: Uint8Array;
  /** Records per consented category (zeros included). */
  counts: ExportCounts;
}

/** The FHIR identifier system of pairwise subjects: per platform, meaningful only to one organisation's apps. */
export const pairwiseSystemOf = (issuer: string) => `${issuer}/fhir/sid/pairwise-subject`;
/** The FHIR identifier system of export ids (Bundle.identifier). */
export const exportSystemOf = (issuer: string) => `${issuer}/fhir/sid/export`;

async function patientFacts(
  db: StaleReader,
  citizenId: number,
): Promise<{ sex: 'female' | 'male'; birthDate: string }> {
  const row = await db.kysely
    .selectFrom('citizens')
    .select(['sex', 'birth_date'])
    .where('id', '=', citizenId)
    .executeTakeFirstOrThrow();
  return { sex: row.sex, birthDate: row.birth_date };
}

function serialize(
  format: Exclude<ExportContentFormat, 'records'>,
  request: ContentRequest,
  records: RecordsByCategory,
  categories: CategoryId[],
  patient: { sex: 'female' | 'male'; birthDate: string } | undefined,
): unknown {
  const generatedAt = new Date(request.now).toISOString();
  switch (format) {
    case 'mhb':
      return toMhb({ subject: { kind: 'pairwise', value: request.subject }, records, categories, generatedAt });
    case 'fhir':
      if (!patient) throw new Error('a FHIR bundle needs the patient’s sex and birth date');
      return toFhirBundle({
        // Patient-twcore requires gender and birth date; the national ID and name stay on the platform.
        patient: {
          identifier: { kind: 'pairwise', system: pairwiseSystemOf(request.issuer), value: request.subject },
          sex: patient.sex,
          birthDate: patient.birthDate,
        },
        records,
        categories,
        generatedAt,
        // Resource ids are stable per subject (this organisation's apps) and differ between organisations.
        idNamespace: `${pairwiseSystemOf(request.issuer)}|${request.subject}`,
        identifier: { system: exportSystemOf(request.issuer), value: request.exportId },
      });
  }
}

/**
 * Reads the consented records and serializes them. `db` may be the read replica (the route reads
 * through `replicaRead`): whether the consent allows the export was decided on the primary before.
 *
 * @example
 * ```ts
 * const { bytes, counts } = await assembleContent(db, { consent, format: 'records', subject, issuer, exportId, now });
 * ```
 */
export async function assembleContent(db: StaleReader, request: ContentRequest): Promise<AssembledContent> {
  const { consent, format } = request;
  const counts: ExportCounts = {};
  if (format === 'records') {
    // The stored JSON goes into the file as it is: no parse, re-serialize or re-encode on the hot path.
    const stored = await readRecordsJson(db, consent.citizenId, recordQueryOf(consent));
    const arrays: Partial<Record<CategoryId, Uint8Array>> = {};
    for (const id of consent.categories) {
      counts[id] = stored[id]?.count ?? 0;
      arrays[id] = stored[id]?.json ?? new Uint8Array(0);
    }
    const bytes = recordsDocumentBytes({
      arrays,
      categories: consent.categories,
      generatedAt: new Date(request.now).toISOString(),
    });
    return { bytes, counts };
  }
  const [records, patient] = await Promise.all([
    readRecords(db, consent.citizenId, recordQueryOf(consent)),
    format === 'fhir' ? patientFacts(db, consent.citizenId) : Promise.resolve(undefined),
  ]);
  for (const id of consent.categories) counts[id] = records[id]?.length ?? 0;
  const content = serialize(format, request, records, consent.categories, patient);
  return { bytes: new TextEncoder().encode(JSON.stringify(content)), counts };
}

/** What a file will say about itself: the request's facts and the counts of what was assembled. */
export function exportFacts(request: ContentRequest, content: AssembledContent): ExportFacts {
  const { consent } = request;
  return {
    issuer: request.issuer,
    clientId: consent.clientId,
    subject: request.subject,
    exportId: request.exportId,
    consentId: consent.id,
    categories: consent.categories,
    period: { from: consent.from ?? null, to: consent.to ?? null },
    format: request.format,
    counts: content.counts,
  };
}
