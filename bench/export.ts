/**
 * Export benchmark: what a file costs the server per content format for a heavy citizen, against
 * a floor measured in the same run; files a second for typical citizens under load; and what
 * opening the heavy file costs the SDK in Chromium.
 *
 *   node --conditions=@healthbank/source --import tsx bench/export.ts
 *
 * The real server (`buildApp`) listens on 127.0.0.1 over a scratch SQLite database holding 1,000
 * synthetic citizens, the personas, and the heavy citizen: the heaviest of 20,000 more generated
 * citizens, as the generator made it (see `insertHeaviestCitizen`). A public bench app
 * allowed every category gets its tickets through the real flows: PAR with PKCE, DPoP and a
 * pinned device export key, sign-in through the sandbox persona form, the consent page (every
 * category, all time, once), the code exchange, `POST /api/export/tickets`.
 *
 * - Server time per format: `GET /api/export/files/:ticket?format=…` for the heavy citizen, one
 *   request at a time from a child process over loopback, send to last byte, nothing subtracted:
 *   the whole route (proof, ticket, consent and limits checked, records read, serialized,
 *   compressed, signed, encrypted, the export recorded, the file sent). The route's own steps are
 *   also timed in process by calling the functions it calls, for the breakdown.
 * - Floor: `JSON.stringify` and one AES-256-GCM pass (WebCrypto) over the same records, already in
 *   memory. The ratio of each format's p50 to the floor's is the figure; target ≤ 3 for `records`.
 * - Load: typical citizens (record counts nearest the median), 20 citizens × 12 consents (a
 *   consent gives at most 24 files a day), files fetched by a child process keeping
 *   HEALTHBANK_BENCH_EXPORT_CONCURRENCY (default 8) requests in flight for 10 s after a 2 s warm-up;
 *   target ≥ 100 files/s with p99 ≤ 250 ms on 2 cores.
 * - SDK: `openExportFile` on the heavy file of each format in headless Chromium (the SDK's browser
 *   bundle) and in Node, the device key non-extractable.
 * - PostgreSQL: when HEALTHBANK_BENCH_POSTGRES_URL names a server where scratch databases may be
 *   created, the heavy citizen's server time (route, steps, floor) is measured again with the
 *   platform on PostgreSQL.
 *
 * Writes bench/results/export.json and prints tables.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { EXPORT_CONTENT_FORMATS, type ExportContentFormat } from '@healthbank/records';
import type { JSONWebKeySet } from 'jose';
import { dpopProof } from '../packages/server/src/auth/testing-client.js';
import { openInChromium, openInNode } from './lib/export-browser.js';
import {
  allowSandboxSignIn,
  BENCH_EXPORT_CLIENT_ID,
  type ExportBench,
  type HeavyCitizen,
  insertHeaviestCitizen,
  type MintedTicket,
  mintTickets,
  startExportBench,
  typicalCitizens,
} from './lib/export-platform.js';
import { type ExportReportInput, type HeavyServerTime, report, SETTINGS } from './lib/export-report.js';
import { consentedRecords, measureFloor, measureInternals } from './lib/export-server-time.js';
import type { LoadResult } from './lib/load/job.js';
import { runLoad } from './lib/load/runner.js';
import { databaseProcesses } from './lib/platform.js';
import { progressLine } from './lib/progress.js';

const {
  seed: SEED,
  asOf: AS_OF,
  citizens: CITIZENS,
  heavy: HEAVY,
  typicalCitizens: TYPICAL_CITIZENS,
  consentsPerCitizen: CONSENTS_PER_CITIZEN,
  mintingLanes: MINTING_LANES,
  filesPerConsent: FILES_PER_CONSENT,
} = SETTINGS;

function concurrency(): number {
  const n = Number(process.env.HEALTHBANK_BENCH_EXPORT_CONCURRENCY ?? 8);
  if (!Number.isInteger(n) || n < 1 || n > 32) {
    throw new Error('HEALTHBANK_BENCH_EXPORT_CONCURRENCY must be a whole number from 1 to 32');
  }
  return n;
}

function assertClean(label: string, result: LoadResult): void {
  const failed = result.warmup.failed + result.measured.failed;
  if (failed > 0) {
    const first = result.measured.firstFailure ?? result.warmup.firstFailure;
    throw new Error(`${label}: ${failed} requests failed; first: ${first}`);
  }
}

/** One more file of the heavy consent, fetched here, for the SDK measures. */
async function fetchFile(bench: ExportBench, ticket: string, format: ExportContentFormat): Promise<string> {
  const target = new URL(`/api/export/files/${ticket}`, bench.platform.url);
  const proof = await dpopProof(bench.dpopKeys, { htm: 'GET', htu: target.href });
  const response = await fetch(`${target.href}?format=${format}`, {
    headers: { dpop: proof, accept: 'application/jose' },
  });
  if (response.status !== 200) throw new Error(`${format} file: ${response.status} ${await response.text()}`);
  return response.text();
}

