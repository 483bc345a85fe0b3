/**
 * The open-loop generator's child process (see `open-loop.ts`): receives one job over IPC, sends
 * each phase's requests on schedule, reports each phase as it starts and all samples at the end.
 */
import { Agent, request } from 'node:http';
import type { Prepared } from './kinds.js';
import type { OpenKind, OpenLoadJob, OpenLoadMessage, OpenPhaseResult, OpenSample, OpenTarget } from './open-loop.js';
import { clientAssertionSigner, dpopSigner } from './sign.js';

type Maker = () => Promise<Prepared | undefined>;

const FORM = 'application/x-www-form-urlencoded';

/** Cycles through `items`. */
function turns<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length] as T;
}

/** Prepares the requests of one target, signing each just before it goes. */
async function makerFor(target: OpenTarget, origin: string): Promise<Maker> {
  switch (target.kind) {
    case 'page': {
      const path = turns(target.paths);
      const cookie = turns(target.cookies);
      return async () => ({ method: 'GET', path: path(), headers: { accept: 'text/html', cookie: cookie() } });
    }
    case 'static': {
      const path = turns(target.paths);
      return async () => ({ method: 'GET', path: path(), headers: { accept: 'application/json' } });
    }
    case 'refresh':
    case 'par': {
      const { credentials } = target;
      const assertion = await clientAssertionSigner(credentials);
      const proof = await dpopSigner(credentials.dpopKey);
      const auth = async () => ({
        client_id: credentials.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(),
      });
      if (target.kind === 'refresh') {
        const path = new URL(credentials.tokenEndpoint).pathname;
        return async () => ({
          method: 'POST',
          path,
          headers: { 'content-type': FORM, dpop: await proof('POST', credentials.tokenEndpoint) },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: target.refreshToken,
            ...(await auth()),
          }).toString(),
        });
      }
      const par = `${credentials.issuer}/oauth/par`;
      return async () => ({
        method: 'POST',
        path: '/oauth/par',
        headers: { 'content-type': FORM, dpop: await proof('POST', par) },
        body: new URLSearchParams({
          response_type: 'code',
          redirect_uri: target.redirectUri,
          scope: target.scope,
          // A fixed S256 challenge: the request is stored, never redeemed.
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          ...(await auth()),
        }).toString(),
      });
    }
    case 'file': {
      const proof = await dpopSigner(target.dpopKey);
      const left = target.tickets.map((t) => ({ ...t }));
      let next = 0;
      return async () => {
        // The next ticket that may still give a file today.
        for (let tries = 0; tries < left.length; tries++) {
          const t = left[next++ % left.length];
          if (t && t.files > 0) {
            t.files -= 1;
            const url = `${origin}/api/export/files/${t.ticket}`;
            return {
              method: 'GET',
              path: `/api/export/files/${t.ticket}`,
              headers: { accept: 'application/jose', dpop: await proof('GET', url) },
            };
          }
        }
        return undefined;
      };
    }
  }
}

/** The mix as a repeating sequence of kinds, spread out (e.g. weights 2:1 → A B A A B A …). */
function schedule(mix: OpenLoadJob['mix']): OpenKind[] {
  const total = mix.reduce((n, m) => n + m.weight, 0);
  const credit = mix.map(() => 0);
  const order: OpenKind[] = [];
  for (let i = 0; i < total; i++) {
    // Smooth weighted round robin: each turn goes to the kind furthest behind its share.
    let best = 0;
    mix.forEach((m, j) => {
      credit[j] = (credit[j] ?? 0) + m.weight;
      if ((credit[j] ?? 0) > (credit[best] ?? 0)) best = j;
    });
    credit[best] = (credit[best] ?? 0) - total;
    order.push(mix[best]?.target.kind as OpenKind);
  }
  return order;
}

function send(
  agent: Agent,
  origin: URL,
  req: Prepared,
  timeoutMs: number,
): Promise<{ status: number; retryAfter: boolean }> {
  return new Promise((resolve) => {
    const headers = req.body ? { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) } : req.headers;
    const r = request(
      { agent, host: origin.hostname, port: origin.port, method: req.method, path: req.path, headers },
      (res) => {
        res.on('data', () => {});
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] !== undefined }),
        );
        res.on('error', () => resolve({ status: 0, retryAfter: false }));
      },
    );
    r.setTimeout(timeoutMs, () => r.destroy());
    r.on('error', () => resolve({ status: 0, retryAfter: false }));
    r.end(req.body);
  });
}

async function run(job: OpenLoadJob): Promise<OpenPhaseResult[]> {
  const origin = new URL(job.origin);
  const makers = new Map<OpenKind, Maker>();
  for (const { target } of job.mix) makers.set(target.kind, await makerFor(target, job.origin));
  const order = schedule(job.mix);
  // Enough sockets for every request the fastest phase can have outstanding within the timeout.
  const agent = new Agent({ keepAlive: true, maxSockets: 2048 });
  const results: OpenPhaseResult[] = [];
  // Phases follow one another on the clock: a backlog left by one is met by the next, as it would be.
  const pending: Promise<void>[] = [];
  let turn = 0;
  try {
    for (const [index, phase] of job.phases.entries()) {
      await tell({ type: 'phase', index });
      const samples: OpenSample[] = [];
      const lags: number[] = [];
      const interval = 1000 / phase.rate;
      const total = Math.round(phase.rate * phase.seconds);
      const start = performance.now();
      for (let i = 0; i < total; i++) {
        const due = start + i * interval;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const kind = order[turn++ % order.length] as OpenKind;
        lags.push(performance.now() - due);
        pending.push(
          (async () => {
            const req = await makers.get(kind)?.();
            if (!req) return;
            const answer = await send(agent, origin, req, job.timeoutMs);
            samples.push({ kind, dueMs: due - start, latencyMs: performance.now() - due, ...answer });
          })(),
        );
      }
      lags.sort((a, b) => a - b);
      results.push({ phase, sent: total, samples, sendLagP99Ms: lags[Math.floor(lags.length * 0.99)] ?? 0 });
    }
    await Promise.all(pending);
  } finally {
    agent.destroy();
  }
  return results;
}

function tell(message: OpenLoadMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('run this through runOpenLoad (open-loop.ts)'));
    process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

process.once('disconnect', () => process.exit(0));
process.once('message', (job: OpenLoadJob) => {
  run(job).then(
    (phases) => tell({ type: 'result', phases }).then(() => process.exit(0)),
    (error: unknown) =>
      tell({ type: 'error', message: error instanceof Error ? error.message : String(error) }).then(() =>
        process.exit(1),
      ),
  );
});
