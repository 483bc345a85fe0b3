/**
 * Read replicas (db/replica.ts) on real PostgreSQL streaming replication: a private primary and a
 * `pg_basebackup -R` replica of it (db/pg-cluster.ts), the platform served over them with
 * `DATABASE_REPLICA_URL` (serve.ts, the same wiring as `healthbank start`), driven over HTTP.
 *
 * The proof that a read came from the replica: its replay is paused and records are deleted on the
 * primary, so the replica alone still has them; a page or an export that counts them was served
 * by the replica, one that counts none by the primary. The monitor measures lag in the app's
 * clock, which a test holds still while it proves a read came from the paused replica (so the
 * replica stays within the bound however slow the machine) and moves past the bound on purpose.
 *
 * Runs where PostgreSQL's binaries exist and `HEALTHBANK_TEST_POSTGRES_URL` is set (CI's signal
 * that PostgreSQL tests run); one primary and one replica for the whole file, fsync off.
 */
import type { webcrypto } from 'node:crypto';
import type { CategoryId } from '@healthbank/records';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerOrganisation } from '../auth/clients/organisations.js';
import { registerSandboxApps } from '../auth/clients/sandbox.js';
import { freePort, registerTestApp, type TestBrowser, type TestPlatform } from '../auth/testing.js';
import { discoverClient, dpopProof } from '../auth/testing-client.js';
import { portalGet, provideFile, signInToPortal } from '../citizen/testing.js';
import { type Clock, ManualClock } from '../clock.js';
import { loadConfig } from '../config/config.js';
import { listExports } from '../export/history.js';
import { type RunningServer, serve } from '../serve.js';
import { fixturePopulation } from './fixtures.js';
import { findCitizenByNationalId, listPersonas, readRecordsJson, seedPopulation } from './index.js';
import { createPgCluster, createReplica, type PgCluster, type PgReplica, postgresBinaries } from './pg-cluster.js';
import { attachReplica, type ReplicaState, replicaRead } from './replica.js';
import { createTestDatabase, TEST_POSTGRES_URL_ENV, type TestDatabase } from './testing.js';

const enabled = Boolean(postgresBinaries() && process.env[TEST_POSTGRES_URL_ENV]);
const APP = 'replica-app';
/** Given in the replica's URL (trust authentication ignores it): it must never be shown or logged. */
const PASSWORD = 'replica-password-never-shown';
const MAX_LAG_S = 2;

/**
 * Real time, which a test can hold still and move forward. Not a `ManualClock` throughout: the
 * DPoP proofs the test makes carry real time, and the platform allows them little skew.
 */
