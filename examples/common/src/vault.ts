/**
 * Envelope encryption at rest for an example app's backend (OWASP ASVS V11.1, V14.2; NIST SP
 * 800-57 key separation): every stored item gets its own data key (AES-256-GCM), and the data key
 * is stored wrapped by the key-encryption key (KEK), which never enters the database file. A copy
 * of the database alone decrypts nothing; deleting an item's row destroys its data key with it
 * (crypto-shredding). The associated data binds each ciphertext to its row, so sealed values
 * cannot be swapped between people.
 *
 * The KEK comes from the environment (a secret manager or KMS in production) or, for the sandbox,
 * from a key file beside, not inside, the data directory's database (mode 0600).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

/** What a row stores: the wrapped data key and the ciphertext (each with its IV and tag). */
export interface Sealed {
  wrappedKey: Buffer;
  ciphertext: Buffer;
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed[0] !== VERSION || sealed.length < 1 + IV_BYTES + TAG_BYTES) throw new Error('not a sealed value');
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

export class Vault {
  private readonly kek: Buffer;

  constructor(kek: Buffer) {
    if (kek.length !== KEY_BYTES) throw new Error('the key-encryption key is 32 bytes');
    this.kek = kek;
  }

  /** Seals a JSON value for the row named by `aad` (e.g. `patient:<id>`). */
  seal(value: unknown, aad: string): Sealed {
    const dataKey = randomBytes(KEY_BYTES);
    try {
      return {
        wrappedKey: encrypt(this.kek, dataKey, `key|${aad}`),
        ciphertext: encrypt(dataKey, Buffer.from(JSON.stringify(value)), `data|${aad}`),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  /** Opens what `seal` made for the same row; throws when anything was changed or moved. */
  open<T>(sealed: Sealed, aad: string): T {
    const dataKey = decrypt(this.kek, sealed.wrappedKey, `key|${aad}`);
    try {
      return JSON.parse(decrypt(dataKey, sealed.ciphertext, `data|${aad}`).toString('utf8')) as T;
    } finally {
      dataKey.fill(0);
    }
  }
}

/**
 * The KEK: `base64url` from the environment variable when set (production), else the key file,
 * made on first use with mode 0600 (the sandbox). The file must not sit inside the database.
 */
export function loadKek(envValue: string | undefined, keyFile: string): Buffer {
  if (envValue) {
    const key = Buffer.from(envValue, 'base64url');
    if (key.length !== KEY_BYTES) throw new Error('the key-encryption key must be 32 bytes, base64url');
    return key;
  }
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, randomBytes(KEY_BYTES).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return loadKek(readFileSync(keyFile, 'utf8').trim(), keyFile);
}
