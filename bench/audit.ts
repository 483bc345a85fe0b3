/**
 * Audit benchmark: `verifyAuditLog` (what `healthbank audit verify` runs) over 1,000,000 entries
 * with a signed checkpoint every 1,000 (what the server writes on a busy day), on SQLite, and on
 * PostgreSQL when HEALTHBANK_BENCH_POSTGRES_URL names a server where scratch databases may be
 * created. Verification checks the chain, every checkpoint's signature and chain head, and the
 * RFC 6962 root at each. The baseline, measured in the same run, is the floor of that work: the
 * same chain hashes and Merkle tree over the same entries in a loop, with nothing read from a
 * database and no signature. Target (issue 10): ≤ 10 s on the 2-core machine. Writes
 * bench/results/audit.json.
 *
 *   node --conditions=@healthbank/source --import tsx bench/audit.ts
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { leafHash, MerkleFrontier, makeNationalId } from '../packages/records/src/index.js';
import {
  CHECKPOINT_EVERY_ENTRIES,
  entryHash,
  entryHashBytes,
  GENESIS_HASH,
  verifyAuditLog,
  writeCheckpoint,
} from '../packages/server/src/audit/index.js';
import { createTestDatabase, type TestDatabase } from '../packages/server/src/db/testing.js';
import { developmentExportSigningKeys, loadExportKeyring } from '../packages/server/src/export/keys.js';
import { type AuditQuery, searchAudit } from '../packages/server/src/review/search.js';
import { machineFacts } from './lib/machine.js';
import { progressLine } from './lib/progress.js';
import { round } from './lib/stats.js';
import { formatTable } from './lib/table.js';

const ENTRIES = Number(process.env.HEALTHBANK_BENCH_AUDIT_ENTRIES ?? 1_000_000);
const INSERT_BATCH = 1_000;
const TYPES = ['signin', 'consent.given', 'export.file', 'consent.revoked'] as const;
const T0 = Date.UTC(2026, 0, 1);

/** Entry `seq`, as a busy platform writes them: mostly exports, each with a digest and details. */
function fieldsOf(seq: number) {
  const type = TYPES[seq % TYPES.length] as string;
  return {
    seq,
    at: T0 + seq * 37,
    type,
    citizenId: 1 + (seq % 200_000),
    clientId: `app-${seq % 40}`,
    subject:
      type === 'export.file'
        ? `exp_${seq.toString(36).padStart(22, '0')}`
        : `cns_${(seq >> 2).toString(36).padStart(22, '0')}`,
    digest: type === 'export.file' ? 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg' : null,
    details:
      type === 'export.file' ? '{"format":"records","categories":"lab outpatient","content_length":48213}' : null,
  };
}

