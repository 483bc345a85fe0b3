/**
 * Checks of the two protected headers, before any key is used. Allowlists, not denylists: a header
 * may carry only the parameters this format defines, so `crit`, `zip`, `jwk`, `jku`, `x5u`, `x5c`
 * and whatever a later RFC adds are refused without naming each (RFC 8725 §3.1, §3.10, §3.11).
 */
import {
  EXPORT_CONTENT_ENCRYPTION_ALG,
  EXPORT_FILE_CTY,
  EXPORT_JWE_HEADER_PARAMS,
  EXPORT_JWS_HEADER_PARAMS,
  EXPORT_JWS_TYP,
  EXPORT_KEY_CURVE,
  EXPORT_KEY_MANAGEMENT_ALG,
  EXPORT_SIGNING_ALGS,
  type ExportSigningAlg,
} from '@healthbank/records';
import { SdkError } from '../errors.js';
import { decodeBase64url } from './base64url.js';

export interface JweHeader {
  alg: typeof EXPORT_KEY_MANAGEMENT_ALG;
  enc: typeof EXPORT_CONTENT_ENCRYPTION_ALG;
  /** RFC 7638 thumbprint of the recipient's export key. */
  kid: string;
  /** The sender's ephemeral P-256 public key. */
  epk: { x: string; y: string };
}

export interface JwsHeader {
  alg: ExportSigningAlg;
  kid: string;
}

/** Decodes a protected header segment into a JSON object, or throws `format_invalid`. */
export function decodeHeader(segment: string, what: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64url(segment)));
  } catch (cause) {
    throw new SdkError('format_invalid', `the ${what} header is not base64url JSON`, { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SdkError('format_invalid', `the ${what} header is not a JSON object`);
  }
  return header as Record<string, unknown>;
}

function onlyAllowed(header: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const name of Object.keys(header)) {
    if (!allowed.includes(name)) {
      throw new SdkError('header_not_allowed', `the ${what} header carries "${name}", which this format never uses`);
    }
  }
}

function kidOf(header: Record<string, unknown>, what: string): string {
  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '') throw new SdkError('format_invalid', `the ${what} header names no kid`);
  return kid;
}

/** The JWE header: ECDH-ES with A256GCM to a P-256 key, a `kid`, this format's `cty`, nothing else. */
export function checkJweHeader(header: Record<string, unknown>): JweHeader {
  onlyAllowed(header, EXPORT_JWE_HEADER_PARAMS, 'JWE');
  if (header.alg !== EXPORT_KEY_MANAGEMENT_ALG || header.enc !== EXPORT_CONTENT_ENCRYPTION_ALG) {
    throw new SdkError(
      'header_not_allowed',
      `JWE alg "${String(header.alg)}" / enc "${String(header.enc)}" is not ${EXPORT_KEY_MANAGEMENT_ALG} / ${EXPORT_CONTENT_ENCRYPTION_ALG}`,
    );
  }
  const epk = header.epk;
  // The ephemeral key is the only key a header may carry, and only as a bare P-256 public key.
  if (
    typeof epk !== 'object' ||
    epk === null ||
    Object.keys(epk).some((name) => !['kty', 'crv', 'x', 'y'].includes(name)) ||
    (epk as { kty?: unknown }).kty !== 'EC' ||
    (epk as { crv?: unknown }).crv !== EXPORT_KEY_CURVE ||
    typeof (epk as { x?: unknown }).x !== 'string' ||
    typeof (epk as { y?: unknown }).y !== 'string'
  ) {
    throw new SdkError('header_not_allowed', 'the JWE ephemeral key (epk) is not a bare P-256 public key');
  }
  if (header.cty !== EXPORT_FILE_CTY) {
    throw new SdkError('format_invalid', `the JWE content type is not "${EXPORT_FILE_CTY}"`);
  }
  const { x, y } = epk as { x: string; y: string };
  return {
    alg: EXPORT_KEY_MANAGEMENT_ALG,
    enc: EXPORT_CONTENT_ENCRYPTION_ALG,
    kid: kidOf(header, 'JWE'),
    epk: { x, y },
  };
}

/** The JWS header: ES256 or EdDSA, a `kid`, this format's `typ`, nothing else. */
export function checkJwsHeader(header: Record<string, unknown>): JwsHeader {
  onlyAllowed(header, EXPORT_JWS_HEADER_PARAMS, 'JWS');
  const alg = header.alg;
  if (!EXPORT_SIGNING_ALGS.includes(alg as ExportSigningAlg)) {
    throw new SdkError(
      'header_not_allowed',
      `JWS alg "${String(alg)}" is not one of ${EXPORT_SIGNING_ALGS.join(', ')}`,
    );
  }
  if (header.typ !== EXPORT_JWS_TYP) {
    throw new SdkError('format_invalid', `the JWS type is not "${EXPORT_JWS_TYP}"`);
  }
  return { alg: alg as ExportSigningAlg, kid: kidOf(header, 'JWS') };
}
