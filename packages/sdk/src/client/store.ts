/**
 * Where the SDK keeps what must outlive a page load: the device keys (as `CryptoKey` objects, which
 * are structured-cloneable and stay non-extractable), the authorization in progress, and the
 * tokens and ticket of the current consent. Values are structured-cloneable objects.
 */

export interface SdkStore {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Keeps values in memory (Node, tests, or an app that must not persist anything): keys are lost
 * when the process ends, so an app must connect again.
 */
export class MemoryStore implements SdkStore {
  private readonly values = new Map<string, unknown>();

  async get<T>(key: string): Promise<T | undefined> {
    return this.values.get(key) as T | undefined;
  }

  async set<T>(key: string, value: T): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

const DATABASE = 'healthbank-sdk';
const OBJECTS = 'values';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * Keeps values in the browser's IndexedDB (origin-scoped). A non-extractable `CryptoKey` is stored
 * as the key object itself: script on the page can use it but never read its private half.
 */
export class IndexedDbStore implements SdkStore {
  private database?: Promise<IDBDatabase>;

  constructor(private readonly factory: IDBFactory = globalThis.indexedDB) {}

  private open(): Promise<IDBDatabase> {
    this.database ??= new Promise((resolve, reject) => {
      const opening = this.factory.open(DATABASE, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(OBJECTS);
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    return this.database;
  }

  private async objects(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    return (await this.open()).transaction(OBJECTS, mode).objectStore(OBJECTS);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await request((await this.objects('readonly')).get(key))) as T | undefined;
  }

  async set<T>(key: string, value: T): Promise<void> {
    await request((await this.objects('readwrite')).put(value, key));
  }

  async delete(key: string): Promise<void> {
    await request((await this.objects('readwrite')).delete(key));
  }
}

/** IndexedDB where the runtime has it (browsers), memory elsewhere. */
export function defaultStore(): SdkStore {
  return typeof globalThis.indexedDB === 'undefined' ? new MemoryStore() : new IndexedDbStore();
}
