/**
 * The fixed parameters of the export file format, version 1 (docs/export-format.md). Server and SDK
 * read them from here, so the two sides cannot disagree about an algorithm, a type or a limit.
 */

/** JWE `cty`: the plaintext is a signed claim set, a line feed, then the raw-deflated content. */
export const EXPORT_FILE_CTY = 'healthbank-export';

/** JWS `typ` of the signed claim set (explicit typing, RFC 8725 §3.11). */
export const EXPORT_JWS_TYP = 'healthbank-export+jwt';

/** JWE key management: ephemeral-static ECDH on P-256, the derived key used directly (RFC 7518 §4.6). */
export const EXPORT_KEY_MANAGEMENT_ALG = 'ECDH-ES';

/** JWE content encryption (RFC 7518 §5.3). */
export const EXPORT_CONTENT_ENCRYPTION_ALG = 'A256GCM';

/** The only curve of the device's export key. */
export const EXPORT_KEY_CURVE = 'P-256';

/** Signature algorithms a platform key may use: ES256 (P-256) or EdDSA (Ed25519). Never `none`, never HMAC. */
export const EXPORT_SIGNING_ALGS = ['ES256', 'EdDSA'] as const;
export type ExportSigningAlg = (typeof EXPORT_SIGNING_ALGS)[number];

/**
 * Every parameter the JWE protected header may carry. Anything else (`crit`, `zip`, `jku`, `jwk`,
 * `x5u`, `x5c`, …) makes the file invalid: a reader never fetches or trusts a key named by the file.
 */
export const EXPORT_JWE_HEADER_PARAMS = ['alg', 'enc', 'kid', 'cty', 'epk'] as const;

/** Every parameter the JWS protected header may carry. */
export const EXPORT_JWS_HEADER_PARAMS = ['alg', 'kid', 'typ'] as const;

/** Separates the signed claim set (ASCII) from the compressed content in the JWE plaintext. */
export const EXPORT_PLAINTEXT_SEPARATOR = 0x0a;

/** Clock skew allowed when checking `iat` and `exp`, in seconds. */
export const EXPORT_CLOCK_TOLERANCE_S = 60;

/** Default lifetime of a file (`exp − iat`), in seconds: an app opens a file as soon as it has it. */
export const EXPORT_FILE_LIFETIME_S = 3600;

/**
 * The largest content a reader inflates, in bytes (256 MiB). The heaviest synthetic citizen is a
 * few MiB; the cap bounds a decompression bomb on a phone.
 */
export const EXPORT_MAX_CONTENT_BYTES = 256 * 1024 * 1024;

/** Content formats a file can carry (the `format` claim); each is UTF-8 JSON. */
export const EXPORT_CONTENT_FORMATS = ['records', 'fhir', 'mhb'] as const;
export type ExportContentFormat = (typeof EXPORT_CONTENT_FORMATS)[number];
