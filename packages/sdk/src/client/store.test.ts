import { describe, expect, it } from 'vitest';
import { deviceKeys, loadDeviceKeys } from './device.js';
import { defaultStore, MemoryStore } from './store.js';

describe('the device keys in a store', () => {
  it('are made once, non-extractable, and found again', async () => {
    const store = new MemoryStore();
    expect(await loadDeviceKeys(store, 'k')).toBeUndefined();
    const made = await deviceKeys(store, 'k');
    expect(made.dpop.privateKey.extractable).toBe(false);
    expect(made.exportKey.privateKey.extractable).toBe(false);
    expect(made.dpop.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(made.exportKey.privateKey.algorithm).toMatchObject({ name: 'ECDH', namedCurve: 'P-256' });
    expect(await deviceKeys(store, 'k')).toBe(made);
    await store.delete('k');
    expect(await loadDeviceKeys(store, 'k')).toBeUndefined();
  });

  it('default to memory where there is no IndexedDB (Node)', () => {
    expect(defaultStore()).toBeInstanceOf(MemoryStore);
  });
});
