/**
 * Sandbox only: the one-time code a code page shows (synthetic citizens and the development staff
 * portals have no inbox to read). It is stored beside its challenge (`signin_codes.sandbox_code`,
 * `staff_codes.sandbox_code`, migration 0018), written by the same insert as the challenge, so the
 * page finds it whichever server process answers, the moment the redirect to it is sent: no server
 * keeps codes in its memory (docs/scaling.md, stateless servers).
 *
 * Sealed with AES-256-GCM under a key derived from the realm's secret, the challenge id as the
 * additional data: a database reader learns no code, and a sealed code moved to another challenge
 * does not open (ASVS V11.3.2 approved authenticated encryption; the tables' rule that codes are
 * never stored in clear holds).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The key sandbox codes are sealed with: its own purpose (RFC 5869), never the code digests' key. */
export function shownCodeKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'healthbank', 'auth/sandbox/shown-code', 32));
}

/** The code sealed for the challenge: base64url of IV, ciphertext and tag. */
export function sealShownCode(key: Buffer, challengeId: string, code: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(challengeId, 'utf8'));
  const sealed = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The code, or undefined when the value was not sealed for this challenge under this key. */
export function openShownCode(key: Buffer, challengeId: string, sealed: string | null): string | undefined {
  if (sealed === null) return undefined;
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
      .setAAD(Buffer.from(challengeId, 'utf8'))
      .setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const code = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    return code.toString('utf8');
  } catch {
    return undefined;
  }
}
