/**
 * What each kind of target supplies to the closed loop (`worker.ts`): the requests its lanes send,
 * prepared and signed before each phase, and how an answer is judged.
 */
import type { LoadJob, LoadTarget, PhaseBounds, PhaseResult, TokenCredentials } from './job.js';
import { clientAssertionSigner, dpopSigner } from './sign.js';

/** A request ready to send. */
export interface Prepared {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Hands out prepared requests until they run out (`undefined`). */
export type Take = () => Prepared | undefined;

/**
 * One kind of target, ready to run. It signs only when it is made (`kindFor`) and in `warmup` and
 * `measured`, which run before their phase: never while a phase runs.
 */
export interface Kind {
  /** True when an answer is the expected success. */
  judge(status: number, body: Buffer): boolean;
  /** Prepares the warm-up's requests. */
  warmup(): Promise<Take>;
  /** Prepares the measured phase's requests, once the warm-up has shown the server's pace. */
  measured(warmup: PhaseResult): Promise<Take>;
  /** What the report counts as signed ahead of the measured phase, and how long signing took. */
  signedAhead(measured: PhaseResult): { requests: number; ms: number };
}

type Target<K extends LoadTarget['kind']> = Extract<LoadTarget, { kind: K }>;

/** Token requests signed ahead per second of warm-up (ample: the target is 300 a second). */
const WARMUP_SIGNED_PER_SECOND = 1500;

/** A compact JWE: five base64url parts, the encrypted key empty (ECDH-ES direct). */
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const succeedsWith = (expect: string) => (status: number, body: Buffer) =>
  status === 200 && body.toString('utf8').includes(expect);

/** Prepares `count` requests one after another; returns a taker over them and the time it took. */
async function pool(count: number, make: (i: number) => Promise<Prepared>): Promise<{ take: Take; ms: number }> {
  const t0 = performance.now();
  const items: Prepared[] = [];
  for (let i = 0; i < count; i++) items.push(await make(i));
  const ms = performance.now() - t0;
  let next = 0;
  return { take: () => items[next++], ms };
}

function get(target: Target<'get'>): Kind {
  const req: Prepared = { method: 'GET', path: target.path, headers: target.headers };
  const take = () => req;
  return {
    judge: succeedsWith(target.expect),
    warmup: async () => take,
    measured: async () => take,
    signedAhead: () => ({ requests: 0, ms: 0 }),
  };
}

/** Token requests, each with a fresh client assertion and DPoP proof. */
async function tokenRequests(credentials: TokenCredentials) {
  const assertion = await clientAssertionSigner(credentials);
  const proof = await dpopSigner(credentials.dpopKey);
  const path = new URL(credentials.tokenEndpoint).pathname;
  return async (params: Record<string, string>): Promise<Prepared> => {
    const body = new URLSearchParams({
      ...params,
      client_id: credentials.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(),
    }).toString();
    const dpop = await proof('POST', credentials.tokenEndpoint);
    return {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', dpop },
      body,
    };
  };
}

async function refresh(target: Target<'refresh'>, job: LoadJob, remaining: () => number): Promise<Kind> {
  const sign = await tokenRequests(target.credentials);
  const make = () => sign({ grant_type: 'refresh_token', refresh_token: target.refreshToken });
  const within = (phase: PhaseBounds, wanted: number) => Math.min(remaining(), phase.maxRequests ?? wanted, wanted);
  let signed = { requests: 0, ms: 0 };
  return {
    judge: succeedsWith('"access_token"'),
    warmup: async () => {
      const count = within(job.warmup, Math.ceil((job.warmup.maxMs / 1000) * WARMUP_SIGNED_PER_SECOND));
      return (await pool(count, make)).take;
    },
    measured: async (warmup) => {
      // Enough for the measured phase at three times the warm-up's rate (the server's code is
      // still being optimised during the warm-up), within the bounds.
      const rate = warmup.requests / Math.max(1, warmup.elapsedMs);
      const count = within(job.measured, Math.ceil(rate * job.measured.maxMs * 3) + 50 * job.concurrency);
      const { take, ms } = await pool(count, make);
      signed = { requests: count, ms };
      return take;
    },
    signedAhead: () => signed,
  };
}

/** Codes are few: all are signed before the warm-up, which redeems the first ones. */
async function code(target: Target<'code'>, remaining: () => number): Promise<Kind> {
  const sign = await tokenRequests(target.credentials);
  const codes = await pool(Math.min(remaining(), target.codes.length), (i) => {
    const { code, verifier } = target.codes[i] as { code: string; verifier: string };
    return sign({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: target.redirectUri });
  });
  return {
    judge: succeedsWith('"access_token"'),
    warmup: async () => codes.take,
    measured: async () => codes.take,
    // The codes the measured phase redeemed.
    signedAhead: (measured) => ({ requests: measured.requests, ms: codes.ms }),
  };
}

/**
 * One proof per file the tickets may give, all signed before the warm-up (a proof stays valid
 * 60 s), the tickets taken in turn so that the load spreads over every consent at once.
 */
async function exportFile(target: Target<'export-file'>, job: LoadJob, remaining: () => number): Promise<Kind> {
  const proof = await dpopSigner(target.dpopKey);
  const order: string[] = [];
  const rounds = Math.max(0, ...target.tickets.map((t) => t.files));
  for (let round = 0; round < rounds; round++) {
    for (const { ticket, files } of target.tickets) if (round < files) order.push(ticket);
  }
  const count = Math.min(remaining(), order.length);
  const files = await pool(count, async (i) => {
    const ticket = order[i] as string;
    const dpop = await proof('GET', `${job.origin}/api/export/files/${ticket}`);
    const path = `/api/export/files/${ticket}?format=${target.format}`;
    return { method: 'GET', path, headers: { accept: 'application/jose', dpop } };
  });
  return {
    // latin1 keeps one character per byte of the base64url text.
    judge: (status, body) => status === 200 && COMPACT_JWE.test(body.toString('latin1')),
    warmup: async () => files.take,
    measured: async () => files.take,
    signedAhead: () => ({ requests: count, ms: files.ms }),
  };
}

/**
 * Makes a job's target ready to run, signing what must be signed before the warm-up;
 * `remaining` tells how many requests the job may still send.
 */
export async function kindFor(job: LoadJob, remaining: () => number): Promise<Kind> {
  const { target } = job;
  switch (target.kind) {
    case 'get':
      return get(target);
    case 'refresh':
      return refresh(target, job, remaining);
    case 'code':
      return code(target, remaining);
    case 'export-file':
      return exportFile(target, job, remaining);
  }
}
