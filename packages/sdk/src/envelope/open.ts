/**
 * Opening an export file on the device: decrypt with the device's export key, verify the
 * platform's signature and claims, inflate within the signed length, and check the content digest.
 * Every check that needs no secret runs before the ones that do; nothing is inflated before the
 * signature and the claims are verified.
 */
import {
  checkExportClaims,
  EXPORT_CLOCK_TOLERANCE_S,
  EXPORT_MAX_CONTENT_BYTES,
  EXPORT_PLAINTEXT_SEPARATOR,
  type ExportClaims,
} from '@healthbank/records';
import { SdkError } from '../errors.js';
import { encodeBase64url, isCanonicalBase64url } from './base64url.js';
import { checkJweHeader, checkJwsHeader, decodeHeader } from './headers.js';
import { InflateError, inflateRaw } from './inflate.js';
import { verificationKey } from './verification-key.js';
import { decryptEcdhEsA256Gcm, type JSONWebKeySet, verifyCompactJws } from './webcrypto-jose.js';

export interface OpenExportFileOptions {
  /** The device's export key: a non-extractable ECDH P-256 private `CryptoKey`. */
  decryptionKey: CryptoKey;
  /** The platform's published JWKS (public keys). */
  jwks: JSONWebKeySet;
  /** The platform's issuer identifier; the file's `iss` must equal it. */
  issuer: string;
  /** The app's `client_id`; the file's `aud` must equal it. */
  audience: string;
  /**
   * RFC 7638 thumbprint of the device's export public key (what the app pinned at consent). When
   * given, a file addressed to any other key is refused before decryption is attempted.
   */
  recipientKeyThumbprint?: string;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /** Refuse content longer than this many bytes; default and maximum 256 MiB. */
  maxContentBytes?: number;
  /** Also return the signed export (`signed`), for the app's backend to verify again. */
  keepSigned?: boolean;
}

export interface ExportFile {
  /** The verified signed claims. */
  claims: ExportClaims;
  /** The content, parsed from UTF-8 JSON; its shape is given by `claims.format`. */
  content: unknown;
  /**
   * With `keepSigned`: the signed export, the decrypted plaintext (the platform's JWS, a line feed,
   * the compressed content), which anyone holding the platform's public keys can verify with
   * `openSignedExport`.
   */
  signed?: Uint8Array;
}

/** What checking a signed export needs: the `openExportFile` options without the device's key. */
export type OpenSignedExportOptions = Omit<
  OpenExportFileOptions,
  'decryptionKey' | 'recipientKeyThumbprint' | 'keepSigned'
>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(code: ConstructorParameters<typeof SdkError>[0], message: string, cause?: unknown): never {
  throw new SdkError(code, message, cause === undefined ? {} : { cause });
}

function assertDeviceKey(key: CryptoKey): void {
  const algorithm = key?.algorithm as EcKeyAlgorithm | undefined;
  if (key?.type !== 'private' || algorithm?.name !== 'ECDH' || algorithm.namedCurve !== 'P-256') {
    throw new TypeError('decryptionKey must be an ECDH P-256 private CryptoKey');
  }
}

/** Splits the compact JWE and checks what needs no key: encoding, shape and header. */
function parseJwe(file: string): { kid: string; epk: { x: string; y: string } } {
  if (typeof file !== 'string') fail('format_invalid', 'an export file is a string');
  const parts = file.split('.');
  if (parts.length !== 5) fail('format_invalid', 'a compact JWE has five parts');
  if (!parts.every(isCanonicalBase64url)) fail('format_invalid', 'a part of the file is not canonical base64url');
  const [header, encryptedKey, iv, , tag] = parts as [string, string, string, string, string];
  const { kid, epk } = checkJweHeader(decodeHeader(header, 'JWE'));
  // ECDH-ES uses the agreed key directly, so there is no encrypted key; IV 96 bits, tag 128 bits.
  if (encryptedKey !== '' || iv.length !== 16 || tag.length !== 22) {
    fail('format_invalid', 'the JWE encrypted key, IV or tag has the wrong length');
  }
  return { kid, epk };
}

/** Splits the plaintext into the signed claim set (a compact JWS) and the compressed content. */
function splitPlaintext(plaintext: Uint8Array): { jws: string; compressed: Uint8Array } {
  const at = plaintext.indexOf(EXPORT_PLAINTEXT_SEPARATOR);
  if (at < 0) fail('format_invalid', 'the plaintext has no separator after the signed claims');
  let jws: string;
  try {
    jws = utf8.decode(plaintext.subarray(0, at));
  } catch (cause) {
    fail('format_invalid', 'the signed claims are not text', cause);
  }
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every(isCanonicalBase64url))
    fail('format_invalid', 'the signed claims are not a compact JWS');
  return { jws, compressed: plaintext.subarray(at + 1) };
}

