/**
 * Checks the whole audit log: the chain (entries numbered without gaps, each hash recomputed from
 * its fields and its predecessor's hash), and every checkpoint — its signature, its chain head and
 * its RFC 6962 root recomputed from the entries — starting from the pruning anchor if there is one.
 * Streams the log in keyset batches, so it never has to fit in memory.
 */
import { auditCheckpointClaims, equalBytes, leafHash, MerkleFrontier } from '@healthbank/records';
import type { JSONWebKeySet } from 'jose';
import { nativeHandle } from '../db/connection.js';
import type { Database } from '../db/index.js';
import { entryHashBytes, GENESIS_HASH } from './chain.js';
import {
  frontierOf,
  latestAnchor,
  listCheckpoints,
  type StoredCheckpoint,
  verifyAuditCheckpoint,
} from './checkpoints.js';
import { READ_BATCH } from './limits.js';
import { auditKysely } from './tables.js';

export interface VerifyAuditOptions {
  /**
   * The published keys checkpoints are signed with (the export JWKS). Without them only what the
   * signatures claim is compared with the log, and `signaturesChecked` is false.
   */
  jwks?: JSONWebKeySet;
  /**
   * The retention period: a pruning anchor younger than this means entries were deleted before
   * their time (with `now`).
   */
  retentionMs?: number;
  now?: number;
  /** Called every batch with the entries checked and the entries to check. */
  onProgress?: (checked: number, total: number) => void;
}

export type AuditVerification =
  | {
      ok: true;
      entries: number;
      lastSeq: number | null;
      lastHash: string;
      /** Checkpoints checked (the anchor included). */
      checkpoints: number;
      signaturesChecked: boolean;
      /** Entries up to this one were pruned; the log verifies from the anchor after it. */
      prunedUpTo: number | null;
    }
  | { ok: false; entries: number; seq: number; reason: string };

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const isoTime = (ms: number) => new Date(ms).toISOString();

/**
 * Verifies the log and names the first bad entry.
 *
 * @example
 * ```ts
 * const result = await verifyAuditLog(db, { jwks: keyring.jwks });
 * if (!result.ok) console.error(`entry ${result.seq}: ${result.reason}`);
 * ```
 */
export async function verifyAuditLog(db: Database, options: VerifyAuditOptions = {}): Promise<AuditVerification> {
  const anchor = await latestAnchor(db);
  const checkpoints = await listCheckpoints(db, anchor?.tree_size ?? 0);
  for (const checkpoint of checkpoints) {
    const problem = await checkSignature(checkpoint, options.jwks);
    if (problem) return { ok: false, entries: 0, seq: checkpoint.tree_size, reason: problem };
  }

  const start = anchor?.tree_size ?? 0;
  let tree = new MerkleFrontier();
  let prevHash = GENESIS_HASH;
  if (anchor) {
    tree = frontierOf(anchor);
    prevHash = anchor.chain_head;
    if (b64(tree.root()) !== anchor.root_hash) {
      return {
        ok: false,
        entries: 0,
        seq: start,
        reason: 'the pruning anchor’s frontier does not give its signed root',
      };
    }
    if (options.retentionMs !== undefined && (options.now ?? Date.now()) - anchor.time < options.retentionMs) {
      return {
        ok: false,
        entries: 0,
        seq: start,
        reason: `entries up to ${start} were pruned before their retention period ended (anchor of ${isoTime(anchor.time)})`,
      };
    }
  }

  const pending = checkpoints.filter((c) => c.tree_size > start);
  let next = 0;
  const head = await auditKysely(db.kysely)
    .selectFrom('audit_log')
    .select('seq')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const total = Math.max(0, Number(head?.seq ?? start) - start);
  let expectedSeq = start + 1;
  let entries = 0;
  for await (const batch of entriesOf(db, start)) {
    for (const row of batch) {
      const seq = Number(row[0]);
      if (seq !== expectedSeq)
        return { ok: false, entries, seq: expectedSeq, reason: `entry ${expectedSeq} is missing` };
      const hash = entryHashBytes(prevHash, {
        seq,
        at: Number(row[1]),
        type: row[2],
        citizenId: row[3],
        clientId: row[4],
        subject: row[5],
        digest: row[6],
        details: row[7],
      });
      const encoded = hash.toString('base64url');
      if (encoded !== row[8]) return { ok: false, entries, seq, reason: await whyBroken(db, seq, prevHash) };
      tree.push(leafHash(hash));
      prevHash = encoded;
      expectedSeq = seq + 1;
      entries++;
      const checkpoint = pending[next];
      if (checkpoint?.tree_size === seq) {
        next++;
        const rewritten =
          checkpoint.chain_head !== prevHash ||
          !equalBytes(tree.root(), Buffer.from(checkpoint.root_hash, 'base64url'));
        if (rewritten) {
          const after = pending[next - 2]?.tree_size ?? start;
          return {
            ok: false,
            entries,
            seq: after + 1,
            reason: `entries ${after + 1}–${seq} differ from what the checkpoint of ${isoTime(checkpoint.time)} signed`,
          };
        }
      }
    }
    options.onProgress?.(entries, total);
  }
  const beyond = pending[next];
  if (beyond) {
    // A signed checkpoint covers entries that are gone: the newest entries were cut off.
    return {
      ok: false,
      entries,
      seq: expectedSeq,
      reason: `entry ${expectedSeq} is missing: the checkpoint of ${isoTime(beyond.time)} covers ${beyond.tree_size} entries`,
    };
  }
  options.onProgress?.(entries, total);
  return {
    ok: true,
    entries,
    lastSeq: expectedSeq > 1 ? expectedSeq - 1 : null,
    lastHash: prevHash,
    checkpoints: checkpoints.length,
    signaturesChecked: options.jwks !== undefined,
    prunedUpTo: anchor ? start : null,
  };
}

