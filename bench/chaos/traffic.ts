/**
 * The mixed load of the chaos run: lanes of citizens' journeys through the real flows, each one
 * an app's consent (PAR, sign-in, the consent page, the code exchange), a ticket and a file, portal
 * pages, then a revocation by the app or in the portal and sometimes a deletion request. Every
 * success that reaches the client goes into the ledger; a journey cut off by a crash or an outage
 * is abandoned and the lane starts a new one once the platform is back.
 */

import { authorizeInBrowser, csrfIn, TestBrowser } from '../../packages/server/src/auth/testing.js';
import { client, dpopProof, pushAuthorization } from '../../packages/server/src/auth/testing-client.js';
import { exportKeyThumbprint, fetchFile } from '../../packages/server/src/citizen/testing.js';
import type { Ledger } from './ledger.js';

/** The chaos app's scopes: the categories the synthetic population has most of. */
const SCOPE = 'records.lab records.outpatient records.inpatient';
const NOWHERE = 'https://nowhere.invalid/';

/** `running`: failures are defects. `paused`: the server is being killed or is down. `outage`: its database is. */
export type Phase = 'running' | 'paused' | 'outage';

export interface TrafficStats {
  journeysStarted: number;
  journeysCompleted: number;
  /** Journeys cut off while the server was being killed or restarted. */
  interrupted: number;
  /** Failed journeys during a database outage or a full disk, by the status that stopped them. */
  duringOutage: Record<string, number>;
  /** Failures while everything was up: each is a defect. */
  unexpectedCount: number;
  /** The first fifty of them. */
  unexpected: string[];
}

class Interrupted extends Error {}

/** The HTTP status behind a failure: ours carry it, openid-client's hold the response as their cause. */
function statusOf(error: unknown): number | undefined {
  const { status, cause } = error as { status?: unknown; cause?: { status?: unknown } };
  if (typeof status === 'number') return status;
  return typeof cause?.status === 'number' ? cause.status : undefined;
}

export class Traffic {
  readonly stats: TrafficStats = {
    journeysStarted: 0,
    journeysCompleted: 0,
    interrupted: 0,
    duringOutage: {},
    unexpectedCount: 0,
    unexpected: [],
  };
  private phase: Phase = 'paused';
  private resumed: Promise<void>;
  private resume: () => void = () => {};
  private stopped = false;
  private readonly lanes: Promise<void>[] = [];
  private nextCitizen = 0;
  /** Counts faults: a journey that spans one was cut off, whatever its failure looks like. */
  private epoch = 0;

  constructor(
    private readonly opts: {
      origin: string;
      config: client.Configuration;
      citizens: readonly string[];
      ledger: Ledger;
      lanes: number;
    },
  ) {
    this.resumed = new Promise((resolve) => {
      this.resume = resolve;
    });
    for (let i = 0; i < opts.lanes; i++) this.lanes.push(this.lane());
  }

  /** Sets the phase; `running` releases lanes waiting for the platform. */
  set(phase: Phase): void {
    this.phase = phase;
    this.epoch += 1;
    if (phase === 'running') {
      this.resume();
    } else if (phase === 'paused') {
      this.resumed = new Promise((resolve) => {
        this.resume = resolve;
      });
    }
  }

  /** Ends every lane after its current journey. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.resume();
    await Promise.all(this.lanes);
  }

  private async lane(): Promise<void> {
    while (!this.stopped) {
      if (this.phase === 'paused') await this.resumed;
      if (this.stopped) return;
      const citizen = this.opts.citizens[this.nextCitizen++ % this.opts.citizens.length] as string;
      this.stats.journeysStarted += 1;
      const epoch = this.epoch;
      try {
        await this.journey(citizen);
        this.stats.journeysCompleted += 1;
      } catch (error) {
        this.failed(error, epoch !== this.epoch);
        // Refusals come at once: a short pause keeps a lane from spinning through them.
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** A documentation address (RFC 5737's TEST-NET-2 and -3 cycle through 508 of them) per journey. */
  private addressOfJourney(): string {
    const n = this.stats.journeysStarted % 508;
    return n < 254 ? `198.51.100.${n + 1}` : `203.0.113.${n - 253}`;
  }

  /** `spanned`: a fault came during the journey (its interaction or session may be gone with it). */
  private failed(error: unknown, spanned: boolean): void {
    const status = statusOf(error);
    // A 500 is a defect whenever it comes; a 503 only while nothing is wrong.
    const defect = status !== undefined && status >= 500 && status !== 503;
    if (this.phase === 'outage') {
      const key = status === undefined ? 'no answer' : String(status);
      this.stats.duringOutage[key] = (this.stats.duringOutage[key] ?? 0) + 1;
      // Anything but a 503 or a dropped connection during an outage is kept for the report.
      if (status !== undefined && status !== 503) this.note(error, status);
    } else if (!defect && (this.phase === 'paused' || spanned || error instanceof Interrupted)) {
      this.stats.interrupted += 1;
    } else {
      this.stats.unexpectedCount += 1;
      this.note(error, status);
    }
  }

  /** Keeps the first fifty defects' descriptions, for the report. */
  private note(error: unknown, status: number | undefined): void {
    const message = error instanceof Error ? error.message : String(error);
    const url = (error as { cause?: { url?: string } }).cause?.url ?? '';
    if (this.stats.unexpected.length < 50)
      this.stats.unexpected.push(`${status ?? ''} ${url} ${message}`.slice(0, 300));
  }