interface Row {
  seq: number;
  at: number;
  type: string;
  citizen_id: number;
  client_id: string;
  subject: string;
  digest: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

const keyring = await loadExportKeyring(developmentExportSigningKeys());

/**
 * Writes a valid chain of ENTRIES entries straight into the table (the triggers refuse only UPDATE
 * and DELETE), with a checkpoint every CHECKPOINT_EVERY_ENTRIES, as the server's job would.
 */
async function fill(t: TestDatabase): Promise<number> {
  const started = performance.now();
  const progress = progressLine(`writing ${ENTRIES.toLocaleString('en-US')} entries (${t.db.dialect})`, 0, ENTRIES);
  let prev = GENESIS_HASH;
  for (let from = 1; from <= ENTRIES; from += INSERT_BATCH) {
    const rows: Row[] = [];
    for (let seq = from; seq < from + INSERT_BATCH && seq <= ENTRIES; seq++) {
      const f = fieldsOf(seq);
      const hash = entryHash(prev, f);
      rows.push({
        seq,
        at: f.at,
        type: f.type,
        citizen_id: f.citizenId,
        client_id: f.clientId,
        subject: f.subject,
        digest: f.digest,
        details: f.details,
        prev_hash: prev,
        hash,
      });
      prev = hash;
    }
    await t.db.kysely
      .transaction()
      .execute((trx) => trx.withTables<{ audit_log: Row }>().insertInto('audit_log').values(rows).execute());
    const written = Math.min(from + INSERT_BATCH - 1, ENTRIES);
    if (written % CHECKPOINT_EVERY_ENTRIES === 0 || written === ENTRIES) {
      await writeCheckpoint(t.db, keyring, T0 + written * 37);
    }
    progress.update(Math.min(from + INSERT_BATCH - 1, ENTRIES), '');
  }
  progress.end();
  return (performance.now() - started) / 1000;
}

/** The floor: the same chain and Merkle hashing with no database. */
function hashOnly(): number {
  const started = performance.now();
  let prev = GENESIS_HASH;
  const tree = new MerkleFrontier();
  for (let seq = 1; seq <= ENTRIES; seq++) {
    const hash = entryHashBytes(prev, fieldsOf(seq));
    tree.push(leafHash(hash));
    prev = hash.toString('base64url');
    if (seq % CHECKPOINT_EVERY_ENTRIES === 0) tree.root();
  }
  return (performance.now() - started) / 1000;
}

const SEARCH_CITIZENS = 200_000;
const SEARCH_TARGET_MS = 2_000;
const SEARCH_RUNS = 5;

/** The population the entries name: 200,000 citizens, so search results are masked as in production. */
async function fillCitizens(t: TestDatabase): Promise<void> {
  const progress = progressLine(
    `writing ${SEARCH_CITIZENS.toLocaleString('en-US')} citizens (${t.db.dialect})`,
    0,
    SEARCH_CITIZENS,
  );
  for (let from = 0; from < SEARCH_CITIZENS; from += INSERT_BATCH) {
    const rows = [];
    for (let i = from; i < Math.min(from + INSERT_BATCH, SEARCH_CITIZENS); i++) {
      const sex = i % 2 === 0 ? ('female' as const) : ('male' as const);
      rows.push({
        national_id: makeNationalId('A', sex, i),
        nhi_card_number: String(100_000_000_000 + i),
        name: `測試${i}`,
        sex,
        birth_date: '1970-01-01',
        county: '臺北市',
        township: '大安區',
        persona: null,
        employer_ubn: null,
      });
    }
    await t.db.kysely.insertInto('citizens').values(rows).execute();
    progress.update(Math.min(from + INSERT_BATCH, SEARCH_CITIZENS), '');
  }
  progress.end();
}

/** The reviewers' questions, each timed SEARCH_RUNS times: the slowest run is what counts. */
async function measureSearch(t: TestDatabase) {
  await fillCitizens(t);
  const all = { from: T0, to: T0 + (ENTRIES + 1) * 37 };
  const middle = T0 + Math.floor(ENTRIES / 2) * 37;
  const queries: [string, AuditQuery][] = [
    ['one citizen, all time', { ...all, citizenId: 12_346 }],
    ['one app, one hour', { from: middle, to: middle + 3_600_000, clientId: 'app-7' }],
    ['one app and category, all time', { ...all, clientId: 'app-6', category: 'lab' }],
    ['a category nobody shared, all time', { ...all, category: 'dental' }],
    ['everything, ten minutes', { from: middle, to: middle + 600_000 }],
  ];
  const rows = [];
  for (const [label, query] of queries) {
    const times: number[] = [];
    let hits = 0;
    for (let run = 0; run < SEARCH_RUNS; run++) {
      const started = performance.now();
      hits = (await searchAudit(t.db, query)).hits.length;
      times.push(performance.now() - started);
    }
    rows.push({
      query: label,
      hits,
      maxMs: round(Math.max(...times)),
      medianMs: round(times.sort((a, b) => a - b)[2] ?? 0),
    });
  }
  // Baseline of the same run: one full pass over the log (what an unindexed search would cost).
  const started = performance.now();
  await t.db.kysely
    .withTables<{ audit_log: Row }>()
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('details', 'like', '%dental%')
    .execute();
  const fullScanMs = round(performance.now() - started);
  return { fullScanMs, queries: rows };
}

async function measure(t: TestDatabase) {
  const fillSeconds = await fill(t);
  const started = performance.now();
  const result = await verifyAuditLog(t.db, { jwks: keyring.jwks });
  const verifySeconds = (performance.now() - started) / 1000;
  if (
    !result.ok ||
    result.entries !== ENTRIES ||
    result.checkpoints !== Math.ceil(ENTRIES / CHECKPOINT_EVERY_ENTRIES)
  ) {
    throw new Error(`verification failed: ${JSON.stringify(result)}`);
  }
  return {
    fillSeconds: round(fillSeconds),
    verifySeconds: round(verifySeconds),
    checkpoints: result.checkpoints,
    entriesPerSecond: Math.round(ENTRIES / verifySeconds),
    search: await measureSearch(t),
  };
}

const targets = [
  { dialect: 'sqlite' as const, label: 'sqlite' },
  ...(process.env.HEALTHBANK_BENCH_POSTGRES_URL
    ? [{ dialect: 'postgres' as const, label: 'postgres', serverUrl: process.env.HEALTHBANK_BENCH_POSTGRES_URL }]
    : []),
];
const floorSeconds = round(hashOnly());
const results: Record<string, Awaited<ReturnType<typeof measure>> | 'skipped'> = { postgres: 'skipped' };
for (const target of targets) {
  const t = await createTestDatabase(target, { prefix: 'healthbank_bench_audit' });
  try {
    results[target.label] = await measure(t);
  } finally {
    await t.dispose();
  }
}

const out = {
  measuredAt: new Date().toISOString(),
  machine: machineFacts(),
  settings: {
    entries: ENTRIES,
    checkpointEvery: CHECKPOINT_EVERY_ENTRIES,
    targetSeconds: 10,
    search: { citizens: SEARCH_CITIZENS, runs: SEARCH_RUNS, targetMs: SEARCH_TARGET_MS },
  },
  floor: { hashOnlySeconds: floorSeconds },
  results,
};
await writeFile(join(import.meta.dirname, 'results', 'audit.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(
  formatTable(
    `audit verify over ${ENTRIES.toLocaleString('en-US')} entries (target ≤ 10 s)`,
    ['database', 'verify s', '× hashing floor', 'entries/s', 'writing s'],
    Object.entries(results).map(([label, r]) =>
      r === 'skipped'
        ? [label, 'skipped (set HEALTHBANK_BENCH_POSTGRES_URL)']
        : [label, r.verifySeconds, round(r.verifySeconds / floorSeconds), r.entriesPerSecond, r.fillSeconds],
    ),
  ),
);
for (const [label, r] of Object.entries(results)) {
  if (r === 'skipped') continue;
  console.log(
    formatTable(
      `audit search on ${label}: ${SEARCH_CITIZENS.toLocaleString('en-US')} citizens, ${ENTRIES.toLocaleString('en-US')} entries (target ≤ ${SEARCH_TARGET_MS} ms)`,
      ['question', 'hits', 'slowest ms', 'median ms', '× full scan'],
      r.search.queries.map((q) => [q.query, q.hits, q.maxMs, q.medianMs, round(q.maxMs / r.search.fullScanMs)]),
    ),
  );
  const slow = r.search.queries.filter((q) => q.maxMs > SEARCH_TARGET_MS);
  if (slow.length) {
    console.error(`audit search over target on ${label}: ${slow.map((q) => q.query).join(', ')}`);
    process.exitCode = 1;
  }
}
