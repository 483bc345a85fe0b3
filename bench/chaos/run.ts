/**
 * `npm run chaos`: the platform as a real process under a real mixed load (traffic.ts), while
 *
 * - it is killed with SIGKILL at random moments and started again (on SQLite and on PostgreSQL);
 * - its PostgreSQL server crashes (`pg_ctl stop -m immediate`) and comes back, the platform left running;
 * - the file system holding its SQLite database fills up, then has space again.
 *
 * After every restart and outage, every write acknowledged to the load is checked in the
 * database, and nothing may be half-written (ledger.ts); SQLite's integrity check and the audit
 * log's verification (`healthbank audit verify`) must pass; at the end the deletion outbox must
 * have delivered every request, each processed once by the app. Writes `bench/results/chaos.json`
 * and prints a table. docs/reliability.md explains the method and the figures.
 *
 *   npm run chaos                                  # 200 kills on SQLite, 50 on PostgreSQL, 20 outages, 3 disk-full rounds
 *   npm run chaos -- --kills-sqlite 5 --kills-postgres 2 --outages 2 --disk-full 1   # a quick look
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type JSONWebKeySet, MemorySeenWebhookIds, verifyDeletionRequest } from '@healthbank/sdk/webhooks';
import { sql } from 'kysely';
import { freePort } from '../../packages/server/src/auth/testing.js';
import { client } from '../../packages/server/src/auth/testing-client.js';
import { startTestReceiver, type TestReceiver } from '../../packages/server/src/citizen/deletion/testing.js';
import { openDatabase } from '../../packages/server/src/db/index.js';
import { createPgCluster, type PgCluster, postgresBinaries } from '../../packages/server/src/db/pg-cluster.js';
import { webhookKysely } from '../../packages/server/src/webhooks/tables.js';
import { machineFacts } from '../lib/machine.js';
import { progressLine } from '../lib/progress.js';
import { percentile, round } from '../lib/stats.js';
import { formatTable } from '../lib/table.js';
import { registerChaosApp } from './app.js';
import { fillDisk, type SmallDisk, smallDisk } from './disk.js';
import { halfWritten, integrityCheck, Ledger, lostWrites } from './ledger.js';
import { type ProbeResult, probeOutage, waitUntilHealthy } from './probes.js';
import { ServerProcess } from './server-process.js';
import { Traffic } from './traffic.js';

const REPO = join(import.meta.dirname, '..', '..');
const CLI = join(REPO, 'packages', 'cli', 'dist', 'bin.js');

const { values: args } = parseArgs({
  options: {
    'kills-sqlite': { type: 'string', default: '200' },
    'kills-postgres': { type: 'string', default: '50' },
    outages: { type: 'string', default: '20' },
    'disk-full': { type: 'string', default: '3' },
    lanes: { type: 'string', default: '6' },
    citizens: { type: 'string', default: '200' },
  },
});
const count = (name: keyof typeof args) => Number(args[name]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

/** A scenario's platform: the server process, its load, the ledger and the app's webhook receiver. */
interface Stage {
  server: ServerProcess;
  traffic: Traffic;
  ledger: Ledger;
  receiver: TestReceiver;
  databaseUrl: string;
  clientId: string;
  /** Violations found by the checks, each with when it was found. */
  violations: string[];
  checks: { runs: number; integrity: string[]; auditVerifyFailures: number };
  close(): Promise<void>;
}

