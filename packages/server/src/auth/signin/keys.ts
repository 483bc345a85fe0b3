/**
 * Keys for sign-in, each derived from the root secret for one purpose (HKDF, RFC 5869), so a
 * value made for one use (a code digest, a challenge tag) can never be replayed as another.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export type KeyPurpose = 'code' | 'identity' | 'challenge' | 'pending' | 'bucket' | 'user' | 'upstream';

export type SigninKeys = Record<KeyPurpose, Buffer>;

export function deriveSigninKeys(secret: string): SigninKeys {
  const derive = (purpose: KeyPurpose) =>
    Buffer.from(hkdfSync('sha256', secret, 'healthbank', `auth/signin/${purpose}`, 32));
  return {
    code: derive('code'),
    identity: derive('identity'),
    challenge: derive('challenge'),
    pending: derive('pending'),
    bucket: derive('bucket'),
    user: derive('user'),
    upstream: derive('upstream'),
  };
}

/** HMAC-SHA-256 of the parts, separated so that ('ab','c') and ('a','bc') differ. */
export function mac(key: Buffer, ...parts: (string | Buffer)[]): Buffer {
  const h = createHmac('sha256', key);
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    h.update(length).update(bytes);
  }
  return h.digest();
}

/** Constant-time equality of two strings or buffers (ASVS V2.9.3 / V6.2.x: no timing oracle). */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : a;
  const y = typeof b === 'string' ? Buffer.from(b) : b;
  // Compare digests, so unequal lengths take the same time as equal ones.
  const hx = createHmac('sha256', 'eq').update(x).digest();
  const hy = createHmac('sha256', 'eq').update(y).digest();
  return timingSafeEqual(hx, hy);
}
