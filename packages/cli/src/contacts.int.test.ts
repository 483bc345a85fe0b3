import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCitizenByNationalId, readCitizenContacts } from '@healthbank/server/db';
import { createTestDatabase, type TestDatabase, testDatabases } from '@healthbank/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as cli } from './testing.js';

describe.each(testDatabases())('healthbank contacts on $label', (target) => {
  let t: TestDatabase;
  let nationalIds: string[];

  const contactsOf = async (nationalId: string) => {
    const citizen = await findCitizenByNationalId(t.db, nationalId);
    if (!citizen) throw new Error('fixture citizen missing');
    return readCitizenContacts(t.db, citizen.id);
  };

  beforeAll(async () => {
    t = await createTestDatabase(target);
    const seeded = await cli([
      'seed',
      '--citizens',
      '3',
      '--no-personas',
      '--seed',
      'contacts-test',
      '--as-of',
      '2026-11-01',
      '--database',
      t.url,
    ]);
    expect(seeded.code).toBe(0);
    const rows = await t.db.kysely.selectFrom('citizens').select('national_id').orderBy('id').execute();
    nationalIds = rows.map((r) => r.national_id);
    expect(nationalIds).toHaveLength(3);
  });
  afterAll(() => t.dispose());

  it('sets both contacts, normalised, and prints them masked', async () => {
    const [id] = nationalIds as [string];
    const res = await cli(['contacts', 'set', id, '--email', 'Citizen@Example.TW', '--mobile', '0912-345-678'], {
      DATABASE_URL: t.url,
    });
    expect(res).toEqual({
      code: 0,
      stdout: 'contacts saved: e-mail C***@example.tw, mobile +8869*****678\n',
      stderr: '',
    });
    expect(await contactsOf(id)).toEqual({ email: 'Citizen@example.tw', mobile: '+886912345678' });
  });

  it('replaces one contact and keeps the other', async () => {
    const [, id] = nationalIds as [string, string];
    await cli(['contacts', 'set', id, '--email', 'old@example.tw', '--mobile', '0912345678', '--database', t.url]);
    const res = await cli(['contacts', 'set', id, '--email', 'new@example.tw', '--database', t.url]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('contacts saved: e-mail n***@example.tw, mobile +8869*****678\n');
    expect(await contactsOf(id)).toEqual({ email: 'new@example.tw', mobile: '+886912345678' });
  });

  it.each([
    [['contacts', 'set', 'A123456788', '--email', 'x@example.tw'], /^healthbank: invalid national ID/],
    [['contacts', 'set', 'A123456789', '--email', 'x@example.tw'], /^healthbank: no citizen with this national ID/],
    [['contacts', 'set', '<id>'], /^healthbank: nothing to set/],
    [['contacts', 'set', '<id>', '--email', 'not-an-address'], /^healthbank: --email: not a valid e-mail address/],
    [['contacts', 'set', '<id>', '--mobile', '0212345678'], /^healthbank: --mobile: not a Taiwanese mobile number/],
    [
      ['contacts', 'set', '<id>', '--email', 'fine@example.tw', '--mobile', '12345'],
      /^healthbank: --mobile: not a Taiwanese mobile number/,
    ],
    [['contacts', 'set', '<id>', '--fax', '0212345678'], /unknown option '--fax'/],
  ])('refuses %j with one line and exit code 2, changing nothing', async (args, message) => {
    const id = nationalIds[2] as string;
    await cli(['contacts', 'set', id, '--email', 'kept@example.tw', '--database', t.url]);
    const before = await contactsOf(id);
    const res = await cli([...args.map((a) => (a === '<id>' ? id : a)), '--database', t.url]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).not.toContain(id);
    expect(res.stderr).not.toMatch(/A12345678\d/);
    expect(res.stderr).not.toContain('not-an-address');
    expect(res.stdout).toBe('');
    expect(await contactsOf(id)).toEqual(before);
  });
});

describe('healthbank contacts without a usable database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthbank-cli-contacts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('does not even create the database when the input is invalid', async () => {
    const path = join(dir, 'never.sqlite');
    for (const args of [
      ['contacts', 'set', 'not-an-id', '--email', 'x@example.tw'],
      ['contacts', 'set', 'A123456789', '--email', 'x@'],
    ]) {
      const res = await cli([...args, '--database', `sqlite:${path}`]);
      expect(res.code).toBe(2);
    }
    expect(existsSync(path)).toBe(false);
  });

  it('lists the command in the help', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('contacts');
    const sub = await cli(['contacts', 'set', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--mobile <number>');
  });
});
