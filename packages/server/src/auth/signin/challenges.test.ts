import { describe, expect, it } from 'vitest';
import { checkChallenge, mintChallenge } from './challenges.js';
import { deriveSigninKeys } from './keys.js';

const key = deriveSigninKeys('s'.repeat(40)).challenge;
const scope = { purpose: 'passkey.get', binding: 'uid-1' } as const;
const NOW = Date.UTC(2026, 10, 1);

describe('stateless WebAuthn challenges', () => {
  it('verifies its own challenge until it expires', () => {
    const c = mintChallenge(key, scope, NOW, 60_000);
    expect(Buffer.from(c, 'base64url').length).toBe(56);
    expect(checkChallenge(key, c, scope, NOW + 59_999)).toBe(NOW + 60_000);
    expect(checkChallenge(key, c, scope, NOW + 60_000)).toBeUndefined();
  });

  it('is random: two challenges for the same scope differ', () => {
    expect(mintChallenge(key, scope, NOW, 60_000)).not.toBe(mintChallenge(key, scope, NOW, 60_000));
  });

  it.each([
    ['another purpose', { purpose: 'passkey.create', binding: 'uid-1' } as const, key],
    ['another binding', { purpose: 'passkey.get', binding: 'uid-2' } as const, key],
    ['another server secret', scope, deriveSigninKeys('t'.repeat(40)).challenge],
  ])('refuses a challenge checked for %s', (_name, otherScope, otherKey) => {
    const c = mintChallenge(key, scope, NOW, 60_000);
    expect(checkChallenge(otherKey, c, otherScope, NOW)).toBeUndefined();
  });

  it('refuses a challenge whose expiry was extended or whose bytes were changed', () => {
    const bytes = Buffer.from(mintChallenge(key, scope, NOW, 60_000), 'base64url');
    const extended = Buffer.from(bytes);
    extended.writeBigUInt64BE(BigInt(NOW + 3_600_000), 16);
    expect(checkChallenge(key, extended.toString('base64url'), scope, NOW)).toBeUndefined();
    const flipped = Buffer.from(bytes);
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(checkChallenge(key, flipped.toString('base64url'), scope, NOW)).toBeUndefined();
    expect(checkChallenge(key, 'short', scope, NOW)).toBeUndefined();
    expect(checkChallenge(key, '!!!', scope, NOW)).toBeUndefined();
  });
});