/**
 * Server time for the heavy citizen on one platform: the route, one request at a time, per format
 * (then, when `files` is given, one more file each for the SDK); the route's steps in process; and
 * the floor over the same records.
 */
async function heavyServerTime(
  bench: ExportBench,
  heavy: HeavyCitizen,
  tickets: readonly MintedTicket[],
  files?: Partial<Record<ExportContentFormat, string>>,
): Promise<HeavyServerTime> {
  const label = bench.platform.db.dialect;
  const ticketOf = (format: ExportContentFormat) => tickets[EXPORT_CONTENT_FORMATS.indexOf(format)] as MintedTicket;
  const http: HeavyServerTime['http'] = {};
  for (const format of EXPORT_CONTENT_FORMATS) {
    process.stderr.write(`${label}, heavy citizen: GET /api/export/files/:ticket?format=${format} …\n`);
    const { ticket } = ticketOf(format);
    const databasePids = databaseProcesses(bench.platform.db);
    const result = await runLoad(
      {
        origin: bench.platform.url,
        concurrency: 1,
        warmup: { maxMs: 60_000, maxRequests: HEAVY.warmup },
        measured: { maxMs: 60_000, maxRequests: HEAVY.runs },
        maxRequests: HEAVY.warmup + HEAVY.runs,
        target: {
          kind: 'export-file',
          format,
          dpopKey: bench.dpopPrivateJwk,
          tickets: [{ ticket, files: HEAVY.warmup + HEAVY.runs }],
        },
      },
      databasePids ? { databasePids } : {},
    );
    assertClean(`${label} heavy ${format}`, result);
    http[format] = result;
    if (files) files[format] = await fetchFile(bench, ticket, format);
  }

  process.stderr.write(`${label}, heavy citizen: the route’s steps in process, and the floor …\n`);
  const internals: HeavyServerTime['internals'] = {};
  for (const format of EXPORT_CONTENT_FORMATS) {
    internals[format] = await measureInternals(
      bench,
      ticketOf(format).consentId,
      format,
      HEAVY.internalRuns,
      HEAVY.warmup,
    );
  }
  const { records, count } = await consentedRecords(bench, ticketOf('records').consentId);
  if (count !== heavy.records) throw new Error(`the consent reads ${count} of the heavy citizen's ${heavy.records}`);
  const floor = await measureFloor(records, HEAVY.floorRuns, HEAVY.floorWarmup);
  return { http, internals, floor };
}

function buildHeavyCitizen(bench: ExportBench): Promise<HeavyCitizen> {
  process.stderr.write(`${bench.platform.db.dialect}: inserting the heavy citizen …\n`);
  return insertHeaviestCitizen(bench, {
    seed: SEED,
    asOf: AS_OF,
    from: CITIZENS,
    candidates: HEAVY.candidates,
    minYears: HEAVY.minYears,
  });
}