async function stage(name: string, databaseUrl: string, work: string): Promise<Stage> {
  const server = new ServerProcess({
    databaseUrl,
    port: await freePort(),
    sandboxPort: await freePort(),
    citizens: count('citizens'),
    logFile: join(work, `${name}.log`),
  });
  // The first start migrates and seeds the sandbox.
  await server.start();
  // Fetched once the receiver's address is registered; the development keys stay across restarts.
  let jwks: JSONWebKeySet = { keys: [] };
  const seen = new MemorySeenWebhookIds();
  const receiver = await startTestReceiver({
    verify: (headers, body, { dedupe }) =>
      verifyDeletionRequest({
        headers,
        body,
        jwks,
        ...(dedupe ? { seen } : {}),
      }),
  });
  jwks = (await (await fetch(`${server.sandboxUrl}/.well-known/webhooks-jwks.json`)).json()) as JSONWebKeySet;
  const db = await openDatabase(databaseUrl);
  const { clientId, citizens } = await registerChaosApp(db, { webhookUrl: receiver.url, citizens: count('citizens') });
  await db.close();
  const config = await client.discovery(new URL(server.sandboxUrl), clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  const ledger = new Ledger();
  const traffic = new Traffic({ origin: server.sandboxUrl, config, citizens, ledger, lanes: count('lanes') });
  return {
    server,
    traffic,
    ledger,
    receiver,
    databaseUrl,
    clientId,
    violations: [],
    checks: { runs: 0, integrity: [], auditVerifyFailures: 0 },
    async close() {
      await traffic.stop();
      await server.stop();
      server.close();
      await receiver.close();
    },
  };
}

/** Everything the ledger promises, nothing half-written, the file sound, the audit log intact. */
async function check(s: Stage, when: string): Promise<void> {
  const db = await openDatabase(s.databaseUrl);
  try {
    for (const lost of await lostWrites(db, s.ledger)) s.violations.push(`${when}: lost ${lost}`);
    for (const half of await halfWritten(db, s.clientId)) s.violations.push(`${when}: ${half}`);
    const integrity = await integrityCheck(db);
    if (integrity !== undefined && integrity !== 'ok') s.checks.integrity.push(`${when}: ${integrity}`);
  } finally {
    await db.close();
  }
  const verify = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--database', s.databaseUrl], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  if (verify.status !== 0) {
    s.checks.auditVerifyFailures += 1;
    s.violations.push(`${when}: audit verify: ${(verify.stdout + verify.stderr).trim().slice(0, 300)}`);
  }
  s.checks.runs += 1;
}

/**
 * Waits for the outbox to deliver every deletion request (a claim cut off by a kill expires after
 * its lease, then the row goes again), then compares with what the app's receiver processed.
 */
