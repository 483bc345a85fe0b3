/**
 * The export file's shared contract: its fixed parameters and its signed claim set. Pure (no
 * crypto here): the server seals files with it, the SDK opens them with it.
 */

export * from './check-claims.js';
export * from './claims.js';
export * from './constants.js';
