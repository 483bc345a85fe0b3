/**
 * The export load generator's child process (see `export-load.ts`): receives one job over IPC,
 * signs a DPoP proof for every file it may fetch, runs the warm-up and the measured phase, sends
 * the result back and exits.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { importJWK, type JWK, SignJWT } from 'jose';
import type { ExportLoadJob, ExportLoadMessage, ExportLoadResult, PhaseBounds, PhaseResult } from './export-load.js';

interface Prepared {
  path: string;
  proof: string;
}

/** A compact JWE: five base64url parts, the encrypted key empty (ECDH-ES direct). */
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function send(agent: Agent, origin: URL, req: Prepared): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        method: 'GET',
        path: req.path,
        headers: { accept: 'application/jose', dpop: req.proof },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end();
  });
}

/** Signs one proof per file the tickets may give, taking the tickets in turn, up to `max`. */
async function prepare(job: ExportLoadJob, max: number): Promise<Prepared[]> {
  const { kty, crv, x, y } = job.dpopKey;
  const jwk: JWK = { kty, crv, x, y };
  const key = await importJWK(job.dpopKey, 'ES256');
  const prepared: Prepared[] = [];
  const rounds = Math.max(0, ...job.tickets.map((t) => t.files));
  for (let round = 0; round < rounds; round++) {
    for (const { ticket, files } of job.tickets) {
      if (round >= files || prepared.length >= max) continue;
      const htu = `${job.origin}/api/export/files/${ticket}`;
      const proof = await new SignJWT({ htm: 'GET', htu, jti: randomUUID() })
        .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
        .setIssuedAt()
        .sign(key);
      prepared.push({ path: `/api/export/files/${ticket}?format=${job.format}`, proof });
    }
  }
  return prepared;
}

/** Runs one phase over the pool from `pool.next` on; a measured phase reports its start and end. */
async function drive(
  agent: Agent,
  job: ExportLoadJob,
  pool: { items: Prepared[]; next: number },
  bounds: PhaseBounds,
  measured: boolean,
): Promise<PhaseResult> {
  const cpuAtStart = process.cpuUsage();
  if (measured) await tell({ type: 'measuring' });
  const origin = new URL(job.origin);
  const result: PhaseResult = {
    requests: 0,
    failed: 0,
    elapsedMs: 0,
    latenciesMs: [],
    fileBytes: [],
    statuses: {},
    exhausted: false,
  };
  const start = performance.now();
  const deadline = start + bounds.maxMs;
  let budget = bounds.maxRequests;
  const lane = async () => {
    while (performance.now() < deadline && budget > 0) {
      const req = pool.items[pool.next];
      if (!req) {
        result.exhausted = true;
        return;
      }
      pool.next += 1;
      budget -= 1;
      const t0 = performance.now();
      const { status, body } = await send(agent, origin, req);
      const ms = performance.now() - t0;
      result.requests += 1;
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (status === 200 && COMPACT_JWE.test(body)) {
        result.latenciesMs.push(ms);
        result.fileBytes.push(body.length);
      } else {
        result.failed += 1;
        result.firstFailure ??= `${status} ${body.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  result.elapsedMs = performance.now() - start;
  if (measured) {
    const cpu = process.cpuUsage(cpuAtStart);
    await tell({ type: 'measured', generatorCpuMs: (cpu.user + cpu.system) / 1000 });
  }
  return result;
}

async function run(job: ExportLoadJob): Promise<Omit<ExportLoadResult, 'cpu'>> {
  const t0 = performance.now();
  const items = await prepare(job, job.warmup.maxRequests + job.measured.maxRequests);
  const prepared = { requests: items.length, ms: performance.now() - t0 };
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const pool = { items, next: 0 };
  try {
    const warmup = await drive(agent, job, pool, job.warmup, false);
    const measured = await drive(agent, job, pool, job.measured, true);
    return { warmup, measured, prepared };
  } finally {
    agent.destroy();
  }
}

function tell(message: ExportLoadMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('run this through runExportLoad (export-load.ts)'));
    process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

function reply(message: ExportLoadMessage): void {
  tell(message).then(
    () => process.exit(0),
    () => process.exit(1),
  );
}

// Without its parent there is nobody to report to.
process.once('disconnect', () => process.exit(0));
process.once('message', (job: ExportLoadJob) => {
  run(job).then(
    (result) => reply({ type: 'result', result }),
    (error: unknown) => reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
