/**
 * The imported data, kept on her device in IndexedDB (never sent anywhere else). One record:
 * the latest import replaces the previous one.
 */
import { DEFAULT_HBA1C_TARGET, HBA1C_TARGET_LIMITS } from './domain/series.js';
import type { DiaryRecords, Period } from './domain/types.js';

export interface StoredImport {
  version: 1;
  /** When the file was imported (ISO instant). */
  importedAt: string;
  /** The export id (`jti`) and consent id from the signed file, for her records and support. */
  exportId: string;
  consentId: string;
  /**
   * For an ongoing consent, the ticket to fetch again with (the SDK renews it while the consent
   * lasts): "import the latest data" then needs no new consent. Absent for a one-time consent.
   */
  ticketId?: string;
  period: Period;
  categories: string[];
  counts: Record<string, number>;
  records: DiaryRecords;
}

const DB_NAME = 'diabetes-diary';
const STORE = 'imports';
const KEY = 'current';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The stored import, if any. */
export async function loadImport(): Promise<StoredImport | undefined> {
  const value = await run('readonly', (store) => store.get(KEY) as IDBRequest<StoredImport | undefined>);
  return value?.version === 1 ? value : undefined;
}

export async function saveImport(data: StoredImport): Promise<void> {
  await run('readwrite', (store) => store.put(data, KEY));
}

/** Deletes everything the diary stored (after disconnecting). */
export async function clearImport(): Promise<void> {
  await run('readwrite', (store) => store.delete(KEY));
}

const TARGET_KEY = 'diabetes-diary.hba1c-target';

/** Her HbA1c target (%), as she set it on this device, or the default. */
export function loadHba1cTarget(): number {
  const value = Number(localStorage.getItem(TARGET_KEY));
  return value >= HBA1C_TARGET_LIMITS.min && value <= HBA1C_TARGET_LIMITS.max ? value : DEFAULT_HBA1C_TARGET;
}

/** Keeps her target on this device; returns false for a value outside the accepted range. */
export function saveHba1cTarget(value: number): boolean {
  if (!(value >= HBA1C_TARGET_LIMITS.min && value <= HBA1C_TARGET_LIMITS.max)) return false;
  localStorage.setItem(TARGET_KEY, String(Math.round(value * 10) / 10));
  return true;
}
