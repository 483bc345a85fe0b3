/**
 * The SDK's one error class. Every failure an app should handle carries a stable `code` it can
 * switch on; codes are a public contract and never change meaning (docs/export-format.md lists the
 * export-file ones).
 */

/** Failures of the connect and fetch flow. */
export const FLOW_ERROR_CODES = [
  /** The citizen declined, or closed the consent pages. */
  'declined',
  /** The ticket is older than 24 hours or was already used. */
  'ticket_expired',
  /** The citizen revoked the consent. */
  'revoked',
  /** The platform could not be reached. */
  'network',
  /** Too many requests; `retryAfter` says when to try again, when known. */
  'rate_limited',
  /** The platform is busy making the file; retry after `retryAfter` seconds. */
  'busy',
  /** The platform does not know this ticket (never issued, mistyped, or long gone). */
  'ticket_invalid',
  /** The consent's time is over (an ongoing consent reached its end); ask the citizen again. */
  'consent_expired',
  /** This device holds no keys or authorization for the app (storage cleared?): call `start()`. */
  'not_connected',
  /** The authorization did not complete: wrong `state` or `iss`, a refused code or token, a key the platform does not accept. */
  'authorization_failed',
  /** The platform refused a request or answered something the SDK does not understand (a version mismatch or a defect). */
  'protocol_error',
  /** The platform failed (HTTP 5xx other than busy); try again later. */
  'server_error',
] as const;

/** Reasons an export file is rejected; each names what an app must not trust. */
export const EXPORT_FILE_ERROR_CODES = [
  /** Not an export file: bad structure, encoding, JSON, `typ`/`cty`, claims or framing. */
  'format_invalid',
  /** A header asks for something the format never uses: another algorithm, `alg: none`, `crit`, `zip`, an embedded or linked key. */
  'header_not_allowed',
  /** The signing key is not in the platform's JWKS (retired, or the JWKS is stale). */
  'key_unknown',
  /** The signature, or the content's length or digest, does not match what the platform signed. */
  'signature_invalid',
  /** The file is not encrypted to this device's key, or its ciphertext was altered. */
  'decryption_failed',
  /** The file is for another app, from another issuer, or names another device key. */
  'claims_mismatch',
  /** `exp` has passed (beyond the clock tolerance). */
  'file_expired',
  /** `iat` is in the future (beyond the clock tolerance): usually a wrong device clock. */
  'file_not_yet_valid',
  /** The content would inflate beyond the allowed size. */
  'content_too_large',
] as const;

export const SDK_ERROR_CODES = [...FLOW_ERROR_CODES, ...EXPORT_FILE_ERROR_CODES] as const;

export type FlowErrorCode = (typeof FLOW_ERROR_CODES)[number];
export type ExportFileErrorCode = (typeof EXPORT_FILE_ERROR_CODES)[number];
export type SdkErrorCode = (typeof SDK_ERROR_CODES)[number];

export interface SdkErrorOptions {
  cause?: unknown;
  /** Seconds to wait before retrying (`busy`, `rate_limited`). */
  retryAfter?: number;
}

/**
 * An error with a stable `code`.
 *
 * @example
 * try {
 *   await openExportFile(file, options);
 * } catch (error) {
 *   if (isSdkError(error, 'key_unknown')) {
 *     // refresh the platform's JWKS once, then try again
 *   }
 * }
 */
export class SdkError extends Error {
  override name = 'SdkError';
  readonly code: SdkErrorCode;
  readonly retryAfter?: number;

  constructor(code: SdkErrorCode, message: string, options: SdkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
}

/** True when `error` is an `SdkError`, with the given code if one is named. */
export function isSdkError(error: unknown, code?: SdkErrorCode): error is SdkError {
  return error instanceof SdkError && (code === undefined || error.code === code);
}