async function outboxOutcome(s: Stage) {
  const db = await openDatabase(s.databaseUrl);
  try {
    const outbox = webhookKysely(db);
    const pending = async () =>
      Number(
        (
          await outbox
            .selectFrom('webhook_outbox')
            .select(sql<number>`count(*)`.as('n'))
            .where('client_id', '=', s.clientId)
            .where('delivered_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const deadline = Date.now() + 180_000;
    while ((await pending()) > 0 && Date.now() < deadline) await sleep(1000);
    const requests = (
      await outbox.selectFrom('webhook_outbox').select('subject').where('client_id', '=', s.clientId).execute()
    ).map((r) => r.subject);
    const processed = s.receiver.events.map((e) => e.deletionRequestId);
    const processedSet = new Set(processed);
    return {
      deletionRequests: requests.length,
      undelivered: await pending(),
      processed: processedSet.size,
      // Every request processed by the app, none twice (the receiver deduplicates by webhook-id).
      eachProcessedOnce: processed.length === processedSet.size && requests.every((id) => processedSet.has(id)),
      // Attempts that reached the app again because a kill came between its answer and the commit.
      redeliveries: s.receiver.deliveries.length - new Set(s.receiver.deliveries).size,
      refusedBySignature: s.receiver.refused.length,
    };
  } finally {
    await db.close();
  }
}

function summary(s: Stage) {
  const { ledger, traffic } = s;
  return {
    journeys: {
      started: traffic.stats.journeysStarted,
      completed: traffic.stats.journeysCompleted,
      interrupted: traffic.stats.interrupted,
    },
    acknowledged: {
      consents: ledger.consents.size,
      revocations: [...ledger.consents.values()].filter((c) => c.revoked).length,
      tickets: ledger.tickets.size,
      files: ledger.exports.size,
      deletionRequests: ledger.deletions.size,
      writes: ledger.acknowledgedWrites,
      portalReads: ledger.reads,
    },
    lostAcknowledgedWrites: s.violations.filter((v) => v.includes(': lost ')).length,
    halfWritten: s.violations.filter((v) => !v.includes(': lost ') && !v.includes('audit verify')).length,
    integrityChecks: { runs: s.checks.runs, notOk: s.checks.integrity.length },
    auditVerify: { runs: s.checks.runs, failed: s.checks.auditVerifyFailures },
    unexpectedFailures: traffic.stats.unexpectedCount,
    firstViolations: [...s.violations, ...s.checks.integrity].slice(0, 10),
    firstUnexpected: traffic.stats.unexpected.slice(0, 10),
  };
}

const ms = (samples: number[]) => ({
  median: round(percentile(samples, 50)),
  p95: round(percentile(samples, 95)),
  max: round(Math.max(...samples)),
});

/** Kills the server `kills` times at random moments under load, checking after each restart. */
async function killScenario(name: string, databaseUrl: string, kills: number, work: string) {
  const s = await stage(name, databaseUrl, work);
  const restartMs: number[] = [];
  const uptimeMs: number[] = [];
  const progress = progressLine(`${name}: kill -9`, 0, kills);
  try {
    for (let i = 1; i <= kills; i++) {
      s.traffic.set('running');
      // Random moments: early (requests still warming the restarted process) to well into the load.
      const uptime = between(200, 3000);
      uptimeMs.push(uptime);
      await sleep(uptime);
      s.traffic.set('paused');
      await s.server.kill();
      restartMs.push(await s.server.start());
      await check(s, `after kill ${i}`);
      progress.update(i, `${s.ledger.acknowledgedWrites} acknowledged writes, ${s.violations.length} violations`);
    }
    progress.end();
    const outbox = await outboxOutcome(s);
    await check(s, 'at the end');
    return {
      name,
      database: databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres',
      kills,
      killAfterMs: ms(uptimeMs),
      restartMs: ms(restartMs),
      ...summary(s),
      outbox,
    };
  } finally {
    await s.close();
  }
}

/** Crashes PostgreSQL `outages` times with the platform running; probes it during and after each. */
async function outageScenario(cluster: PgCluster, outages: number, work: string) {
  const s = await stage('postgres-outage', cluster.url, work);
  const probes: ProbeResult[] = [];
  const reconnectMs: number[] = [];
  const progress = progressLine('postgres: stop -m immediate', 0, outages);
  try {
    s.traffic.set('running');
    for (let i = 1; i <= outages; i++) {
      await sleep(between(1000, 2500));
      s.traffic.set('outage');
      cluster.stop('immediate');
      probes.push(...(await probeOutage(s.server.sandboxUrl, 2000)));
      cluster.start();
      reconnectMs.push(await waitUntilHealthy(s.server.sandboxUrl, 30_000));
      s.traffic.set('running');
      progress.update(i, `reconnected in ${Math.round(reconnectMs.at(-1) ?? 0)} ms`);
    }
    progress.end();
    s.traffic.set('paused');
    await check(s, 'after the outages');
    const outbox = await outboxOutcome(s);
    return {
      name: 'postgres-outage',
      outages,
      ...outageFigures(probes, reconnectMs),
      answersToTheLoadDuringOutages: s.traffic.stats.duringOutage,
      otherAnswersDuringOutage: otherAnswers(s.traffic.stats.duringOutage),
      ...summary(s),
      outbox,
    };
  } finally {
    await s.close();
  }
}

/** Answers to the load during outages that were neither a 503 nor a dropped connection. */
const otherAnswers = (byStatus: Record<string, number>) =>
  Object.entries(byStatus).reduce(
    (n, [status, count]) => n + (status === '503' || status === 'no answer' ? 0 : count),
    0,
  );

function outageFigures(probes: ProbeResult[], reconnectMs: number[]) {
  const byKind: Record<string, { answers: number; statuses: Record<string, number>; withRetryAfter: number }> = {};
  for (const p of probes) {
    const k = byKind[p.kind] ?? { answers: 0, statuses: {}, withRetryAfter: 0 };
    byKind[p.kind] = k;
    k.answers += 1;
    k.statuses[p.status] = (k.statuses[p.status] ?? 0) + 1;
    if (p.retryAfter) k.withRetryAfter += 1;
  }
  return {
    probes: probes.length,
    probeLatencyMs: ms(probes.map((p) => p.ms)),
    probesOver5s: probes.filter((p) => p.ms > 5000).length,
    // Every answer during an outage is a 503 with Retry-After in the endpoint's error shape.
    probesNotAsExpected: probes.filter((p) => !p.asExpected).length,
    probesByKind: byKind,
    reconnectMs: ms(reconnectMs),
    reconnectsOver5s: reconnectMs.filter((m) => m > 5000).length,
  };
}

/** Fills the SQLite database's file system `rounds` times with the platform running, then frees it. */
async function diskFullScenario(disk: SmallDisk, rounds: number, work: string) {
  const s = await stage('sqlite-disk-full', `sqlite:${join(disk.path, 'healthbank.db')}`, work);
  const probes: ProbeResult[] = [];
  const recoveryMs: number[] = [];
  try {
    for (let i = 1; i <= rounds; i++) {
      s.traffic.set('running');
      await sleep(2000);
      s.traffic.set('outage');
      // The write-ahead log is reused from its start after each checkpoint: emptied first, every
      // write must grow it, so the full disk is met by the first commit rather than minutes later.
      await truncateWal(s.databaseUrl);
      const filler = fillDisk(disk.path);
      probes.push(...(await probeOutage(s.server.sandboxUrl, 4000, { writes: true })));
      rmSync(filler);
      const freed = performance.now();
      const completed = s.traffic.stats.journeysCompleted;
      s.traffic.set('running');
      while (s.traffic.stats.journeysCompleted === completed && performance.now() - freed < 60_000) await sleep(50);
      recoveryMs.push(performance.now() - freed);
      s.traffic.set('paused');
      await check(s, `after disk full ${i}`);
    }
    const outbox = await outboxOutcome(s);
    return {
      name: 'sqlite-disk-full',
      rounds,
      fileSystemBytes: disk.bytes,
      ...outageFigures(probes, []),
      answersToTheLoadWhileFull: s.traffic.stats.duringOutage,
      otherAnswersDuringOutage: otherAnswers(s.traffic.stats.duringOutage),
      firstJourneyAfterFreeingMs: ms(recoveryMs),
      ...summary(s),
      outbox,
    };
  } finally {
    await s.close();
  }
}

/** Checkpoints SQLite's write-ahead log into the database and truncates it to nothing. */
async function truncateWal(databaseUrl: string): Promise<void> {
  const db = await openDatabase(databaseUrl);
  try {
    await sql`pragma wal_checkpoint(truncate)`.execute(db.kysely);
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'healthbank-chaos-'));
  const results: Record<string, unknown>[] = [];
  const skipped: string[] = [];
  const started = Date.now();
  const write = () => writeReport(results, skipped, started);
  try {
    if (count('kills-sqlite') > 0) {
      results.push(await killScenario('sqlite-kill', `sqlite:${join(work, 'kill.db')}`, count('kills-sqlite'), work));
      write();
    }
    const wantsPostgres = count('kills-postgres') > 0 || count('outages') > 0;
    if (wantsPostgres && !postgresBinaries()) skipped.push('PostgreSQL scenarios: PostgreSQL is not installed');
    if (wantsPostgres && postgresBinaries()) {
      const cluster = createPgCluster(await freePort(), { max_connections: '100' });
      try {
        if (count('kills-postgres') > 0) {
          results.push(await killScenario('postgres-kill', cluster.url, count('kills-postgres'), work));
          write();
        }
        if (count('outages') > 0) {
          // A fresh database for the outages: the scenario's ledger starts empty.
          const url = cluster.url.replace(/\/postgres$/, '/outage');
          const admin = await openDatabase(cluster.url);
          await sql`create database outage`.execute(admin.kysely);
          await admin.close();
          results.push(await outageScenario({ ...cluster, url }, count('outages'), work));
          write();
        }
      } finally {
        cluster.destroy();
      }
    }
    if (count('disk-full') > 0) {
      // Room for the sandbox's database and its write-ahead log, then the filler takes the rest.
      const disk = smallDisk(join(work, 'small-disk'), 256 * 1024 * 1024);
      if ('skipped' in disk) skipped.push(`disk full: ${disk.skipped}`);
      else {
        try {
          results.push(await diskFullScenario(disk, count('disk-full'), work));
        } finally {
          disk.release();
        }
      }
    }
  } catch (error) {
    console.error(`the run stopped; the servers' logs are kept in ${work}`);
    throw error;
  }
  write();
  console.log(table(results));
  for (const line of skipped) console.log(`skipped: ${line}`);
  const failed = results.some(
    (r) =>
      (r.lostAcknowledgedWrites as number) > 0 ||
      (r.halfWritten as number) > 0 ||
      (r.integrityChecks as { notOk: number }).notOk > 0 ||
      (r.auditVerify as { failed: number }).failed > 0 ||
      (r.unexpectedFailures as number) > 0 ||
      !(r.outbox as { eachProcessedOnce: boolean }).eachProcessedOnce ||
      ((r.probesNotAsExpected as number | undefined) ?? 0) > 0 ||
      ((r.probesOver5s as number | undefined) ?? 0) > 0 ||
      ((r.reconnectsOver5s as number | undefined) ?? 0) > 0 ||
      // An outage or a full disk is answered with 503s and dropped connections, never a 500.
      Object.keys((r.answersToTheLoadDuringOutages ?? r.answersToTheLoadWhileFull ?? {}) as object).some(
        (s) => s.startsWith('5') && s !== '503',
      ),
  );
  console.log(`\nbench/results/chaos.json written${failed ? ' — FAILURES above' : ''}`);
  if (failed) {
    console.log(`the servers' logs are kept in ${work}`);
    process.exitCode = 1;
  } else {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Writes what has been measured so far: a run that stops halfway keeps its finished scenarios. */
function writeReport(results: Record<string, unknown>[], skipped: string[], started: number): void {
  const report = {
    benchmark: 'chaos',
    date: new Date().toISOString(),
    machine: machineFacts(),
    minutes: round((Date.now() - started) / 60_000),
    lanes: count('lanes'),
    citizens: count('citizens'),
    scenarios: results,
    skipped,
  };
  mkdirSync(join(REPO, 'bench', 'results'), { recursive: true });
  writeFileSync(join(REPO, 'bench', 'results', 'chaos.json'), `${JSON.stringify(report, null, 2)}\n`);
}

function table(results: Record<string, unknown>[]): string {
  const get = (r: Record<string, unknown>, path: string) =>
    path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], r);
  const rows: [string, string][] = [
    ['faults (kills, outages or rounds)', 'kills|outages|rounds'],
    ['journeys completed', 'journeys.completed'],
    ['journeys cut off by a fault', 'journeys.interrupted'],
    ['acknowledged writes', 'acknowledged.writes'],
    ['lost acknowledged writes', 'lostAcknowledgedWrites'],
    ['half-written', 'halfWritten'],
    ['integrity checks not ok', 'integrityChecks.notOk'],
    ['audit verify failures', 'auditVerify.failed'],
    ['unexpected failures', 'unexpectedFailures'],
    ['deletion requests', 'outbox.deletionRequests'],
    ['  each processed once', 'outbox.eachProcessedOnce'],
    ['  redelivered (same id)', 'outbox.redeliveries'],
    ['restart ms (median)', 'restartMs.median'],
    ['outage answer ms (max)', 'probeLatencyMs.max'],
    ['outage answers not 503 + Retry-After', 'probesNotAsExpected'],
    ['load: answers other than 503 in outages', 'otherAnswersDuringOutage'],
    ['reconnect ms (max)', 'reconnectMs.max'],
    ['first journey after freeing ms', 'firstJourneyAfterFreeingMs.max'],
  ];
  const value = (r: Record<string, unknown>, path: string) => {
    for (const p of path.split('|')) {
      const v = get(r, p);
      if (v !== undefined) return typeof v === 'boolean' ? (v ? 'yes' : 'NO') : v;
    }
    return undefined;
  };
  return formatTable(
    '\nchaos: faults under a mixed load (consents, files, revocations, deletion requests, portal pages)',
    ['', ...results.map((r) => String(r.name))],
    rows.map(([label, path]) => [label, ...results.map((r) => value(r, path))]),
  );
}

await main();
