/** The export file, device side: make the device's export key, open the files sealed to it. */
export { type ExportKey, generateExportKey } from './device-key.js';
export {
  type ExportFile,
  type OpenExportFileOptions,
  type OpenSignedExportOptions,
  openExportFile,
  openSignedExport,
} from './open.js';
export type { JSONWebKeySet, JWK } from './webcrypto-jose.js';
