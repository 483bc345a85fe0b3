import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKek, Vault } from './vault.js';

describe('the vault (envelope encryption at rest)', () => {
  const vault = new Vault(randomBytes(32));
  const value = { drug: '脈優錠5毫克', atc: 'C08CA01' };

  it('opens what it sealed, and the sealed bytes hold no plaintext', () => {
    const sealed = vault.seal(value, 'patient:1');
    expect(vault.open(sealed, 'patient:1')).toEqual(value);
    const bytes = Buffer.concat([sealed.wrappedKey, sealed.ciphertext]);
    expect(bytes.includes(Buffer.from('C08CA01'))).toBe(false);
    expect(bytes.includes(Buffer.from('脈優錠'))).toBe(false);
  });

  it('refuses a value moved to another row, a changed byte, or another KEK', () => {
    const sealed = vault.seal(value, 'patient:1');
    expect(() => vault.open(sealed, 'patient:2')).toThrow();
    const changed = Buffer.from(sealed.ciphertext);
    changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 1;
    expect(() => vault.open({ ...sealed, ciphertext: changed }, 'patient:1')).toThrow();
    expect(() => new Vault(randomBytes(32)).open(sealed, 'patient:1')).toThrow();
  });

  it('makes a key file readable by its owner only, and reads the same key again', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vault-')), 'keys', 'kek');
    const first = loadKek(undefined, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadKek(undefined, file).equals(first)).toBe(true);
    expect(loadKek(readFileSync(file, 'utf8'), '/nonexistent').equals(first)).toBe(true);
    expect(() => loadKek('c2hvcnQ', file)).toThrow(/32 bytes/);
  });
});