  /** One request by the journey: a network failure while the platform is down is an interruption. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (this.phase !== 'running') throw error;
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      // The server died under this very request (the kill happens just after the phase changes).
      if (error instanceof TypeError && cause && /ECONNRE|EPIPE|UND_ERR_SOCKET/.test(cause)) {
        throw new Interrupted(error.message);
      }
      throw error;
    }
  }

  private expect(response: Response, status: number, what: string): Promise<void> | void {
    if (response.status === status) return;
    return response.text().then((body) => {
      throw Object.assign(new Error(`${what}: ${response.status} ${body.slice(0, 200)}`), { status: response.status });
    });
  }

  private async journey(nationalId: string): Promise<void> {
    const { config, ledger, origin } = this.opts;
    const keys = await client.randomDPoPKeyPair('ES256');
    const dpop = client.getDPoPHandle(config, keys);
    const exportKey = await exportKeyThumbprint();

    // The app's consent: PAR, the citizen's sign-in and answer, the code exchange.
    const started = await this.call(() =>
      pushAuthorization(config, dpop, { scope: SCOPE, export_key_jkt: exportKey.thumbprint }),
    );
    const browser = new TestBrowser('zh-TW', { 'x-forwarded-for': this.addressOfJourney() });
    const { callback, page } = await this.call(() =>
      authorizeInBrowser({}, started.url.href, {
        nationalId,
        browser,
        consent: { acknowledge: 'yes', period: 'all', duration: '3' },
      }),
    );
    if (!callback) {
      const code = /data-code="([a-z_]+)"/.exec(page?.html ?? '')?.[1];
      throw Object.assign(new Error(`consent stopped at ${page?.url}: ${page?.status} ${code ?? ''}`), {
        status: page?.status,
      });
    }
    const tokens = await this.call(() =>
      client.authorizationCodeGrant(
        config,
        callback,
        { pkceCodeVerifier: started.verifier, expectedState: started.state },
        undefined,
        { DPoP: dpop },
      ),
    );
    const api = (path: string, method: string, body?: unknown) =>
      this.call(() =>
        client.fetchProtectedResource(
          config,
          tokens.access_token,
          new URL(path, origin),
          method,
          body === undefined ? undefined : JSON.stringify(body),
          new Headers(body === undefined ? {} : { 'content-type': 'application/json' }),
          { DPoP: dpop },
        ),
      );
    const ping = await api('/api/export/ping', 'GET');
    await this.expect(ping, 200, 'ping');
    const { consent_id: consentId } = (await ping.json()) as { consent_id: string };
    ledger.consents.set(consentId, { revoked: false });

    // A ticket and a file.
    const issued = await api('/api/export/tickets', 'POST', { export_key: exportKey.publicJwk });
    await this.expect(issued, 201, 'ticket');
    const { ticket } = (await issued.json()) as { ticket: string };
    ledger.tickets.set(ticket, consentId);
    const file = await this.call(() => fetchFile({ url: origin }, ticket, keys));
    await this.expect(file, 200, 'file');
    await file.arrayBuffer();
    const exportId = /filename="([^"]+)\.jwe"/.exec(file.headers.get('content-disposition') ?? '')?.[1];
    if (!exportId) throw new Error('the file names no export id');
    ledger.exports.add(exportId);

    // The citizen's portal, signed in through the same browser.
    const portal = async (path: string) => {
      let step = await this.call(() => browser.follow(new URL(path, origin).href, NOWHERE));
      if (step.response && new URL(step.url).pathname.startsWith('/signin/')) {
        const form = { _csrf: csrfIn(step.html ?? ''), nationalId };
        step = await this.call(() => browser.follow(`${step.url.split('?')[0]}/persona`, NOWHERE, { form }));
      }
      if (step.response?.status !== 200) {
        throw Object.assign(new Error(`portal ${path}: ${step.response?.status} at ${step.url}`), {
          status: step.response?.status,
        });
      }
      ledger.reads += 1;
      return step.html ?? '';
    };
    await portal('/me');
    await portal('/me/history');
    await portal(`/me/consents/${consentId}`);

    // The end of the consent: by the app or by the citizen, and sometimes a deletion request.
    const confirmed = async (action: 'revoke' | 'deletion') => {
      const confirm = await portal(`/me/consents/${consentId}/${action}`);
      const answer = await this.call(() =>
        browser.request(new URL(`/me/consents/${consentId}/${action}`, origin).href, {
          form: { _csrf: csrfIn(confirm) },
        }),
      );
      await this.expect(answer, 303, `portal ${action}`);
    };
    const ending = Math.random();
    if (ending < 0.4) {
      const target = new URL('/api/export/revoke', origin);
      const proof = await dpopProof(keys, { htm: 'POST', htu: target.href });
      const revoked = await this.call(() =>
        fetch(target, {
          method: 'POST',
          headers: { dpop: proof, 'content-type': 'application/json' },
          body: JSON.stringify({ ticket }),
        }),
      );
      await this.expect(revoked, 200, 'app revocation');
      ledger.consents.set(consentId, { revoked: true });
    } else if (ending < 0.8) {
      await confirmed('revoke');
      ledger.consents.set(consentId, { revoked: true });
    }
    if (ending > 0.6) {
      await confirmed('deletion');
      ledger.deletions.add(consentId);
    }
  }
}
