/**
 * The example apps with backends of their own (SPEC §4.5): tele-consultation and workplace health.
 * Each is a separate process on its own origin, as a partner's app would be; `healthbank start`
 * runs them beside a development sandbox and stops them with it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ExampleOrigin } from '@healthbank/server';

/** Where the built examples are (from src/ and dist/ alike). */
export const EXAMPLES_DIR = resolve(import.meta.dirname, '../../../../examples');

export const EXAMPLE_APPS: readonly { name: ExampleOrigin; title: string }[] = [
  { name: 'teleconsult', title: 'B爺爺 shares with a health educator; staff at /educator' },
  { name: 'workplace-health', title: 'C職場 employees; the employer at /dashboard, the nurse at /nurse' },
];

export interface RunningExample {
  name: ExampleOrigin;
  url: string;
  stop(): Promise<void>;
}

/** The example URLs for a sandbox on `sandboxPort`: the next ports, at localhost. */
export function exampleUrls(sandboxPort: number): Record<ExampleOrigin, string> {
  return {
    teleconsult: `http://localhost:${sandboxPort + 1}`,
    'workplace-health': `http://localhost:${sandboxPort + 2}`,
  };
}

/** The examples' data beside a SQLite database, or under ./data for PostgreSQL. */
export function exampleDataDir(databaseUrl: string, name: string): string {
  const base = databaseUrl.startsWith('sqlite:') ? dirname(databaseUrl.slice('sqlite:'.length)) : 'data';
  return join(base, 'examples', name);
}

/**
 * Starts one example process and resolves once it listens; rejects (and stops it) when it exits
 * first or takes longer than `timeoutMs`.
 */
export function startExample(
  name: ExampleOrigin,
  o: { issuer: string; url: string; dataDir: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunningExample> {
  const server = join(EXAMPLES_DIR, name, 'dist', 'server.mjs');
  if (!existsSync(server)) return Promise.reject(new Error(`${name} is not built: run npm run build`));
  const url = new URL(o.url);
  const child: ChildProcess = spawn(process.execPath, [server], {
    env: {
      ...(o.env ?? process.env),
      HEALTHBANK_ISSUER: o.issuer,
      EXAMPLE_PORT: url.port,
      EXAMPLE_PUBLIC_URL: url.origin,
      EXAMPLE_DATA_DIR: o.dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not start within ${(o.timeoutMs ?? 15_000) / 1000} s`));
    }, o.timeoutMs ?? 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`${name} listening at`)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolvePromise({ name, url: url.origin, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}): ${output.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}
