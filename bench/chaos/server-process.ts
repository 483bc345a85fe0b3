/**
 * The platform as a real, separate process: `healthbank start` (the CLI's own start, as a
 * developer runs it) in development mode, production and sandbox realms, over the given database.
 * It can be killed with SIGKILL at any moment and started again over the same database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..');
const CLI = join(REPO, 'packages', 'cli', 'dist', 'bin.js');

/** How long a start may take before the run gives up on it (a first start seeds the sandbox). */
const START_LIMIT_MS = 120_000;

export interface ServerOptions {
  databaseUrl: string;
  /** Production's port. */
  port: number;
  /** The sandbox realm's port (where the load goes). */
  sandboxPort: number;
  /** Synthetic citizens seeded into an empty database by the first start. */
  citizens: number;
  /** Where the server's stderr and stdout go (appended across restarts). */
  logFile: string;
  /** Server processes on the ports (`healthbank start --workers`); 1 when left out. */
  workers?: number;
}

export class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private readonly log: WriteStream;
  /** The sandbox realm's origin: the synthetic citizens' sign-in and the sandbox apps. */
  readonly sandboxUrl: string;

  constructor(private readonly opts: ServerOptions) {
    this.sandboxUrl = `http://127.0.0.1:${opts.sandboxPort}`;
    this.log = createWriteStream(opts.logFile, { flags: 'a' });
  }

  /** The process `healthbank start` runs in (with workers, their primary). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves once the sandbox answers its health check; returns how long that took. */
  async start(): Promise<number> {
    if (this.running) throw new Error('the server is already running');
    const started = performance.now();
    const workers = this.opts.workers ?? 1;
    const child = spawn(process.execPath, [CLI, 'start', ...(workers > 1 ? ['--workers', String(workers)] : [])], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'development',
        DATABASE_URL: this.opts.databaseUrl,
        PORT: String(this.opts.port),
        SANDBOX_PORT: String(this.opts.sandboxPort),
        PUBLIC_URL: `http://127.0.0.1:${this.opts.port}`,
        SANDBOX_PUBLIC_URL: this.sandboxUrl,
        HEALTHBANK_SANDBOX_CITIZENS: String(this.opts.citizens),
        HEALTHBANK_EXAMPLES: 'false',
        // The load's citizens come through a proxy on loopback, each journey from its own address
        // (`x-forwarded-for`), so per-address sign-in limits apply to each as to real citizens. The
        // OAuth limit counts the app's own requests, which all come from the one load generator.
        TRUSTED_PROXIES: '127.0.0.1',
        HEALTHBANK_OAUTH_RATE_LIMIT: '1000000',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    while (performance.now() - started < START_LIMIT_MS) {
      if (!this.running) throw new Error(`the server exited while starting (see ${this.opts.logFile})`);
      if (await this.healthy()) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the server did not become healthy within ${START_LIMIT_MS} ms`);
  }

  /** True when the sandbox's `/healthz` answers 200 (the database included). */
  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.sandboxUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** `kill -9`: no shutdown hook, no flush, no goodbye. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }

  /** A graceful stop (SIGTERM), at the end of a run. */
  async stop(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGTERM');
    const timeout = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timeout);
    this.child = undefined;
  }

  close(): void {
    this.log.end();
  }
}