class HeldClock implements Clock {
  #offset = 0;
  #held: number | undefined;
  now(): number {
    return this.#held ?? Date.now() + this.#offset;
  }
  hold(): void {
    this.#held = this.now();
  }
  release(): void {
    this.#held = undefined;
  }
  advance(ms: number): void {
    this.#offset += ms;
    if (this.#held !== undefined) this.#held += ms;
  }
}

describe.skipIf(!enabled)('record reads on a read replica (PostgreSQL streaming replication)', () => {
  let primary: PgCluster;
  let replica: PgReplica;
  let t: TestDatabase;
  let server: RunningServer;
  let platform: TestPlatform;
  let replicaUrl: string;
  let database: string;
  const clock = new HeldClock();
  let citizenId: number;
  let browser: TestBrowser;
  let file: { consentId: string; ticket: string; keys: webcrypto.CryptoKeyPair };

  beforeAll(async () => {
    primary = createPgCluster(await freePort(), { fsync: 'off' });
    replica = createReplica(primary, await freePort());
    t = await createTestDatabase({ dialect: 'postgres', label: 'postgres', serverUrl: primary.url });
    await seedPopulation(t.db, fixturePopulation({ citizens: 6, recordsPerCitizen: 24 }));
    database = new URL(t.url).pathname.slice(1);
    const u = new URL(t.url);
    u.port = String(replica.port);
    u.password = PASSWORD;
    replicaUrl = u.toString();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = loadConfig(
      { NODE_ENV: 'test', DATABASE_REPLICA_URL: replicaUrl, DATABASE_REPLICA_MAX_LAG_S: String(MAX_LAG_S) },
      { databaseUrl: t.url, publicUrl: url, port, host: '127.0.0.1', oauthRateLimit: 1000, trustedProxies: [] },
    );
    await replica.caughtUp();
    server = await serve(config, t.db, { clock });
    await registerSandboxApps(t.db, { publicUrl: url });
    const org = await registerOrganisation(t.db, {
      type: 'company',
      name: '測試健康股份有限公司',
      identifier: '24502181',
    });
    // What the test helpers need; `db` is the primary, for the test's own reads and writes.
    platform = { url, config, db: t.db, app: server.app, organisationId: org.id, close: () => server.close() };
    await registerTestApp(platform, { clientId: APP, clientType: 'public' });
    const nationalId = (await listPersonas(t.db)).find((p) => p.persona === 'A小姐')?.nationalId ?? '';
    citizenId = (await findCitizenByNationalId(t.db, nationalId))?.id ?? 0;
    file = await provideFile(platform, await discoverClient(platform, APP), {
      scope: 'records.lab records.outpatient records.allergy records.immunization',
    });
    ({ browser } = await signInToPortal(platform, 'A小姐'));
  });

  afterEach(() => clock.release());

  afterAll(async () => {
    await server?.close();
    replica?.destroy();
    primary?.destroy();
  });

  async function healthz(): Promise<Record<string, unknown>> {
    return (await fetch(`${platform.url}/healthz`)).json() as Promise<Record<string, unknown>>;
  }
  const replicaState = async () => (await healthz()).replica;
  /** The monitor measures every second: wait for the state it reaches. */
  const until = (state: ReplicaState) =>
    expect.poll(replicaState, { timeout: 5_000, interval: 50 }).toBe(state satisfies ReplicaState);

  /** The app's export of the consent: its counts per category, as the platform recorded them. */
  async function exported(): Promise<Partial<Record<CategoryId, number>>> {
    const target = new URL(`/api/export/files/${file.ticket}`, platform.url);
    const response = await fetch(target, {
      headers: { dpop: await dpopProof(file.keys, { htm: 'GET', htu: target.href }), accept: 'application/jose' },
    });
    expect(response.status).toBe(200);
    const id = /filename="(exp_[^"]+)\.jwe"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
    const entry = (await listExports(t.db, citizenId)).find((e) => e.id === id);
    if (!entry) throw new Error('the export was not recorded');
    return entry.counts;
  }

  /** The portal's count of A小姐's records in a category (`/me/records/:category`). */
  async function portalCount(category: CategoryId): Promise<number> {
    const page = await portalGet(platform, browser, `/me/records/${category}`);
    expect(page.status).toBe(200);
    if (page.html.includes('這個類別沒有紀錄')) return 0;
    const count = /共 ([\d,]+) 筆/.exec(page.html)?.[1];
    if (!count) throw new Error('no count on the page');
    return Number(count.replaceAll(',', ''));
  }

  /** A小姐's records in a category, counted on one cluster (the primary, or the replica as it stands). */
  const countOn = (cluster: PgCluster, category: CategoryId) =>
    Number(
      cluster.sql(
        `select count(*) from records where citizen_id = ${citizenId} and category = '${category}'`,
        database,
      ),
    );
  const deleteOnPrimary = (category: CategoryId) =>
    t.db.kysely.deleteFrom('records').where('citizen_id', '=', citizenId).where('category', '=', category).execute();

  it('serves record reads from the replica while it is within the lag bound', async () => {
    await until('in_use');
    clock.hold();
    const before = countOn(primary, 'allergy');
    expect(before).toBeGreaterThan(0);
    replica.pauseReplay();
    await deleteOnPrimary('allergy');
    expect(countOn(primary, 'allergy')).toBe(0);
    expect(countOn(replica, 'allergy')).toBe(before);
    // Only the replica still has them: the export and the portal page were served by it.
    expect((await exported()).allergy).toBe(before);
    expect(await portalCount('allergy')).toBe(before);
    expect(await replicaState()).toBe('in_use');
  });

  it('reads from the primary while the replica is further behind than DATABASE_REPLICA_MAX_LAG_S, and from the replica again once it caught up', async () => {
    // Replay is still paused and the primary has moved on: time passes beyond the bound.
    clock.hold();
    clock.advance((MAX_LAG_S + 1) * 1000);
    await until('lagging');
    expect((await exported()).allergy).toBe(0);
    expect(await portalCount('allergy')).toBe(0);
    replica.resumeReplay();
    await replica.caughtUp();
    await until('in_use');
    expect(await portalCount('allergy')).toBe(0);
  });

