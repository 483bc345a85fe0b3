/**
 * The SDK the way a React Native app runs it (docs/sdk.md, "React Native and Capacitor"): no
 * IndexedDB, no DecompressionStream, WebCrypto installed on `globalThis.crypto` by a polyfill, and a
 * store of the app's own that persists plain data as strings (as AsyncStorage does) and keeps the
 * device's CryptoKeys in memory (as a key-holding native module would). Connect, fetch, revoke.
 * The crypto polyfill is Node's WebCrypto behind a recording wrapper, so the test also pins the
 * exact primitives such a polyfill must provide.
 */
import { webcrypto } from 'node:crypto';
import { configure, type SdkStore } from '@healthbank/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeInBrowser,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  type TestPlatform,
} from '../auth/testing.js';

const holdsKey = (value: unknown): boolean =>
  value instanceof CryptoKey ||
  (typeof value === 'object' && value !== null && Object.values(value).some((v) => holdsKey(v)));

/** AsyncStorage-like: strings only. CryptoKeys cannot be written as strings, so they stay in memory. */
class MobileStore implements SdkStore {
  readonly strings = new Map<string, string>();
  private readonly keys = new Map<string, unknown>();

  async get<T>(key: string): Promise<T | undefined> {
    if (this.keys.has(key)) return this.keys.get(key) as T;
    const text = this.strings.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }
  async set<T>(key: string, value: T): Promise<void> {
    if (holdsKey(value)) this.keys.set(key, value);
    else this.strings.set(key, JSON.stringify(value));
  }
  async delete(key: string): Promise<void> {
    this.keys.delete(key);
    this.strings.delete(key);
  }
}

/** What the SDK asked of crypto.subtle: `method algorithm`. */
const used = new Set<string>();
const algorithmName = (a: unknown) => (typeof a === 'string' ? a : ((a as { name?: string })?.name ?? '?'));
const recordingSubtle = new Proxy(webcrypto.subtle, {
  get(target, method: string) {
    const real = (target as unknown as Record<string, unknown>)[method];
    if (typeof real !== 'function') return real;
    return (...args: unknown[]) => {
      // The platform runs in this process too; only the SDK's own calls count.
      if (new Error().stack?.includes('/packages/sdk/')) {
        const algorithm = method === 'importKey' ? args[2] : method === 'exportKey' ? 'jwk' : args[0];
        used.add(`${method} ${algorithmName(algorithm)}`);
      }
      return (real as (...a: unknown[]) => unknown).apply(target, args);
    };
  },
});

describe('the SDK in a mobile runtime (React Native shape)', () => {
  let platform: TestPlatform;
  const saved = { crypto: globalThis.crypto, DecompressionStream: globalThis.DecompressionStream };

  beforeAll(async () => {
    platform = await startTestPlatform({ dialect: 'sqlite', label: 'sqlite' });
    await registerTestApp(platform, { clientId: 'mobile-app', clientType: 'public', categories: ['lab'] });
    // What react-native-quick-crypto's install() does: a WebCrypto on the global; and no streams.
    Object.defineProperty(globalThis, 'crypto', {
      value: {
        subtle: recordingSubtle,
        getRandomValues: webcrypto.getRandomValues.bind(webcrypto),
        randomUUID: webcrypto.randomUUID.bind(webcrypto),
      },
      configurable: true,
    });
    Object.defineProperty(globalThis, 'DecompressionStream', { value: undefined, configurable: true });
  });
  afterAll(async () => {
    Object.defineProperty(globalThis, 'crypto', { value: saved.crypto, configurable: true });
    Object.defineProperty(globalThis, 'DecompressionStream', { value: saved.DecompressionStream, configurable: true });
    await platform?.close();
  });

  it('connects, fetches verified records and revokes with an injected store and crypto', async () => {
    const store = new MobileStore();
    const hb = configure({ issuer: platform.url, clientId: 'mobile-app', redirectUri: TEST_REDIRECT_URI, store });
    const { authorizationUrl } = await hb.start({ categories: ['lab'], navigate: false });
    const { callback } = await authorizeInBrowser(platform, authorizationUrl, {
      consent: { acknowledge: 'yes', period: 'all', duration: 'once', category: ['lab'] },
    });
    if (!callback) throw new Error('the consent flow did not come back');
    const ticket = await hb.handleRedirect(callback);
    const data = await hb.fetchData(ticket);
    expect(data.records.lab?.length).toBeGreaterThan(0);
    expect(data.claims.counts).toEqual({ lab: data.records.lab?.length });

    // Plain data went to the string store; no private key material was ever written as a string.
    expect(store.strings.size).toBeGreaterThan(0);
    for (const text of store.strings.values()) expect(text).not.toMatch(/"d":/);

    await hb.revoke();
    await expect(hb.fetchData(ticket)).rejects.toMatchObject({ code: expect.any(String) });

    // The primitives a mobile WebCrypto polyfill must provide (docs/sdk.md lists the same).
    expect([...used].sort()).toEqual(
      expect.arrayContaining([
        'decrypt AES-GCM',
        'deriveBits ECDH',
        'digest SHA-256',
        'generateKey ECDH',
        'generateKey ECDSA',
        'importKey AES-GCM',
        'importKey ECDH',
        'sign ECDSA',
        'verify ECDSA',
      ]),
    );
    const allowed =
      /^(decrypt|deriveBits|digest|exportKey|generateKey|importKey|sign|verify) (AES-GCM|ECDH|ECDSA|Ed25519|SHA-256|jwk)$/;
    expect([...used].filter((u) => !allowed.test(u))).toEqual([]);
  });
});