async function measure(bench: ExportBench, inFlight: number): Promise<Omit<ExportReportInput, 'info' | 'postgres'>> {
  const { platform } = bench;
  const heavy = await buildHeavyCitizen(bench);
  const typical = await typicalCitizens(bench, TYPICAL_CITIZENS);
  await allowSandboxSignIn(bench, [heavy, ...typical]);

  const total = EXPORT_CONTENT_FORMATS.length + TYPICAL_CITIZENS * CONSENTS_PER_CITIZEN;
  const progress = progressLine('consents and tickets through real flows', 0, total);
  const t0 = performance.now();
  let minted = 0;
  const onProgress = () => progress.update(++minted, `${Math.round(minted / ((performance.now() - t0) / 1000))}/s`);
  const [heavyTickets = []] = await mintTickets(bench, [heavy], EXPORT_CONTENT_FORMATS.length, 1, onProgress);
  const loadTickets = (await mintTickets(bench, typical, CONSENTS_PER_CITIZEN, MINTING_LANES, onProgress)).flat();
  progress.end();
  const mintingSeconds = (performance.now() - t0) / 1000;

  const files: Partial<Record<ExportContentFormat, string>> = {};
  const { http, internals, floor } = await heavyServerTime(bench, heavy, heavyTickets, files);

  // Where a typical file's time goes, for reading the load figures (the consent's quota is untouched).
  const typicalSteps = await measureInternals(
    bench,
    (loadTickets[0] as MintedTicket).consentId,
    'records',
    SETTINGS.typicalSteps.runs,
    SETTINGS.typicalSteps.warmup,
  );

  process.stderr.write(`typical citizens: files under load, ${inFlight} in flight …\n`);
  const load = await runLoad({
    origin: platform.url,
    concurrency: inFlight,
    warmup: { maxMs: SETTINGS.load.warmupMs, maxRequests: SETTINGS.load.maxRequests },
    measured: { maxMs: SETTINGS.load.durationMs, maxRequests: SETTINGS.load.maxRequests },
    maxRequests: 2 * SETTINGS.load.maxRequests,
    target: {
      kind: 'export-file',
      format: 'records',
      dpopKey: bench.dpopPrivateJwk,
      tickets: loadTickets.map(({ ticket }) => ({ ticket, files: FILES_PER_CONSENT })),
    },
  });
  assertClean('load', load);

  const jwks = (await (await fetch(`${platform.url}/.well-known/export-jwks.json`)).json()) as JSONWebKeySet;
  const openInput = {
    files,
    jwks,
    issuer: platform.url,
    audience: BENCH_EXPORT_CLIENT_ID,
    privateJwk: bench.exportKey.privateJwk,
    thumbprint: bench.exportKey.thumbprint,
    runs: SETTINGS.sdk.runs,
    warmup: SETTINGS.sdk.warmup,
  };
  process.stderr.write('SDK: openExportFile in Node …\n');
  const node = await openInNode(openInput);
  process.stderr.write('SDK: openExportFile in Chromium …\n');
  const chromium = await openInChromium(openInput);
  return {
    heavy,
    typical,
    seeded: bench.seeded,
    mintingSeconds,
    loadConsents: loadTickets.length,
    http,
    internals,
    floor,
    typicalSteps,
    load,
    node,
    chromium,
  };
}

/** The heavy citizen's server time again, with the platform on PostgreSQL. */
async function onPostgres(serverUrl: string): Promise<HeavyServerTime & { heavy: HeavyCitizen }> {
  process.stderr.write(`postgres: seeding ${CITIZENS.toLocaleString('en-US')} synthetic citizens …\n`);
  const bench = await startExportBench({
    citizens: CITIZENS,
    seed: SEED,
    asOf: AS_OF,
    target: { dialect: 'postgres', label: 'postgres', serverUrl },
  });
  return closingAfter(bench, async () => {
    const heavy = await buildHeavyCitizen(bench);
    await allowSandboxSignIn(bench, [heavy]);
    const [tickets = []] = await mintTickets(bench, [heavy], EXPORT_CONTENT_FORMATS.length, 1, () => {});
    return { heavy, ...(await heavyServerTime(bench, heavy, tickets)) };
  });
}

/** Runs `work`, then closes the platform and deletes its scratch database, Ctrl-C included. */
async function closingAfter<T>(bench: ExportBench, work: () => Promise<T>): Promise<T> {
  let stop: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    stop = () => reject(new Error('interrupted'));
    process.once('SIGINT', stop);
  });
  try {
    return await Promise.race([work(), interrupted]);
  } finally {
    if (stop) process.off('SIGINT', stop);
    await bench.platform.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAverage = os.loadavg()[0] ?? 0;
  const inFlight = concurrency();
  process.stderr.write(`seeding ${CITIZENS.toLocaleString('en-US')} synthetic citizens …\n`);
  const bench = await startExportBench({ citizens: CITIZENS, seed: SEED, asOf: AS_OF });
  const measured = await closingAfter(bench, () => measure(bench, inFlight));
  const pgUrl = process.env.HEALTHBANK_BENCH_POSTGRES_URL;
  const postgres = pgUrl ? await onPostgres(pgUrl) : undefined;
  const result = report({
    ...measured,
    postgres,
    info: { concurrency: inFlight, loadAverage, runtimeSeconds: (performance.now() - started) / 1000 },
  });
  const out = join(import.meta.dirname, 'results', 'export.json');
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

await main();