  it('falls back to the primary when the replica stops (reads in flight retried there), and uses it again once it is back', async () => {
    // A monitor of its own that measures only when asked, so a read is sure to meet the replica
    // stopped while it is still believed in use (a generous bound: it measures seconds apart).
    const logged: string[] = [];
    const sink = (fields: object, message: string) => void logged.push(`${message} ${JSON.stringify(fields)}`);
    const own = attachReplica(t.db, { url: replicaUrl, maxLagS: 60, intervalMs: 3_600_000 });
    const reads = own.reads;
    if (!reads) throw new Error('no replica attached');
    reads.logTo({ info: sink, warn: sink });
    try {
      await replica.caughtUp();
      expect(await reads.check()).toBe('in_use');
      const fromPrimary = await readRecordsJson(t.db, citizenId, { categories: ['lab'] });
      replica.stop('fast');
      // The read fails on the replica and is answered by the primary; the replica is out of use.
      expect(await replicaRead(own, (reader) => readRecordsJson(reader, citizenId, { categories: ['lab'] }))).toEqual(
        fromPrimary,
      );
      expect(reads.state).toBe('unreachable');

      // The platform's own monitor notices too; exports and pages go on, from the primary.
      await until('unreachable');
      expect((await exported()).allergy).toBe(0);
      expect(await portalCount('outpatient')).toBe(countOn(primary, 'outpatient'));
      expect((await healthz()).status).toBe('ok');

      replica.start();
      await until('in_use');
      await replica.caughtUp();
      expect(await reads.check()).toBe('in_use');
      // Back in use: proven as before, by records only the replica still has.
      const before = countOn(primary, 'outpatient');
      replica.pauseReplay();
      await deleteOnPrimary('outpatient');
      expect(await portalCount('outpatient')).toBe(before);
      replica.resumeReplay();
      await replica.caughtUp();
      expect(logged.join('\n')).toMatch(/read replica unreachable: .*"previous":"in_use","reason":"\w+"/);
      expect(logged.join('\n')).toMatch(/read replica in use .*"previous":"unreachable"/);
    } finally {
      // Closes this monitor and its pool only: `own` shares the primary with the platform.
      await reads.close();
    }
    // Nothing secret or internal in the log or in /healthz: no password, no address.
    for (const text of [logged.join('\n'), JSON.stringify(await healthz())]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(String(replica.port));
    }
  });

  it('measures an idle primary as no lag at all, however long since its last write', async () => {
    const idleClock = new ManualClock(Date.now());
    const own = attachReplica(t.db, { url: replicaUrl, maxLagS: MAX_LAG_S, intervalMs: 3_600_000, clock: idleClock });
    try {
      await replica.caughtUp();
      expect(await own.reads?.check()).toBe('in_use');
      // An hour without writes: `now() - pg_last_xact_replay_timestamp()` would read an hour's lag.
      idleClock.advance(3_600_000);
      await replica.caughtUp();
      expect(await own.reads?.check()).toBe('in_use');
      expect(own.reads?.lagMs).toBe(0);
    } finally {
      await own.reads?.close();
    }
  });

  it('honours a revocation at once while the paused replica still shows the consent active', async () => {
    clock.hold();
    replica.pauseReplay();
    try {
      const target = new URL('/api/export/revoke', platform.url);
      const revoked = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          dpop: await dpopProof(file.keys, { htm: 'POST', htu: target.href }),
        },
        body: JSON.stringify({ ticket: file.ticket }),
      });
      expect(revoked.status).toBe(200);
      // The replica in use, and stale: it still has the consent active.
      expect(replica.sql(`select status from consents where id = '${file.consentId}'`, database)).toBe('active');
      expect(await replicaState()).toBe('in_use');
      // Access is decided on the primary: the next file is refused.
      const fileUrl = new URL(`/api/export/files/${file.ticket}`, platform.url);
      const refused = await fetch(fileUrl, {
        headers: { dpop: await dpopProof(file.keys, { htm: 'GET', htu: fileUrl.href }), accept: 'application/jose' },
      });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'consent_revoked' });
    } finally {
      replica.resumeReplay();
      await replica.caughtUp();
    }
  });

  it('stops using a promoted replica for good', async () => {
    const before = countOn(primary, 'immunization');
    expect(before).toBeGreaterThan(0);
    replica.promote();
    await until('retired');
    // The promoted node is writable and goes its own way: what it holds never reaches a page.
    replica.sql(`delete from records where citizen_id = ${citizenId} and category = 'immunization'`, database);
    expect(countOn(replica, 'immunization')).toBe(0);
    expect(await portalCount('immunization')).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await replicaState()).toBe('retired');
    expect(await portalCount('immunization')).toBe(before);
  });
});
