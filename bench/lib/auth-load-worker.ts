/**
 * The load generator's child process (see `auth-load.ts`): receives one job over IPC, prepares
 * its requests, runs the warm-up and the measured phase, sends the result back and exits.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { importJWK, type JWK, SignJWT } from 'jose';
import type { LoadJob, LoadMessage, LoadResult, PhaseResult, TokenCredentials } from './auth-load.js';

interface Prepared {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** A successful answer is a 200 whose body contains this. */
  expect: string;
}

/** Hands out prepared requests until they run out (`undefined`). */
type Take = () => Prepared | undefined;

/** Token requests signed ahead per second of warm-up (ample: the target is 300 a second). */
const WARMUP_SIGNED_PER_SECOND = 1500;

function send(agent: Agent, origin: URL, req: Prepared): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = req.body ? { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) } : req.headers;
    const r = request(
      { agent, host: origin.hostname, port: origin.port, method: req.method, path: req.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/**
 * `concurrency` lanes, each sending its next request when the previous one is fully answered.
 * A measured phase tells the parent when it starts and ends, so the parent can account CPU time.
 */
async function drive(
  agent: Agent,
  job: LoadJob,
  take: Take,
  durationMs: number,
  measured = false,
): Promise<PhaseResult> {
  const cpuAtStart = process.cpuUsage();
  if (measured) await tell({ type: 'measuring' });
  const origin = new URL(job.origin);
  const result: PhaseResult = { requests: 0, failed: 0, elapsedMs: 0, latenciesMs: [], statuses: {}, exhausted: false };
  const start = performance.now();
  const deadline = start + durationMs;
  const lane = async () => {
    while (performance.now() < deadline) {
      const req = take();
      if (!req) {
        result.exhausted = true;
        return;
      }
      const t0 = performance.now();
      const { status, body } = await send(agent, origin, req);
      const ms = performance.now() - t0;
      result.requests += 1;
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (status === 200 && body.includes(req.expect)) {
        result.latenciesMs.push(ms);
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

/** Signs a fresh client assertion (RFC 7523) and DPoP proof (RFC 9449) for one token request. */
async function tokenSigner(credentials: TokenCredentials) {
  const clientKey = await importJWK(credentials.clientKey, 'ES256');
  const dpopKey = await importJWK(credentials.dpopKey, 'ES256');
  const { kty, crv, x, y } = credentials.dpopKey;
  const dpopPublic: JWK = { kty, crv, x, y };
  const { clientId, issuer } = credentials;
  const tokenPath = new URL(credentials.tokenEndpoint).pathname;
  return async (params: Record<string, string>): Promise<Prepared> => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: String(credentials.clientKey.kid) })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .sign(clientKey);
    const proof = await new SignJWT({ htm: 'POST', htu: credentials.tokenEndpoint, jti: randomUUID() })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: dpopPublic })
      .setIssuedAt(now)
      .sign(dpopKey);
    const body = new URLSearchParams({
      ...params,
      client_id: clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }).toString();
    return {
      method: 'POST',
      path: tokenPath,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', dpop: proof },
      body,
      expect: '"access_token"',
    };
  };
}

/** Prepares `count` requests from `make` and returns a taker over them. */
async function pool(count: number, make: (i: number) => Promise<Prepared>): Promise<{ take: Take; ms: number }> {
  const t0 = performance.now();
  const items: Prepared[] = [];
  for (let i = 0; i < count; i++) items.push(await make(i));
  const ms = performance.now() - t0;
  let next = 0;
  return { take: () => items[next++], ms };
}

async function run(job: LoadJob): Promise<Omit<LoadResult, 'cpu'>> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const target = job.target;
  let budget = job.maxRequests;
  const limited =
    (take: Take): Take =>
    () => {
      if (budget <= 0) return undefined;
      const req = take();
      if (req) budget -= 1;
      return req;
    };
  try {
    if (target.kind === 'get') {
      const req: Prepared = { method: 'GET', path: target.path, headers: target.headers, expect: target.expect };
      const warmup = await drive(
        agent,
        job,
        limited(() => req),
        job.warmupMs,
      );
      const measured = await drive(
        agent,
        job,
        limited(() => req),
        job.durationMs,
        true,
      );
      return { warmup, measured, prepared: { requests: 0, ms: 0 } };
    }
    const sign = await tokenSigner(target.credentials);
    if (target.kind === 'refresh') {
      const make = () => sign({ grant_type: 'refresh_token', refresh_token: target.refreshToken });
      const warmPool = await pool(Math.min(budget, Math.ceil((job.warmupMs / 1000) * WARMUP_SIGNED_PER_SECOND)), make);
      const warmup = await drive(agent, job, limited(warmPool.take), job.warmupMs);
      // Enough for the measured phase at three times the warm-up's rate (the code is still
      // being optimised during the warm-up), within the job's bound.
      const rate = warmup.requests / Math.max(1, warmup.elapsedMs);
      const count = Math.min(budget, Math.ceil(rate * job.durationMs * 3) + 50 * job.concurrency);
      const measuredPool = await pool(count, make);
      const measured = await drive(agent, job, limited(measuredPool.take), job.durationMs, true);
      return { warmup, measured, prepared: { requests: count, ms: measuredPool.ms } };
    }
    // Codes: the first `warmupCodes` warm the grant's code up, the rest are measured.
    const codePool = await pool(Math.min(budget, target.codes.length), (i) => {
      const { code, verifier } = target.codes[i] as { code: string; verifier: string };
      return sign({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: target.redirectUri,
      });
    });
    let warmupLeft = target.warmupCodes;
    const warmup = await drive(
      agent,
      job,
      limited(() => (warmupLeft-- > 0 ? codePool.take() : undefined)),
      job.warmupMs,
    );
    const measured = await drive(agent, job, limited(codePool.take), job.durationMs, true);
    return { warmup, measured, prepared: { requests: measured.requests, ms: codePool.ms } };
  } finally {
    agent.destroy();
  }
}

function tell(message: LoadMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('run this through runLoad (auth-load.ts)'));
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
