/**
 * The device's two keys, made here and never sent anywhere but as public keys:
 *
 * - the DPoP key (ECDSA P-256, ES256): proves at every request that tokens and tickets are used by
 *   the device they were issued to (RFC 9449);
 * - the export key (ECDH P-256): the platform encrypts files to it (its thumbprint is pinned at
 *   consent as `export_key_jkt`).
 *
 * Separate keys for separate purposes: a signature key is never used for key agreement. Both
 * private halves are non-extractable.
 */
import { type ExportKey, generateExportKey } from '../envelope/device-key.js';
import type { SdkStore } from './store.js';

export interface DeviceKeys {
  dpop: CryptoKeyPair;
  exportKey: ExportKey;
}

async function generateDpopKey(): Promise<CryptoKeyPair> {
  // The public half of a pair is always extractable (it is sent in every proof); the private is not.
  return (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

/** The stored keys, or undefined. */
export async function loadDeviceKeys(store: SdkStore, key: string): Promise<DeviceKeys | undefined> {
  const keys = await store.get<DeviceKeys>(key);
  return keys?.dpop?.privateKey && keys.exportKey?.privateKey ? keys : undefined;
}

/** The stored keys, made and stored first when there are none. */
export async function deviceKeys(store: SdkStore, key: string): Promise<DeviceKeys> {
  const existing = await loadDeviceKeys(store, key);
  if (existing) return existing;
  const [dpop, exportKey] = await Promise.all([generateDpopKey(), generateExportKey()]);
  const made: DeviceKeys = { dpop, exportKey };
  await store.set(key, made);
  return made;
}
