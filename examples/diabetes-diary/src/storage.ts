/**
 * The imported data, kept on her device in IndexedDB (never sent anywhere else). One record:
 * the latest import replaces the previous one.
 */
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
