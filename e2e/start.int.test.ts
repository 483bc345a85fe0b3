/**
 * The README's promise: `npm start` migrates, seeds a sandbox into an empty database, serves, and
 * prints where to go. This runs the built command exactly as `npm start` does (after `npm run build`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, populationStats } from '@healthbank/server';
import { afterAll, describe, expect, it } from 'vitest';
import { collectOutput, HEALTHBANK_BIN, waitForLine } from './support/process.js';

describe('healthbank start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthbank-start-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string> = {}, database = 'hb.sqlite') => {
    const { NODE_ENV: _inherited, ...parent } = process.env;
    const child = spawn(process.execPath, [HEALTHBANK_BIN, 'start'], {
      env: {
        ...parent,
        PORT: '0',
        DATABASE_URL: `sqlite:${join(dir, database)}`,
        HEALTHBANK_SANDBOX_CITIZENS: '40',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  };

  it('seeds an empty database, serves production and the sandbox, and prints their URLs', async () => {
    const child = start();
    const [, url, sandbox, portal] = await waitForLine(
      child,
      /Platform {3}(http:\/\/localhost:\d+)\/[\s\S]*Sandbox {4}(http:\/\/127\.0\.0\.1:\d+)\/[\s\S]*Portal {5}(http:\/\/127\.0\.0\.1:\d+\/me) /,
      120_000,
    );
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });

    const home = await fetch(`${sandbox}/`);
    const page = await home.text();
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    expect(page).toContain('健康存摺 SDK 沙盒');
    // 40 ordinary citizens plus A小姐, B爺爺 and C職場's 60 employees.
    expect(page).toMatch(/data-testid="citizens">102</);
    // Each realm has its own issuer (PORT=0: the issuers keep the configured port, the hosts differ).
    const issuer = async (base: string) =>
      ((await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as { issuer: string }).issuer;
    expect(new URL(await issuer(url as string)).hostname).toBe('localhost');
    expect(new URL(await issuer(sandbox as string)).hostname).toBe('127.0.0.1');
    // The example app is the sandbox's; the developer portal is production's.
    expect((await fetch(`${sandbox}/examples/diabetes-diary/`)).status).toBe(200);
    expect((await fetch(`${url}/examples/diabetes-diary/`)).status).toBe(404);
    expect((await fetch(`${url}/developers`)).status).toBe(200);
    expect((await fetch(`${sandbox}/developers`)).status).toBe(404);
    // The portal it names sends a visitor to sign in.
    expect(portal).toBe(`${sandbox}/me`);
    const signin = await fetch(`${portal}`, { redirect: 'manual' });
    expect(signin.status).toBe(303);

    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('reuses the database on the next start without seeding again', async () => {
    const child = start();
    let output = '';
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const [, sandbox] = await waitForLine(child, /Sandbox {4}(http:\/\/127\.0\.0\.1:\d+)\//, 60_000);
    expect(output).not.toContain('seeding');
    const page = await (await fetch(`${sandbox}/`)).text();
    expect(page).toMatch(/data-testid="citizens">102</);
  });

  it('writes a log for people in development: readable lines, none per request', async () => {
    const child = start({ LOG_LEVEL: 'info' });
    const output = collectOutput(child);
    const [, url] = await waitForLine(child, /Platform {3}(http:\/\/localhost:\d+)\//, 60_000);
    for (const path of ['/', '/healthz', '/no-such-page']) await (await fetch(`${url}${path}`)).arrayBuffer();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    expect(output.stdout).toMatch(/^\d\d:\d\d:\d\d info {2}Server listening at http:\/\/127\.0\.0\.1:\d+$/m);
    expect(output.stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
    expect(output.stdout).not.toMatch(/incoming request|request completed|no-such-page/);
    // oidc-provider supports the LTS lines from 22; on those (CI's second pass runs Node 24) a start is quiet.
    if (Number(process.versions.node.split('.')[0]) >= 22) expect(output.stderr).toBe('');
  });

  it('without a sandbox seeds nothing and registers no example app', async () => {
    const child = start({ HEALTHBANK_SANDBOX: 'false' }, 'plain.sqlite');
    let output = '';
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const [, url] = await waitForLine(child, /Platform {3}(http:\/\/localhost:\d+)\//, 60_000);
    expect(output).not.toContain('seeding');
    expect((await fetch(`${url}/examples/diabetes-diary/`)).status).toBe(404);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    const db = await openDatabase(`sqlite:${join(dir, 'plain.sqlite')}`);
    try {
      expect((await populationStats(db)).citizens).toBe(0);
      const apps = await db.kysely
        .withTables<{ apps: { client_id: string } }>()
        .selectFrom('apps')
        .select('client_id')
        .execute();
      expect(apps).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it.each(['prod', 'Production', 'staging'])(
    'refuses to start with NODE_ENV=%s, in one line, exit code 2',
    async (value) => {
      const child = start({ NODE_ENV: value }, 'refused.sqlite');
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const code = await new Promise((r) => child.once('exit', r));
      expect(code).toBe(2);
      // oidc-provider warns on Node 20 when it is imported; that line is the runtime's, not ours.
      const lines = stderr
        .trim()
        .split('\n')
        .filter((l) => !l.includes('Unsupported runtime'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^healthbank: invalid configuration: NODE_ENV must be development, test or production/);
    },
  );

  it('refuses development settings on a public interface', async () => {
    const child = start({ HOST: '0.0.0.0' }, 'refused.sqlite');
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    expect(await new Promise((r) => child.once('exit', r))).toBe(2);
    expect(stderr).toContain('loopback only');
  });
});
