/**
 * Sealing an export file (docs/export-format.md): the content is digested and raw-deflated, the
 * claims that describe it are signed with the platform's export key, and both are encrypted to the
 * device key the consent pinned.
 *
 *   file      = JWE compact { alg: ECDH-ES, enc: A256GCM, kid: <jkt>, cty: healthbank-export, epk }
 *   plaintext = <JWS compact { alg, kid, typ: healthbank-export+jwt }> 0x0A <deflate-raw(content)>
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import {
  type CategoryId,
  EXPORT_CONTENT_ENCRYPTION_ALG,
  EXPORT_FILE_CTY,
  EXPORT_FILE_LIFETIME_S,
  EXPORT_JWS_TYP,
  EXPORT_KEY_MANAGEMENT_ALG,
  EXPORT_MAX_CONTENT_BYTES,
  EXPORT_PLAINTEXT_SEPARATOR,
  type ExportClaims,
  type ExportContentFormat,
  type ExportCounts,
  type ExportPeriod,
  exportClaimsSchema,
} from '@healthbank/records';
import { CompactEncrypt, CompactSign, type CryptoKey, calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import type { ExportKeyring } from './keys.js';

const deflate = promisify(deflateRaw);

/**
 * Level 3 rather than zlib's default 6: on a heavy citizen's 3.9 MB of record JSON it deflates in
 * 9.5 ms instead of 22 ms, for a file of 315 kB instead of 237 kB. Sealing runs on every export;
 * 80 kB more on the largest files costs a phone less than the CPU saved costs the platform.
 */
export const DEFAULT_COMPRESSION_LEVEL = 3;

export type ExportEnvelopeErrorCode =
  | 'recipient_key_invalid'
  | 'recipient_key_mismatch'
  | 'content_invalid'
  | 'content_too_large'
  | 'claims_invalid';

/** Why a file could not be sealed; the export service maps the code to its HTTP answer. */
export class ExportEnvelopeError extends Error {
  override name = 'ExportEnvelopeError';
  constructor(
    readonly code: ExportEnvelopeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the file says about itself, apart from what sealing computes (times, digest, length, recipient). */
export interface ExportFacts {
  /** The platform's issuer identifier. */
  issuer: string;
  /** The app's `client_id`. */
  clientId: string;
  /** The citizen's pairwise subject for the app. */
  subject: string;
  exportId: string;
  consentId: string;
  categories: readonly CategoryId[];
  period: ExportPeriod;
  format: ExportContentFormat;
  /** Records per consented category. */
  counts: ExportCounts;
}

export interface SealExportFileInput {
  facts: ExportFacts;
  /**
   * The content: a JSON value (serialized here with `JSON.stringify`) or, when the serializer has
   * already written it, its exact UTF-8 JSON bytes.
   */
  content: unknown;
  /** The device's export public key, as the app sent it (a P-256 JWK). */
  recipientKey: JWK;
  /** The consent's `export_key_jkt`: the recipient key must have this RFC 7638 thumbprint. */
  pinnedThumbprint: string;
  keyring: ExportKeyring;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /** `exp − iat` in seconds; default one hour. */
  lifetimeSeconds?: number;
  /** zlib level 1–9; default {@link DEFAULT_COMPRESSION_LEVEL}. */
  compressionLevel?: number;
}

export interface SealedExportFile {
  /** The compact JWE, ASCII. */
  file: string;
  /** The signed claims, for the citizen's provision history (digest, counts, period …). */
  claims: ExportClaims;
}

/** The recipient key as a bare public P-256 JWK, checked against the pinned thumbprint. */
async function recipient(jwk: JWK, pinned: string): Promise<{ key: CryptoKey; jkt: string }> {
  if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new ExportEnvelopeError('recipient_key_invalid', 'the export key is not a P-256 public JWK');
  }
  if (jwk.d !== undefined) {
    // A client that sends its private key has already lost it; refuse rather than use it.
    throw new ExportEnvelopeError('recipient_key_invalid', 'the export key includes its private part');
  }
  const bare: JWK = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  const jkt = await calculateJwkThumbprint(bare, 'sha256');
  if (jkt !== pinned) {
    throw new ExportEnvelopeError('recipient_key_mismatch', 'the export key is not the one pinned at consent');
  }
  try {
    // WebCrypto refuses a point that is not on the curve (invalid-curve attacks).
    return { key: (await importJWK(bare, EXPORT_KEY_MANAGEMENT_ALG)) as CryptoKey, jkt };
  } catch {
    throw new ExportEnvelopeError('recipient_key_invalid', 'the export key is not a valid P-256 point');
  }
}

function contentBytes(content: unknown): Uint8Array {
  if (content instanceof Uint8Array) return content;
  const json = JSON.stringify(content);
  if (json === undefined) throw new ExportEnvelopeError('content_invalid', 'the content is not a JSON value');
  return new TextEncoder().encode(json);
}

/**
 * Seals an export file to the device key pinned at consent.
 *
 * @example
 * const { file, claims } = await sealExportFile({
 *   facts: { issuer, clientId, subject, exportId, consentId, categories, period, format: 'records', counts },
 *   content: recordsByCategory,
 *   recipientKey: deviceExportJwk,
 *   pinnedThumbprint: consent.exportKeyJkt,
 *   keyring,
 * });
 */
export async function sealExportFile(input: SealExportFileInput): Promise<SealedExportFile> {
  const { facts, keyring } = input;
  const { key: recipientKey, jkt } = await recipient(input.recipientKey, input.pinnedThumbprint);
  const bytes = contentBytes(input.content);
  if (bytes.length > EXPORT_MAX_CONTENT_BYTES) {
    // The SDK refuses to inflate more, so such a file could never be opened.
    throw new ExportEnvelopeError('content_too_large', `the content is ${bytes.length} bytes`);
  }
  const iat = Math.floor((input.now ?? Date.now)() / 1000);
  const candidate: ExportClaims = {
    iss: facts.issuer,
    aud: facts.clientId,
    sub: facts.subject,
    jti: facts.exportId,
    iat,
    exp: iat + (input.lifetimeSeconds ?? EXPORT_FILE_LIFETIME_S),
    consent_id: facts.consentId,
    categories: [...facts.categories],
    period: { from: facts.period.from, to: facts.period.to },
    format: facts.format,
    counts: { ...facts.counts },
    content_digest: createHash('sha256').update(bytes).digest('base64url'),
    content_length: bytes.length,
    cnf: { jkt },
  };
  const parsed = exportClaimsSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExportEnvelopeError('claims_invalid', `claim ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const claims = parsed.data;
  const [jws, compressed] = await Promise.all([
    new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: keyring.signing.alg, kid: keyring.signing.kid, typ: EXPORT_JWS_TYP })
      .sign(keyring.signing.key),
    deflate(bytes, { level: input.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL }),
  ]);
  const plaintext = new Uint8Array(jws.length + 1 + compressed.length);
  plaintext.set(new TextEncoder().encode(jws), 0);
  plaintext[jws.length] = EXPORT_PLAINTEXT_SEPARATOR;
  plaintext.set(compressed, jws.length + 1);
  const file = await new CompactEncrypt(plaintext)
    .setProtectedHeader({
      alg: EXPORT_KEY_MANAGEMENT_ALG,
      enc: EXPORT_CONTENT_ENCRYPTION_ALG,
      kid: jkt,
      cty: EXPORT_FILE_CTY,
    })
    .encrypt(recipientKey);
  return { file, claims };
}
