/**
 * Signed Merkle checkpoints: the log's size, its RFC 6962 root and the chain's head, signed as a
 * compact JWS by the platform's export signing key (one key set to manage, rotate and publish;
 * its `typ` keeps a checkpoint from passing for an export file, RFC 8725 §3.11). Each checkpoint
 * keeps the tree's frontier, so the next one hashes only the entries since.
 */
import {
  AUDIT_CHECKPOINT_TYP,
  type AuditCheckpoint,
  type AuditCheckpointClaims,
  auditCheckpointClaims,
  MerkleFrontier,
} from '@healthbank/records';
import { CompactSign, compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { sql } from 'kysely';
import { type Database, inTransaction } from '../db/index.js';
import type { ExportKeyring } from '../export/keys.js';
import { entryHash, GENESIS_HASH } from './chain.js';
import { fieldsOf, leafOf, readEntries } from './leaves.js';
import { CHECKPOINT_EVERY_ENTRIES, CHECKPOINT_EVERY_MS } from './limits.js';
import { auditKysely } from './tables.js';

/** The log is broken at `seq`: nothing is signed over it. */
export class AuditChainError extends Error {
  override name = 'AuditChainError';
  constructor(
    readonly seq: number,
    reason: string,
  ) {
    super(`audit log broken at entry ${seq}: ${reason}`);
  }
}

/** Serialises checkpoint writers on PostgreSQL (appenders are not blocked: entries never change). */
const CHECKPOINT_LOCK = 0x68626370; // 'hbcp'

/** A stored checkpoint: what it signs, its JWS, its frontier, and whether pruning starts after it. */
export interface StoredCheckpoint extends AuditCheckpoint {
  frontier: string[];
  anchor: boolean;
}

export function toCheckpoint(row: {
  tree_size: number | string;
  at: number | string;
  root_hash: string;
  chain_head: string;
  frontier: string;
  jws: string;
  anchor: number;
}): StoredCheckpoint {
  return {
    tree_size: Number(row.tree_size),
    time: Number(row.at),
    root_hash: row.root_hash,
    chain_head: row.chain_head,
    jws: row.jws,
    frontier: JSON.parse(row.frontier) as string[],
    anchor: row.anchor === 1,
  };
}

/** The frontier a checkpoint stored, as a tree to grow. */
export function frontierOf(checkpoint: StoredCheckpoint): MerkleFrontier {
  return MerkleFrontier.of(
    checkpoint.tree_size,
    checkpoint.frontier.map((h) => new Uint8Array(Buffer.from(h, 'base64url'))),
  );
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * Every checkpoint from `fromSize` on, by size (a few per thousand entries).
 *
 * @example
 * ```ts
 * const [latest] = (await listCheckpoints(db)).slice(-1);
 * ```
 */
export async function listCheckpoints(db: Database, fromSize = 0): Promise<StoredCheckpoint[]> {
  const rows = await auditKysely(db.kysely)
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('tree_size', '>=', fromSize)
    .orderBy('tree_size')
    .execute();
  return rows.map(toCheckpoint);
}

/** The newest checkpoint, if any. */
export async function latestCheckpoint(db: Database): Promise<StoredCheckpoint | undefined> {
  const row = await auditKysely(db.kysely)
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toCheckpoint(row) : undefined;
}

/** The newest anchor (where the pruned log starts), if the log was ever pruned. */
export async function latestAnchor(db: Database): Promise<StoredCheckpoint | undefined> {
  const row = await auditKysely(db.kysely)
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('anchor', '=', 1)
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toCheckpoint(row) : undefined;
}

/** Signs a checkpoint's claims with the first export signing key. */
export async function signCheckpoint(claims: AuditCheckpointClaims, keyring: ExportKeyring): Promise<string> {
  const payload = {
    tree_size: claims.tree_size,
    root_hash: claims.root_hash,
    chain_head: claims.chain_head,
    time: claims.time,
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: keyring.signing.alg, kid: keyring.signing.kid, typ: AUDIT_CHECKPOINT_TYP })
    .sign(keyring.signing.key);
}

/**
 * Checks a checkpoint's signature against a published key set and returns the claims it signed;
 * `undefined` when the signature, the key, the type or the payload is wrong.
 *
 * @example
 * ```ts
 * const claims = await verifyAuditCheckpoint(checkpoint.jws, keyring.jwks);
 * if (claims?.root_hash !== checkpoint.root_hash) throw new Error('forged checkpoint');
 * ```
 */
export async function verifyAuditCheckpoint(
  jws: string,
  jwks: JSONWebKeySet,
): Promise<AuditCheckpointClaims | undefined> {
  try {
    const { protectedHeader } = await compactVerify(jws, createLocalJWKSet(jwks), {
      algorithms: ['ES256', 'EdDSA'],
    });
    if (protectedHeader.typ !== AUDIT_CHECKPOINT_TYP) return undefined;
  } catch {
    return undefined;
  }
  return auditCheckpointClaims(jws);
}

/**
 * Writes a checkpoint over the whole log as it stands, unless the newest one already covers it.
 * Hashes only the entries after the previous checkpoint (its frontier carries the rest).
 *
 * @example
 * ```ts
 * const checkpoint = await writeCheckpoint(db, keyring, Date.now()); // on demand
 * ```
 */
export async function writeCheckpoint(
  db: Database,
  keyring: ExportKeyring,
  now: number,
): Promise<StoredCheckpoint | undefined> {
  return inTransaction(db, async (tx) => {
    if (tx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${CHECKPOINT_LOCK})`.execute(tx.kysely);
    const previous = await latestCheckpoint(tx);
    const from = previous?.tree_size ?? 0;
    const tree = previous ? frontierOf(previous) : new MerkleFrontier();
    let head = previous?.chain_head ?? GENESIS_HASH;
    // The chain since the last checkpoint is checked before it is signed: a signature never
    // vouches for entries that do not follow on from what was signed before.
    for await (const batch of readEntries(tx, from)) {
      for (const e of batch) {
        const seq = Number(e.seq);
        if (seq !== tree.size + 1) throw new AuditChainError(tree.size + 1, `entry ${tree.size + 1} is missing`);
        if (e.prev_hash !== head || entryHash(head, fieldsOf(e)) !== e.hash) {
          throw new AuditChainError(seq, 'it does not follow the entry before it, or does not match its hash');
        }
        tree.push(leafOf(e.hash));
        head = e.hash;
      }
    }
    if (tree.size === from) return undefined;
    const claims = { tree_size: tree.size, root_hash: b64(tree.root()), chain_head: head, time: now };
    const jws = await signCheckpoint(claims, keyring);
    const row = { ...claims, jws, frontier: tree.blocks().map((b) => b64(b.hash)) };
    await insertCheckpoint(tx, row);
    return { ...row, anchor: false };
  });
}

async function insertCheckpoint(db: Database, c: AuditCheckpoint & { frontier: string[] }): Promise<void> {
  await auditKysely(db.kysely)
    .insertInto('audit_checkpoints')
    .values({
      tree_size: c.tree_size,
      at: c.time,
      root_hash: c.root_hash,
      chain_head: c.chain_head,
      frontier: JSON.stringify(c.frontier),
      jws: c.jws,
      anchor: 0,
    })
    .execute();
}

/**
 * The periodic rule: a checkpoint once {@link CHECKPOINT_EVERY_ENTRIES} entries followed the last
 * one, or {@link CHECKPOINT_EVERY_MS} passed with any entry since.
 */
export async function checkpointIfDue(
  db: Database,
  keyring: ExportKeyring,
  now: number,
): Promise<StoredCheckpoint | undefined> {
  const audit = auditKysely(db.kysely);
  const head = await audit.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!head) return undefined;
  const last = await latestCheckpoint(db);
  const pending = Number(head.seq) - (last?.tree_size ?? 0);
  if (pending <= 0) return undefined;
  if (last && pending < CHECKPOINT_EVERY_ENTRIES && now - last.time < CHECKPOINT_EVERY_MS) return undefined;
  return writeCheckpoint(db, keyring, now);
}