async function verifyClaims(jws: string, opts: OpenSignedExportOptions): Promise<ExportClaims> {
  const { alg, kid } = checkJwsHeader(decodeHeader(jws.slice(0, jws.indexOf('.')), 'JWS'));
  const key = await verificationKey(opts.jwks, kid, alg);
  const payload = await verifyCompactJws(jws, key, alg);
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(payload));
  } catch (cause) {
    fail('format_invalid', 'the signed claims are not JSON', cause);
  }
  const checked = checkExportClaims(json);
  if ('issues' in checked) {
    const issue = checked.issues[0];
    fail('format_invalid', `claim ${issue?.path}: ${issue?.message}`);
  }
  return checked.claims;
}

function checkClaims(claims: ExportClaims, jweKid: string | undefined, opts: OpenSignedExportOptions): void {
  if (claims.iss !== opts.issuer) fail('claims_mismatch', `the file was issued by "${claims.iss}"`);
  if (claims.aud !== opts.audience) fail('claims_mismatch', `the file is for app "${claims.aud}"`);
  // The signed recipient must be the key the file was encrypted to: a file cannot be re-addressed.
  if (jweKid !== undefined && claims.cnf.jkt !== jweKid)
    fail('claims_mismatch', 'the file was signed for another device key');
  const now = Math.floor((opts.now ?? Date.now)() / 1000);
  if (now > claims.exp + EXPORT_CLOCK_TOLERANCE_S) fail('file_expired', 'the file has expired');
  if (claims.iat > now + EXPORT_CLOCK_TOLERANCE_S) fail('file_not_yet_valid', 'the file is issued in the future');
  const max = Math.min(opts.maxContentBytes ?? EXPORT_MAX_CONTENT_BYTES, EXPORT_MAX_CONTENT_BYTES);
  if (claims.content_length > max) fail('content_too_large', `the content is ${claims.content_length} bytes`);
}

async function inflateSigned(compressed: Uint8Array, claims: ExportClaims): Promise<Uint8Array> {
  let content: Uint8Array;
  try {
    // The signed length is the cap: inflating one byte more means the content is not what was signed.
    content = await inflateRaw(compressed, claims.content_length);
  } catch (error) {
    if (!(error instanceof InflateError)) throw error;
    fail('signature_invalid', 'the content does not match the signed length', error);
  }
  if (content.length !== claims.content_length)
    fail('signature_invalid', 'the content does not match the signed length');
  const digest = encodeBase64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', content as Uint8Array<ArrayBuffer>)),
  );
  if (digest !== claims.content_digest) fail('signature_invalid', 'the content does not match the signed digest');
  return content;
}

/**
 * Opens an export file: decrypts it with the device's export key, verifies the platform's
 * signature against its JWKS, checks issuer, audience, recipient and validity, and returns the
 * signed claims with the content, whose SHA-256 digest and length match the signed ones.
 * Throws `SdkError` with an export-file code (docs/export-format.md) on any failure.
 *
 * @example
 * const { claims, content } = await openExportFile(file, {
 *   decryptionKey: exportKey.privateKey,
 *   jwks: platformJwks, // the platform's published export JWKS
 *   issuer,
 *   audience: clientId,
 *   recipientKeyThumbprint: exportKey.thumbprint,
 * });
 */
export async function openExportFile(file: string, opts: OpenExportFileOptions): Promise<ExportFile> {
  assertDeviceKey(opts.decryptionKey);
  const { kid, epk } = parseJwe(file);
  if (opts.recipientKeyThumbprint !== undefined && kid !== opts.recipientKeyThumbprint) {
    fail('decryption_failed', 'the file is encrypted to another device key');
  }
  const plaintext = await decryptEcdhEsA256Gcm(file, epk, opts.decryptionKey);
  return openPlaintext(plaintext, kid, opts);
}

async function openPlaintext(
  plaintext: Uint8Array,
  jweKid: string | undefined,
  opts: OpenSignedExportOptions & { keepSigned?: boolean },
): Promise<ExportFile> {
  const { jws, compressed } = splitPlaintext(plaintext);
  const claims = await verifyClaims(jws, opts);
  checkClaims(claims, jweKid, opts);
  const bytes = await inflateSigned(compressed, claims);
  let content: unknown;
  try {
    content = JSON.parse(utf8.decode(bytes));
  } catch (cause) {
    fail('format_invalid', 'the content is not UTF-8 JSON', cause);
  }
  return opts.keepSigned ? { claims, content, signed: plaintext } : { claims, content };
}

/**
 * Checks a signed export a device passed on (`ExportFile.signed`) exactly as `openExportFile`
 * checks a file, minus the decryption: the platform's signature against its JWKS, issuer,
 * audience, validity, the signed length and digest. An app's backend runs it on what its device
 * uploads, so a compromised or buggy device cannot make it store records the platform never signed.
 *
 * @example
 * const { claims, content } = await openSignedExport(upload, { jwks, issuer, audience: 'teleconsult' });
 */
export async function openSignedExport(signed: Uint8Array, opts: OpenSignedExportOptions): Promise<ExportFile> {
  if (!(signed instanceof Uint8Array)) fail('format_invalid', 'a signed export is bytes');
  return openPlaintext(signed, undefined, opts);
}
