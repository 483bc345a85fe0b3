/**
 * What the load generator is asked to do, what it answers, and the messages its child process
 * sends the parent. Shared by the parent (`runner.ts`) and the child (`worker.ts`).
 */
import type { ExportContentFormat } from '@healthbank/records';
import type { JWK } from 'jose';

/** What a token request needs to authenticate: the client's and the DPoP key's private JWKs. */
export interface TokenCredentials {
  /** The issuer: the client assertion's audience (FAPI 2.0 §5.3.2.1). */
  issuer: string;
  /** The token endpoint's URL: the DPoP proof's `htu`. */
  tokenEndpoint: string;
  clientId: string;
  /** The private key registered for `private_key_jwt` (with `kid`). */
  clientKey: JWK;
  /** The DPoP key the grant is bound to. */
  dpopKey: JWK;
}

/** The requests the lanes send, by kind; `kinds.ts` turns each into requests and a verdict. */
export type LoadTarget =
  /** The same GET again and again; a 200 whose body contains `expect` succeeds. */
  | { kind: 'get'; path: string; headers: Record<string, string>; expect: string }
  /** The refresh_token grant of a confidential client, whose refresh token does not rotate. */
  | { kind: 'refresh'; credentials: TokenCredentials; refreshToken: string }
  /** The authorization_code grant, one request per code (codes are single use), in the given order. */
  | { kind: 'code'; credentials: TokenCredentials; redirectUri: string; codes: { code: string; verifier: string }[] }
  /**
   * `GET /api/export/files/:ticket`, each with a DPoP proof of the key the tickets are bound to;
   * a consent gives a limited number of files a day, so each ticket names how many it may still give.
   */
  | {
      kind: 'export-file';
      format: ExportContentFormat;
      /** The DPoP key the tickets are bound to (private JWK). */
      dpopKey: JWK;
      tickets: { ticket: string; files: number }[];
    };

/** Bounds of one phase: it ends on time or after `maxRequests` of its own, whichever comes first. */
export interface PhaseBounds {
  maxMs: number;
  /** No bound of the phase's own when left out (the job's `maxRequests` still applies). */
  maxRequests?: number;
}

export interface LoadJob {
  /** `http://127.0.0.1:<port>`; only loopback addresses are accepted. */
  origin: string;
  /** Lanes, each with one request in flight. */
  concurrency: number;
  /** Untimed requests first, so the server's code is compiled and its caches warm (`maxMs` 0 for none). */
  warmup: PhaseBounds;
  measured: PhaseBounds;
  /** Upper bound on requests in the whole job, warm-up included; reaching it ends a phase as exhausted. */
  maxRequests: number;
  target: LoadTarget;
}

export interface PhaseResult {
  requests: number;
  /** Requests answered with something other than the expected success. */
  failed: number;
  elapsedMs: number;
  /** One per successful request, send to last byte, in milliseconds. */
  latenciesMs: number[];
  /** One per successful request: the bytes of the answer's body. */
  bodyBytes: number[];
  statuses: Record<string, number>;
  /** The first unexpected answer, shortened (an error document, for diagnosis). */
  firstFailure?: string;
  /**
   * True when the phase ended because its requests ran out (those prepared, or the job's bound)
   * rather than on its own bounds.
   */
  exhausted: boolean;
}

/**
 * Where the machine's CPU time went during the measured phase, in milliseconds: the parent process
 * (the server, all its threads), the database's own processes (PostgreSQL; 0 for SQLite, which
 * runs inside the server), the load generator, and everything else on the machine. The last
 * should be near 0: when it is not, another program competed and the figures are pessimistic.
 */
export interface CpuSplit {
  wallMs: number;
  serverMs: number;
  databaseMs: number;
  generatorMs: number;
  otherMs: number;
}

export interface LoadResult {
  warmup: PhaseResult;
  measured: PhaseResult;
  /** Requests signed ahead of the measured phase (as the kind counts them), and how long signing took. */
  prepared: { requests: number; ms: number };
  cpu: CpuSplit;
}

/** Messages from the child process: the measured phase starts and ends, then the result. */
export type LoadMessage =
  | { type: 'measuring' }
  | { type: 'measured'; generatorCpuMs: number }
  | { type: 'result'; result: Omit<LoadResult, 'cpu'> }
  | { type: 'error'; message: string };
