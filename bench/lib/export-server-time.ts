/**
 * The export path's server-side work timed piece by piece, by calling the very functions the file
 * route calls (`assembleContent`, which reads with `readRecordsJson` for the `records` format and
 * `readRecords` for the others, and serializes; then `sealExportFile`), and the floor it is
 * compared with: `JSON.stringify` and one AES-256-GCM pass
 * over the same records already in memory.
 */
import { randomBytes } from 'node:crypto';
import type { ExportContentFormat, RecordsByCategory } from '@healthbank/records';
import { pairwiseSubject } from '../../packages/server/src/auth/provider/pairwise.js';
import { issuerOf } from '../../packages/server/src/auth/provider/routes.js';
import { recordQueryOf } from '../../packages/server/src/consent/model.js';
import { findConsent } from '../../packages/server/src/consent/repository.js';
import { readRecords, readRecordsJson } from '../../packages/server/src/db/index.js';
import { assembleContent, exportFacts } from '../../packages/server/src/export/content.js';
import { sealExportFile } from '../../packages/server/src/export/envelope.js';
import { loadExportKeyring } from '../../packages/server/src/export/keys.js';
import type { ExportBench } from './export-platform.js';

export interface InternalSamples {
  /** The read alone: `readRecordsJson` for the `records` format, `readRecords` for the others. */
  readMs: number[];
  /** `assembleContent`: the read plus the format's serializer and `JSON.stringify`. */
  assembleMs: number[];
  /** `sealExportFile`: digest, deflate, JWS, JWE. */
  sealMs: number[];
  /** assemble + seal of the same run. */
  totalMs: number[];
  contentBytes: number;
  fileBytes: number;
}

/** The consent's records as the export reads them (for the floor), and how many there are. */
export async function consentedRecords(
  bench: ExportBench,
  consentId: string,
): Promise<{ records: RecordsByCategory; count: number }> {
  const consent = await findConsent(bench.platform.db, consentId);
  if (!consent) throw new Error('no such consent');
  const records = await readRecords(bench.platform.db, consent.citizenId, recordQueryOf(consent));
  const count = Object.values(records).reduce((n, list) => n + list.length, 0);
  return { records, count };
}

/** Times the route's own steps for one consent and format, `runs` times after `warmup` untimed runs. */
export async function measureInternals(
  bench: ExportBench,
  consentId: string,
  format: ExportContentFormat,
  runs: number,
  warmup: number,
): Promise<InternalSamples> {
  const { db, config, organisationId } = bench.platform;
  const consent = await findConsent(db, consentId);
  if (!consent?.exportKeyJkt) throw new Error('no such consent, or no pinned export key');
  const pinned = consent.exportKeyJkt;
  const keyring = await loadExportKeyring(config.exportSigningKeys);
  const issuer = issuerOf(config);
  const subject = pairwiseSubject(config.secret, organisationId, String(consent.citizenId));
  const samples: InternalSamples = {
    readMs: [],
    assembleMs: [],
    sealMs: [],
    totalMs: [],
    contentBytes: 0,
    fileBytes: 0,
  };
  for (let i = 0; i < warmup + runs; i++) {
    const now = Date.now();
    const exportId = `exp_${randomBytes(16).toString('base64url')}`;
    const t0 = performance.now();
    const read = format === 'records' ? readRecordsJson : readRecords;
    await read(db, consent.citizenId, recordQueryOf(consent));
    const t1 = performance.now();
    const request = { consent, format, subject, issuer, exportId, now };
    const content = await assembleContent(db, request);
    const t2 = performance.now();
    const { file } = await sealExportFile({
      facts: exportFacts(request, content),
      content: content.bytes,
      recipientKey: bench.exportKey.publicJwk,
      pinnedThumbprint: pinned,
      keyring,
      now: () => now,
    });
    const t3 = performance.now();
    if (i < warmup) continue;
    samples.readMs.push(t1 - t0);
    samples.assembleMs.push(t2 - t1);
    samples.sealMs.push(t3 - t2);
    samples.totalMs.push(t3 - t1);
    samples.contentBytes = content.bytes.length;
    samples.fileBytes = file.length;
  }
  return samples;
}

/**
 * The floor: what any export of these records costs at least, with nothing read, reshaped,
 * compressed or signed: `JSON.stringify`, UTF-8 encoding, and one AES-256-GCM encryption
 * (WebCrypto, as the JWE is made) of the result.
 */
export async function measureFloor(
  records: RecordsByCategory,
  runs: number,
  warmup: number,
): Promise<{ samplesMs: number[]; bytes: number }> {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);
  const samplesMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < warmup + runs; i++) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const t0 = performance.now();
    const plaintext = new TextEncoder().encode(JSON.stringify(records));
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plaintext);
    const ms = performance.now() - t0;
    if (i < warmup) continue;
    samplesMs.push(ms);
    bytes = plaintext.length;
  }
  return { samplesMs, bytes };
}