/** Why a checkpoint cannot be trusted, or undefined. */
async function checkSignature(
  checkpoint: StoredCheckpoint,
  jwks: JSONWebKeySet | undefined,
): Promise<string | undefined> {
  const claims = jwks ? await verifyAuditCheckpoint(checkpoint.jws, jwks) : auditCheckpointClaims(checkpoint.jws);
  if (!claims) return `the checkpoint at ${checkpoint.tree_size} is not validly signed by a published key`;
  if (
    claims.tree_size !== checkpoint.tree_size ||
    claims.root_hash !== checkpoint.root_hash ||
    claims.chain_head !== checkpoint.chain_head ||
    claims.time !== checkpoint.time
  ) {
    return `the checkpoint at ${checkpoint.tree_size} differs from what it signed`;
  }
  return undefined;
}

/** Tells an entry that does not follow its predecessor from one whose own fields were changed. */
async function whyBroken(db: Database, seq: number, prevHash: string): Promise<string> {
  const row = await auditKysely(db.kysely)
    .selectFrom('audit_log')
    .select('prev_hash')
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row?.prev_hash !== prevHash
    ? 'it does not follow the entry before it (previous hash differs)'
    : 'its content does not match its hash';
}

/** seq, at, type, citizen_id, client_id, subject, digest, details, hash. */
type EntryRow = [
  number | string,
  number | string,
  string,
  number | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
];

const COLUMNS = ['seq', 'at', 'type', 'citizen_id', 'client_id', 'subject', 'digest', 'details', 'hash'] as const;

/**
 * Entries after `afterSeq` in order, in keyset batches. SQLite: one prepared statement returning
 * arrays (no objects); PostgreSQL: arrays from the pool, one batch read ahead (in a transaction:
 * through Kysely). `prev_hash` is not read: the recomputed hash already depends on it, and it is
 * looked up only to explain a break.
 */
async function* entriesOf(db: Database, afterSeq: number): AsyncGenerator<EntryRow[]> {
  const native = db.kysely.isTransaction ? undefined : nativeHandle(db);
  let after = afterSeq;
  if (native?.dialect === 'sqlite') {
    const statement = native.sqlite
      .prepare(`select ${COLUMNS.join(', ')} from audit_log where seq > ? order by seq limit ${READ_BATCH}`)
      .raw();
    for (;;) {
      const rows = statement.all(after) as EntryRow[];
      if (rows.length > 0) yield rows;
      if (rows.length < READ_BATCH) return;
      after = Number(rows[rows.length - 1]?.[0]);
    }
  }
  // PostgreSQL: rows as arrays straight from the pool, and the next batch asked for before this
  // one is hashed, so the server reads while this process hashes (the two cores overlap).
  const select = `select ${COLUMNS.join(', ')} from audit_log where seq > $1 order by seq limit ${READ_BATCH}`;
  const read =
    native?.dialect === 'postgres'
      ? async (from: number) =>
          (await native.pool.query<EntryRow>({ text: select, values: [from], rowMode: 'array' })).rows
      : async (from: number) =>
          (
            await auditKysely(db.kysely)
              .selectFrom('audit_log')
              .select(COLUMNS)
              .where('seq', '>', from)
              .orderBy('seq')
              .limit(READ_BATCH)
              .execute()
          ).map(
            (r): EntryRow => [r.seq, r.at, r.type, r.citizen_id, r.client_id, r.subject, r.digest, r.details, r.hash],
          );
  let reading = read(after);
  for (;;) {
    const rows = await reading;
    const more = rows.length === READ_BATCH;
    if (more) {
      reading = read(Number(rows[rows.length - 1]?.[0]));
      // A failed read ahead is reported when awaited, not as an unhandled rejection meanwhile.
      reading.catch(() => {});
    }
    if (rows.length > 0) yield rows;
    if (!more) return;
  }
}
