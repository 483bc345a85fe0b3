import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CATEGORY_IDS } from '@healthbank/records';
import { openDatabase, populationStats } from '@healthbank/server/db';
import { createTestDatabase, type TestDatabase, testDatabases } from '@healthbank/server/testing';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';
import { runCli as cli } from './testing.js';

const BIN = resolve(import.meta.dirname, 'bin.ts');

describe.each(testDatabases())('healthbank CLI on $label', (target) => {
  let t: TestDatabase;
  let personas: { A小姐: string; B爺爺: string; C職場: string[] };

  beforeAll(async () => {
    t = await createTestDatabase(target, { migrate: false });
    const migrated = await cli(['migrate', '--database', t.url]);
    expect(migrated.code).toBe(0);
    const seeded = await cli([
      'seed',
      '--citizens',
      '30',
      '--seed',
      'cli-test',
      '--as-of',
      '2026-11-01',
      '--database',
      t.url,
    ]);
    expect(seeded.stderr).toMatch(/seeded 92 citizens and [\d,]+ records/);
    // The personas' past with the sandbox diary (its answered deletion request needs the built diary).
    expect(seeded.stderr).toMatch(/gave the personas a history: 3 consents, 5 files, 1 revocation/);
    expect(seeded.code).toBe(0);
    const listed = await cli(['personas'], { DATABASE_URL: t.url });
    expect(listed.code).toBe(0);
    personas = JSON.parse(listed.stdout);
  });
  afterAll(() => t.dispose());

  it('reports an up-to-date schema on a second migrate', async () => {
    const again = await cli(['migrate', '--database', t.url]);
    expect(again).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
  });

  it('lists the personas with the workplace as 60 employees', () => {
    expect(Object.keys(personas).sort()).toEqual(['A小姐', 'B爺爺', 'C職場']);
    expect(personas.A小姐).toMatch(/^[A-Z][12]\d{8}$/);
    expect(personas.B爺爺).toMatch(/^[A-Z]1\d{8}$/);
    expect(personas.C職場).toHaveLength(60);
  });

  it('prints exactly the requested categories and period', async () => {
    const res = await cli([
      'records',
      personas.A小姐,
      '--categories',
      'lab,outpatient',
      '--from',
      '2020-01-01',
      '--to',
      '2023-12-31',
      '--database',
      t.url,
    ]);
    expect(res.code).toBe(0);
    const records = JSON.parse(res.stdout) as Record<string, { date: string; category: string }[]>;
    expect(Object.keys(records).sort()).toEqual(['lab', 'outpatient']);
    const all = Object.values(records).flat();
    expect(all.length).toBeGreaterThan(10);
    for (const r of all) {
      expect(r.date >= '2020-01-01' && r.date <= '2023-12-31').toBe(true);
      expect(['lab', 'outpatient']).toContain(r.category);
    }
  });

  it('prints every category by default', async () => {
    const res = await cli(['records', personas.B爺爺, '--database', t.url]);
    const records = JSON.parse(res.stdout) as Record<string, unknown[]>;
    expect(Object.keys(records).every((k) => (CATEGORY_IDS as readonly string[]).includes(k))).toBe(true);
    expect(records.inpatient?.length).toBeGreaterThan(0);
  });

  it('leaves out excluded institutions', async () => {
    const all = JSON.parse(
      (await cli(['records', personas.B爺爺, '--categories', 'outpatient', '--database', t.url])).stdout,
    );
    const visits = all.outpatient as { institution: { code: string } }[];
    const code = visits[0]?.institution.code as string;
    const res = await cli([
      'records',
      personas.B爺爺,
      '--categories',
      'outpatient',
      '--exclude',
      code,
      '--database',
      t.url,
    ]);
    const kept = JSON.parse(res.stdout).outpatient as { institution: { code: string } }[];
    expect(kept.length).toBe(visits.filter((v) => v.institution.code !== code).length);
    expect(kept.some((v) => v.institution.code === code)).toBe(false);
  });

  it('says which port is in use and what to do, exit 2', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;
    try {
      const res = await cli(['start', '--port', String(port), '--database', t.url]);
      expect(res.code).toBe(2);
      expect(res.stderr).toBe(
        `healthbank: port ${port} is already in use (127.0.0.1:${port}): stop the program using it, or choose another port with --port or PORT\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('ends quietly when its reader stops early (| head)', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=@healthbank/source', '--import', 'tsx', BIN, 'records', personas.B爺爺, '--database', t.url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    // Like `head -c 1`: read the first chunk of a file far larger than a pipe's buffer, then close.
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = await once(child, 'exit');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it.each([
    [['records', 'A123456788'], /^healthbank: invalid national ID/],
    [['records', 'A123456789', '--categories', 'lab,xray'], /^healthbank: unknown category "xray"/],
    [['records', 'A123456789', '--from', '2024-01-01', '--to', '2023-01-01'], /^healthbank: inverted period/],
    [['records', 'A123456789', '--from', '2024-02-30'], /^healthbank: invalid start date/],
    [['records', 'A123456789', '--exclude', '12345'], /^healthbank: invalid institution code/],
    [['records', 'A123456789'], /^healthbank: no citizen with this national ID/],
    [['seed', '--citizens', 'many'], /^healthbank: --citizens must be a whole number/],
    [['seed', '--citizens', '10'], /^healthbank: the database already holds 92 citizens/],
  ])('refuses %j with one line and exit code 2, changing nothing', async (args, message) => {
    const before = await populationStats(t.db);
    const res = await cli([...args, '--database', t.url]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).not.toMatch(/A12345678\d/);
    expect(await populationStats(t.db)).toEqual(before);
  });
});

describe('healthbank CLI without a usable database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthbank-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('does not even create the database when the input is invalid', async () => {
    const path = join(dir, 'never.sqlite');
    const res = await cli(['records', 'not-an-id', '--database', `sqlite:${path}`]);
    expect(res.code).toBe(2);
    expect(existsSync(path)).toBe(false);
  });

  it('reports an unreachable database in one line without its password', async () => {
    const res = await cli(['personas', '--database', 'postgres://hb:s3cret@127.0.0.1:1/hb']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^healthbank: cannot connect to PostgreSQL at 127.0.0.1:1\/hb/);
    expect(res.stderr).not.toContain('s3cret');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects a database URL it does not understand', async () => {
    const res = await cli(['migrate', '--database', 'mysql://x']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says a database is missing, creating neither the file nor its folder', async () => {
    const path = join(dir, 'absent', 'healthbank.sqlite');
    for (const args of [
      ['personas'],
      ['records', 'A123456789'],
      ['contacts', 'set', 'A123456789', '--mobile', '0912345678'],
    ]) {
      const res = await cli([...args, '--database', `sqlite:${path}`]);
      expect(res).toMatchObject({ code: 2, stdout: '' });
      expect(res.stderr).toMatch(/^healthbank: no database at .*: start the platform once \(npm start\)/);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(dir, 'absent'))).toBe(false);
  });

  it('says an unmigrated database is empty instead of "no such table", and leaves it empty', async () => {
    const path = join(dir, 'empty.sqlite');
    writeFileSync(path, '');
    const res = await cli(['personas', '--database', `sqlite:${path}`]);
    expect(res).toMatchObject({ code: 2, stdout: '' });
    expect(res.stderr).toMatch(/^healthbank: the database is empty: start the platform once/);
    const db = await openDatabase(`sqlite:${path}`);
    const tables = await sql<{ name: string }>`select name from sqlite_master`.execute(db.kysely);
    await db.close();
    expect(tables.rows).toEqual([]);
  });

  it("is on the PATH of npm scripts and npx after npm ci (the README's npx healthbank)", () => {
    const root = resolve(import.meta.dirname, '..', '..', '..');
    const help = spawnSync('npx', ['--no-install', 'healthbank', '--help'], { cwd: root, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: healthbank \[options\] \[command\]/);
  });

  it('gives every command --help with examples', async () => {
    const leaves = (command: Command, path: string[] = []): string[][] =>
      command.commands.length === 0 ? [path] : command.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
    const commands = leaves(buildProgram((await import('./io.js')).processIo));
    expect(commands.length).toBeGreaterThanOrEqual(9);
    for (const path of commands) {
      const help = await cli([...path, '--help']);
      expect(help.code, path.join(' ')).toBe(0);
      expect(help.stdout, path.join(' ')).toMatch(new RegExp(`Examples:\\n {2}\\$ .*healthbank ${path.join(' ')}`));
    }
  });

  it('exits 2 on an unknown command, in the one error format, and 0 for help', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("healthbank: unknown command 'frobnicate' (see healthbank --help)\n");
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('records');
  });
});
