/**
 * The load generator's child process (see `runner.ts`): receives one job over IPC, has its kind
 * prepare the requests, runs the warm-up and the measured phase as a closed loop, sends the result
 * back and exits.
 */
import { Agent, request } from 'node:http';
import type { LoadJob, LoadMessage, LoadResult, PhaseBounds, PhaseResult } from './job.js';
import { type Kind, kindFor, type Prepared, type Take } from './kinds.js';

function send(agent: Agent, origin: URL, req: Prepared): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = req.body ? { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) } : req.headers;
    const r = request(
      { agent, host: origin.hostname, port: origin.port, method: req.method, path: req.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/**
 * One phase: `concurrency` lanes, each sending its next request when the previous one is fully
 * answered. A measured phase tells the parent when it starts and ends, so the parent can account
 * CPU time, and measures the child's own CPU for the same span.
 */
async function drive(
  agent: Agent,
  job: LoadJob,
  kind: Kind,
  take: Take,
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
    bodyBytes: [],
    statuses: {},
    exhausted: false,
  };
  const start = performance.now();
  const deadline = start + bounds.maxMs;
  let left = bounds.maxRequests ?? Number.POSITIVE_INFINITY;
  const lane = async () => {
    while (performance.now() < deadline && left > 0) {
      const req = take();
      if (!req) {
        result.exhausted = true;
        return;
      }
      left -= 1;
      const t0 = performance.now();
      const { status, body } = await send(agent, origin, req);
      const ms = performance.now() - t0;
      result.requests += 1;
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (kind.judge(status, body)) {
        result.latenciesMs.push(ms);
        result.bodyBytes.push(body.length);
      } else {
        result.failed += 1;
        result.firstFailure ??= `${status} ${body.toString('utf8').slice(0, 300)}`;
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

async function run(job: LoadJob): Promise<Omit<LoadResult, 'cpu'>> {
  // The job's bound spans both phases: a phase that reaches it has run out of requests.
  let budget = job.maxRequests;
  const limited =
    (take: Take): Take =>
    () => {
      if (budget <= 0) return undefined;
      const req = take();
      if (req) budget -= 1;
      return req;
    };
  const kind = await kindFor(job, () => budget);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  try {
    const warmup = await drive(agent, job, kind, limited(await kind.warmup()), job.warmup, false);
    const take = limited(await kind.measured(warmup));
    const measured = await drive(agent, job, kind, take, job.measured, true);
    return { warmup, measured, prepared: kind.signedAhead(measured) };
  } finally {
    agent.destroy();
  }
}

function tell(message: LoadMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('run this through runLoad (runner.ts)'));
    process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

function reply(message: LoadMessage): void {
  tell(message).then(
    () => process.exit(0),
    () => process.exit(1),
  );
}

// Without its parent there is nobody to report to.
process.once('disconnect', () => process.exit(0));
process.once('message', (job: LoadJob) => {
  run(job).then(
    (result) => reply({ type: 'result', result }),
    (error: unknown) => reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
