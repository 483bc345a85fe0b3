/**
 * What a client meets while the database is down or full: probes of each shape of endpoint,
 * timed, with whether each answer is the promised one (503 with `Retry-After`, problem+json from
 * the API and health check, OAuth's own JSON error from the token endpoint).
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface ProbeResult {
  kind: 'health' | 'api' | 'oauth' | 'page';
  status: number | 'network';
  ms: number;
  retryAfter: boolean;
  asExpected: boolean;
}

/** No answer within this is a hang: the figure the run holds the platform to. */
const HANG_MS = 5000;

interface Probe {
  kind: ProbeResult['kind'];
  /** Whether the probe writes (a disk that is full refuses writes only). */
  writes: boolean;
  send(origin: string, signal: AbortSignal): Promise<Response>;
  /** The error shape the answer must have. */
  shape: 'problem' | 'oauth' | 'page';
}

/** The probes' own DPoP key (RFC 9449): each proof is fresh, so none is refused as a replay. */
const probeKey = await generateKeyPair('ES256');
const probeJwk = await exportJWK(probeKey.publicKey);
const probeProof = (htm: string, htu: string) =>
  new SignJWT({ htm, htu, jti: randomUUID() })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: probeJwk })
    .setIssuedAt()
    .sign(probeKey.privateKey);

const PROBES: Probe[] = [
  { kind: 'health', writes: false, shape: 'problem', send: (o, signal) => fetch(`${o}/healthz`, { signal }) },
  {
    // The export API's file route with a valid DPoP proof: checking it (its jti against replay)
    // and looking the ticket up both need the database. Without a proof it is refused before.
    kind: 'api',
    writes: false,
    shape: 'problem',
    send: async (o, signal) => {
      const url = `${o}/api/export/files/tkt_${'A'.repeat(43)}`;
      return fetch(url, { signal, headers: { accept: 'application/json', dpop: await probeProof('GET', url) } });
    },
  },
  {
    // A pushed authorization request writes its request object.
    kind: 'oauth',
    writes: true,
    shape: 'oauth',
    send: (o, signal) =>
      fetch(`${o}/oauth/par`, {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: 'chaos-app',
          response_type: 'code',
          redirect_uri: 'https://app.example.test/callback',
          scope: 'records.lab',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        }),
      }),
  },
  {
    // A citizen's browser: the sign-in page, which stores the interaction.
    kind: 'page',
    writes: true,
    shape: 'page',
    send: (o, signal) => fetch(`${o}/me`, { signal, redirect: 'follow', headers: { accept: 'text/html' } }),
  },
];

function judge(probe: Probe, response: Response, body: string): boolean {
  if (response.status !== 503 || !response.headers.get('retry-after')) return false;
  const type = response.headers.get('content-type') ?? '';
  if (probe.shape === 'problem') return type.startsWith('application/problem+json') && /"code":"[a-z_]+"/.test(body);
  if (probe.shape === 'oauth')
    return type.startsWith('application/json') && body.includes('"error":"temporarily_unavailable"');
  return type.startsWith('text/html');
}

/**
 * Sends every probe (the writing ones only with `writes`) every 200 ms for `forMs`, each with
 * up to twice the hang limit to answer; a probe whose database part succeeded is not counted
 * (the disk may still take a small write), so only the refusals are judged.
 */
export async function probeOutage(
  origin: string,
  forMs: number,
  opts: { writes?: boolean } = {},
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  const chosen = PROBES.filter((p) => (opts.writes ? p.writes || p.kind === 'health' : true));
  const end = performance.now() + forMs;
  const pending: Promise<void>[] = [];
  while (performance.now() < end) {
    for (const probe of chosen) {
      pending.push(
        (async () => {
          const t0 = performance.now();
          try {
            const response = await probe.send(origin, AbortSignal.timeout(2 * HANG_MS));
            const body = await response.text();
            const ms = performance.now() - t0;
            // During a disk-full round the reads still succeed: only refusals are judged.
            if (opts.writes && response.status < 500 && probe.kind !== 'health') return;
            if (opts.writes && probe.kind === 'health' && response.status === 200) return;
            results.push({
              kind: probe.kind,
              status: response.status,
              ms,
              retryAfter: response.headers.get('retry-after') !== null,
              asExpected: judge(probe, response, body),
            });
          } catch {
            results.push({
              kind: probe.kind,
              status: 'network',
              ms: performance.now() - t0,
              retryAfter: false,
              asExpected: false,
            });
          }
        })(),
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await Promise.all(pending);
  return results;
}

/** Polls `/healthz` until it answers 200; returns how long that took (Infinity past `limitMs`). */
export async function waitUntilHealthy(origin: string, limitMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < limitMs) {
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(HANG_MS) });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - t0;
    } catch {
      // Not yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return Number.POSITIVE_INFINITY;
}
