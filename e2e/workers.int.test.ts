/**
 * `healthbank start --workers N`: the built command, as a user runs it. The primary prepares the
 * database and prints the banner once; N worker processes, its children, serve the same ports
 * (which process answered is read from the test environment's JSON log lines, whose `pid` is
 * pino's own); a worker that dies is replaced; SIGTERM stops them all.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openDatabase, verifyAuditLog } from '@healthbank/server';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../packages/cli/src/testing.js';
import { collectOutput, HEALTHBANK_BIN } from './support/process.js';

/**
 * A process writing audit entries as fast as it can, from `startAt` on (the built server, as a
 * worker runs it): each entry reads the chain's head, then appends after it, in one transaction.
 */
const AUDIT_WRITER = `
const [url, startAt, count] = process.argv.slice(1);
const { openDatabase, inTransaction } = await import('@healthbank/server');
const { appendAudit } = await import('@healthbank/server/audit');
const db = await openDatabase(url);
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 5));
for (let i = 0; i < Number(count); i++) {
  await inTransaction(db, (tx) => appendAudit(tx, { type: 'consent.revoked', subject: 'p' + process.pid + '-' + i }, Date.now()));
}
await db.close();
`;

/** The parent process id of `pid` from the process list (/proc, else `ps`), or undefined when it is gone. */
function parentOf(pid: number): number | undefined {
  try {
    // Field 4 of /proc/<pid>/stat, after the command name in parentheses (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self')) return undefined;
  }
  try {
    return Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

/** A GET on a connection of its own (the primary hands out connections, not requests, in turn). */
function getOnce(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('healthbank start --workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthbank-workers-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [['--workers', '0'], /^healthbank: --workers must be a whole number from 1 to 64 \(got "0"\)$/],
    [['--workers', '65'], /^healthbank: --workers must be a whole number from 1 to 64 \(got "65"\)$/],
    [['--workers', 'two'], /^healthbank: --workers must be a whole number from 1 to 64 \(got "two"\)$/],
    [['--workers', '1.5'], /^healthbank: --workers must be a whole number from 1 to 64 \(got "1.5"\)$/],
  ])('refuses start %j in one line, exit code 2, before touching the database', async (args, message) => {
    const database = `sqlite:${join(dir, 'refused.sqlite')}`;
    const res = await runCli(['start', ...args, '--database', database], { NODE_ENV: 'test' });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toMatch(message);
    expect(res.stdout).toBe('');
  });

  it('refuses HEALTHBANK_WORKERS that is not a whole number from 1 to 64', async () => {
    const res = await runCli(['start', '--database', `sqlite:${join(dir, 'refused.sqlite')}`], {
      NODE_ENV: 'test',
      HEALTHBANK_WORKERS: '8x',
    });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe('healthbank: HEALTHBANK_WORKERS must be a whole number from 1 to 64 (got "8x")');
  });

  it('lets two processes write one SQLite file at once: every transaction waits its turn, none fails', async () => {
    // Workers on SQLite share one file. A transaction that read before another process's commit
    // must wait for the write lock, not fail with SQLITE_BUSY(_SNAPSHOT) (db/connection.ts).
    const url = `sqlite:${join(dir, 'shared.sqlite')}`;
    const db = await openDatabase(url);
    await migrateToLatest(db);
    const startAt = String(Date.now() + 1_500);
    const writers = [0, 1].map(() => {
      const writer = spawn(process.execPath, ['--input-type=module', '-e', AUDIT_WRITER, url, startAt, '150'], {
        // The repository root, where `@healthbank/server` resolves to the built package.
        cwd: join(import.meta.dirname, '..'),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      writer.stderr?.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      return new Promise<{ code: number | null; stderr: string }>((resolve) =>
        writer.once('exit', (code) => resolve({ code, stderr })),
      );
    });
    const results = await Promise.all(writers);
    expect(results.map((r) => (r.code === 0 ? 0 : r.stderr))).toEqual([0, 0]);
    try {
      // One chain of 300 entries: neither process forked it or lost an entry.
      expect(await verifyAuditLog(db)).toMatchObject({ ok: true, entries: 300 });
    } finally {
      await db.close();
    }
  });

  it('serves from two worker processes on the same ports, replaces one that dies, and stops them all', async () => {
    const { NODE_ENV: _inherited, ...parent } = process.env;
    const child = spawn(process.execPath, [HEALTHBANK_BIN, 'start', '--workers', '2'], {
      env: {
        ...parent,
        // The test environment logs JSON lines, one per request, each with the answering process's pid.
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        PORT: '0',
        DATABASE_URL: `sqlite:${join(dir, 'workers.sqlite')}`,
        HEALTHBANK_SANDBOX_CITIZENS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const output = collectOutput(child);
    const until = async <T>(find: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = find();
        if (found !== undefined) return found;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no ${what}; stdout:\n${output.stdout}\nstderr:\n${output.stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    /** The pids of the JSON log lines of answered requests from `offset` on. */
    const answeredBy = (offset: number) =>
      new Set(
        output.stdout
          .slice(offset)
          .split('\n')
          .filter((line) => line.includes('"msg":"request completed"'))
          .map((line) => (JSON.parse(line) as { pid: number }).pid),
      );

    const banner = await until(
      () => (/Press Ctrl\+C to stop\./.test(output.stdout) ? output.stdout : undefined),
      'banner',
    );
    // One banner, by the primary.
    expect(banner.match(/healthbank is running/g)).toHaveLength(1);
    const platform = /Platform {3}(http:\/\/localhost:\d+)\//.exec(banner)?.[1] ?? '';
    const sandbox = /Sandbox {4}(http:\/\/127\.0\.0\.1:\d+)\//.exec(banner)?.[1] ?? '';
    const pids = (/Workers {4}2 processes on these ports \(pids (\d+), (\d+)\)/.exec(banner) ?? [])
      .slice(1)
      .map(Number);
    expect(pids).toHaveLength(2);
    // The workers are the primary's children (the process list says so), and different processes.
    expect(pids.map(parentOf)).toEqual([child.pid, child.pid]);
    expect(new Set(pids).size).toBe(2);

    // Each new connection goes to the next worker: both answer, on both realms' ports.
    let offset = output.stdout.length;
    for (let i = 0; i < 4; i++) {
      expect(await getOnce(`${platform.replace('localhost', '127.0.0.1')}/healthz`)).toBe(200);
      expect(await getOnce(`${sandbox}/healthz`)).toBe(200);
    }
    expect(await until(() => (answeredBy(offset).size >= 2 ? answeredBy(offset) : undefined), 'answers')).toEqual(
      new Set(pids),
    );

    // A worker killed outright is replaced, after a pause (the back-off), by a new process.
    const [killed, survivor] = pids as [number, number];
    process.kill(killed, 'SIGKILL');
    await until(
      () =>
        output.stderr.match(new RegExp(`worker ${killed} stopped \\(SIGKILL\\); starting another in 1 s`)) ?? undefined,
      'restart notice',
    );
    const replacement = Number(
      (await until(() => /healthbank: worker (\d+) serving/.exec(output.stderr) ?? undefined, 'replacement'))[1],
    );
    expect([killed, survivor]).not.toContain(replacement);
    expect(parentOf(replacement)).toBe(child.pid);
    expect(parentOf(killed)).toBeUndefined();
    offset = output.stdout.length;
    for (let i = 0; i < 4; i++) expect(await getOnce(`${sandbox}/healthz`)).toBe(200);
    expect(
      await until(() => (answeredBy(offset).size >= 2 ? answeredBy(offset) : undefined), 'answers after the restart'),
    ).toEqual(new Set([survivor, replacement]));

    // SIGTERM stops the workers gracefully, then the primary: nothing is left running.
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect([survivor, replacement].map(parentOf)).toEqual([undefined, undefined]);
    expect(output.stdout.match(/healthbank is running/g)).toHaveLength(1);
  }, 30_000);
});
