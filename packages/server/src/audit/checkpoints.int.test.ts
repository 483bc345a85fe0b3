/**
 * Signed checkpoints, inclusion proofs and retention on SQLite and PostgreSQL: the checkpoint's
 * root is RFC 6962's over the entries, its signature is checked with the published keys, a cut-off
 * tail and a rewritten chain are caught, proofs check offline and fail for a wrong entry, and
 * pruning leaves a log that still verifies and still proves its remaining entries.
 */
import { checkAuditProof, leafHash, merkleRoot } from '@healthbank/records';
import { exportJWK, generateKeyPair } from 'jose';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { inTransaction } from '../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../db/testing.js';
import { developmentExportSigningKeys, type ExportKeyring, loadExportKeyring } from '../export/keys.js';
import { entryHash } from './chain.js';
import {
  AuditProofError,
  appendAudit,
  auditProof,
  checkpointIfDue,
  listCheckpoints,
  pruneAuditLog,
  runAuditJob,
  verifyAuditLog,
  writeCheckpoint,
  yearsToMs,
} from './index.js';
import { CHECKPOINT_EVERY_ENTRIES, CHECKPOINT_EVERY_MS } from './limits.js';
import { auditKysely } from './tables.js';

const DAY = 24 * 60 * 60_000;
const T0 = Date.UTC(2020, 0, 1);

async function append(t: TestDatabase, from: number, to: number, at: (seq: number) => number = (s) => T0 + s) {
  for (let seq = from; seq <= to; seq++) {
    await inTransaction(t.db, (tx) =>
      appendAudit(tx, { type: 'export.file', citizenId: seq % 5, clientId: 'app', subject: `exp_${seq}` }, at(seq)),
    );
  }
}

/** Drops every guard, as the schema owner could. */
async function dropGuards(t: TestDatabase) {
  if (t.db.dialect === 'postgres') {
    await sql`drop trigger audit_log_append_only on audit_log`.execute(t.db.kysely);
    await sql`drop trigger audit_checkpoints_append_only on audit_checkpoints`.execute(t.db.kysely);
  } else {
    for (const name of [
      'audit_log_no_update',
      'audit_log_no_delete',
      'audit_checkpoints_no_update',
      'audit_checkpoints_no_delete',
    ]) {
      await sql.raw(`drop trigger ${name}`).execute(t.db.kysely);
    }
  }
}

const leavesOf = async (t: TestDatabase) =>
  (await auditKysely(t.db.kysely).selectFrom('audit_log').select('hash').orderBy('seq').execute()).map((r) =>
    leafHash(Buffer.from(r.hash, 'base64url')),
  );

describe.each(testDatabases())('audit checkpoints, proofs and retention on $label', (target) => {
  let t: TestDatabase;
  let keyring: ExportKeyring;
  beforeEach(async () => {
    t = await createTestDatabase(target);
    keyring = await loadExportKeyring(developmentExportSigningKeys());
  });
  afterEach(() => t.dispose());

  it('signs RFC 6962 roots over the log, each checkpoint continuing from the last', async () => {
    await append(t, 1, 7);
    const first = await writeCheckpoint(t.db, keyring, T0 + 100);
    expect(first).toMatchObject({ tree_size: 7 });
    expect(await writeCheckpoint(t.db, keyring, T0 + 101)).toBeUndefined(); // nothing new
    await append(t, 8, 13);
    const second = await writeCheckpoint(t.db, keyring, T0 + 200);
    const leaves = await leavesOf(t);
    expect(first?.root_hash).toBe(Buffer.from(merkleRoot(leaves.slice(0, 7))).toString('base64url'));
    expect(second?.root_hash).toBe(Buffer.from(merkleRoot(leaves)).toString('base64url'));
    const head = await auditKysely(t.db.kysely)
      .selectFrom('audit_log')
      .select('hash')
      .where('seq', '=', 13)
      .executeTakeFirst();
    expect(second?.chain_head).toBe(head?.hash);
    expect(await verifyAuditLog(t.db, { jwks: keyring.jwks })).toMatchObject({
      ok: true,
      entries: 13,
      checkpoints: 2,
      signaturesChecked: true,
    });
  });

  it('writes checkpoints every N entries or T minutes with something new', async () => {
    expect(await checkpointIfDue(t.db, keyring, T0)).toBeUndefined(); // empty log
    await append(t, 1, 3);
    expect(await checkpointIfDue(t.db, keyring, T0)).toMatchObject({ tree_size: 3 }); // the first one at once
    await append(t, 4, 5);
    expect(await checkpointIfDue(t.db, keyring, T0 + CHECKPOINT_EVERY_MS - 1)).toBeUndefined();
    expect(await checkpointIfDue(t.db, keyring, T0 + CHECKPOINT_EVERY_MS)).toMatchObject({ tree_size: 5 });
    expect(await checkpointIfDue(t.db, keyring, T0 + 10 * CHECKPOINT_EVERY_MS)).toBeUndefined(); // quiet
    expect(CHECKPOINT_EVERY_ENTRIES).toBeGreaterThan(1);
  });

  it('refuses to sign over a broken chain', async () => {
    await append(t, 1, 4);
    await dropGuards(t);
    await sql`update audit_log set subject = 'forged' where seq = 3`.execute(t.db.kysely);
    await expect(writeCheckpoint(t.db, keyring, T0)).rejects.toThrow(/entry 3/);
    expect(await listCheckpoints(t.db)).toEqual([]);
  });

  it('catches a cut-off tail, a rewritten chain and a forged or edited checkpoint', async () => {
    await append(t, 1, 10);
    await writeCheckpoint(t.db, keyring, T0 + 1);
    await dropGuards(t);

    // Deleting the newest entries leaves a perfect chain; the checkpoint still covers them.
    await sql`delete from audit_log where seq > 8`.execute(t.db.kysely);
    expect(await verifyAuditLog(t.db, { jwks: keyring.jwks })).toMatchObject({
      ok: false,
      seq: 9,
      reason: expect.stringMatching(/entry 9 is missing: the checkpoint .* covers 10 entries/),
    });

    // Rewriting entry 4 and every hash after it keeps the chain consistent, not the signed root.
    const t2 = await createTestDatabase(target);
    try {
      await append(t2, 1, 10);
      await writeCheckpoint(t2.db, keyring, T0 + 1);
      await dropGuards(t2);
      const rows = await auditKysely(t2.db.kysely).selectFrom('audit_log').selectAll().orderBy('seq').execute();
      let prev = rows[2]?.hash ?? '';
      for (const row of rows.slice(3)) {
        const subject = row.seq === 4 || Number(row.seq) === 4 ? 'exp_forged' : row.subject;
        const hash = entryHash(prev, {
          seq: Number(row.seq),
          at: Number(row.at),
          type: row.type,
          citizenId: row.citizen_id,
          clientId: row.client_id,
          subject,
          digest: row.digest,
          details: row.details,
        });
        await sql`update audit_log set subject = ${subject}, prev_hash = ${prev}, hash = ${hash} where seq = ${row.seq}`.execute(
          t2.db.kysely,
        );
        prev = hash;
      }
      expect(await verifyAuditLog(t2.db, { jwks: keyring.jwks })).toMatchObject({
        ok: false,
        seq: 1,
        reason: expect.stringMatching(/entries 1–10 differ from what the checkpoint/),
      });

      // A checkpoint re-signed with a key nobody published.
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const rogue = await loadExportKeyring({ keys: [{ ...(await exportJWK(privateKey)), kid: 'rogue' }] } as never);
      await sql`delete from audit_checkpoints`.execute(t2.db.kysely);
      await writeCheckpoint(t2.db, rogue, T0 + 2);
      expect(await verifyAuditLog(t2.db, { jwks: keyring.jwks })).toMatchObject({
        ok: false,
        seq: 10,
        reason: expect.stringMatching(/not validly signed/),
      });
      // Without the keys, only that the checkpoint says what its columns say is checked.
      expect(await verifyAuditLog(t2.db)).toMatchObject({ ok: true, signaturesChecked: false });
      await sql`update audit_checkpoints set tree_size = 9`.execute(t2.db.kysely);
      expect(await verifyAuditLog(t2.db)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/differs from what it signed/),
      });
    } finally {
      await t2.dispose();
    }
  });

  it('proves any entry against the newest checkpoint, and the proof fails for a changed entry or path', async () => {
    await append(t, 1, 21);
    await writeCheckpoint(t.db, keyring, T0 + 1);
    await append(t, 22, 23);
    for (const seq of [1, 2, 8, 13, 21]) {
      const proof = await auditProof(t.db, seq);
      expect(proof).toMatchObject({ leaf_index: seq - 1, tree_size: 21, entry: { seq } });
      expect(checkAuditProof(proof)).toEqual({ ok: true });
      expect(checkAuditProof({ ...proof, entry: { ...proof.entry, client_id: 'other-app' } })).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/does not match its hash/),
      });
      // Another entry, consistent in itself, is not the one the path leads to.
      const other = await auditProof(t.db, seq === 1 ? 2 : 1);
      expect(checkAuditProof({ ...proof, entry: other.entry, leaf_index: other.leaf_index })).toMatchObject({
        ok: false,
      });
      const bent = [...proof.audit_path];
      bent[0] = proof.entry.hash;
      expect(checkAuditProof({ ...proof, audit_path: bent })).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/not in the log/),
      });
      expect(
        checkAuditProof({ ...proof, checkpoint: { ...proof.checkpoint, root_hash: proof.entry.hash } }),
      ).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/signature covers/),
      });
    }
    await expect(auditProof(t.db, 22)).rejects.toMatchObject({ code: 'not_checkpointed' });
    await expect(auditProof(t.db, 99)).rejects.toBeInstanceOf(AuditProofError);
  });

  it('prunes past the retention period to a signed anchor, and the rest still verifies and proves', async () => {
    const clock = new ManualClock(T0);
    // Year 0: entries 1–13, checkpointed; a month later 14–20, checkpointed; then 21–30.
    await append(t, 1, 13, () => clock.now());
    await writeCheckpoint(t.db, keyring, clock.now());
    clock.advance(30 * DAY);
    await append(t, 14, 20, () => clock.now());
    await writeCheckpoint(t.db, keyring, clock.now());
    clock.advance(30 * DAY);
    await append(t, 21, 30, () => clock.now());
    await writeCheckpoint(t.db, keyring, clock.now());

    // The database refuses pruning without an anchor.
    await expect(auditKysely(t.db.kysely).deleteFrom('audit_log').where('seq', '<=', 13).execute()).rejects.toThrow(
      /append-only/,
    );
    const retentionMs = yearsToMs(6);
    expect(await pruneAuditLog(t.db, { now: clock.now(), retentionMs })).toEqual({ deleted: 0, anchoredAt: 0 });

    // Six years and a few weeks after the first checkpoint, only it is past retention.
    clock.set(T0 + retentionMs + 15 * DAY);
    expect(await pruneAuditLog(t.db, { now: clock.now(), retentionMs })).toEqual({ deleted: 13, anchoredAt: 13 });
    const remaining = await auditKysely(t.db.kysely).selectFrom('audit_log').select('seq').orderBy('seq').execute();
    expect(remaining.map((r) => Number(r.seq))).toEqual(Array.from({ length: 17 }, (_, i) => i + 14));
    expect(await verifyAuditLog(t.db, { jwks: keyring.jwks, retentionMs, now: clock.now() })).toMatchObject({
      ok: true,
      entries: 17,
      prunedUpTo: 13,
      checkpoints: 3,
    });
    // Entries after the anchor still prove against the newest checkpoint (their paths reach into
    // the pruned part through the anchor's frontier).
    for (let seq = 14; seq <= 30; seq++) expect(checkAuditProof(await auditProof(t.db, seq))).toEqual({ ok: true });
    for (let seq = 14; seq <= 20; seq++) {
      expect(checkAuditProof(await auditProof(t.db, seq, 20)), `entry ${seq} in 20`).toEqual({ ok: true });
    }
    await expect(auditProof(t.db, 13)).rejects.toMatchObject({ code: 'pruned' });

    // The job prunes the next month on its daily round.
    clock.advance(30 * DAY);
    const log = { info: () => {}, error: () => {} } as never;
    await runAuditJob({ db: t.db, clock, keyring, retentionMs, log }, { lastPrune: Number.NEGATIVE_INFINITY });
    expect(await verifyAuditLog(t.db, { jwks: keyring.jwks, retentionMs, now: clock.now() })).toMatchObject({
      ok: true,
      prunedUpTo: 20,
      entries: 10,
    });
    for (let seq = 21; seq <= 30; seq++) expect(checkAuditProof(await auditProof(t.db, seq))).toEqual({ ok: true });
    // A verifier with a longer retention sees entries pruned too early.
    expect(await verifyAuditLog(t.db, { retentionMs: yearsToMs(7), now: clock.now() })).toMatchObject({
      ok: false,
      seq: 20,
      reason: expect.stringMatching(/pruned before their retention period ended/),
    });
    // An anchor can only be made by marking, and only the mark may change.
    await expect(
      sql`update audit_checkpoints set root_hash = 'x' where tree_size = 30`.execute(t.db.kysely),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_checkpoints where tree_size = 30`.execute(t.db.kysely)).rejects.toThrow(
      /append-only/,
    );
  });

  it.runIf(target.dialect === 'postgres')('keeps one checkpoint per size under concurrent writers', async () => {
    await append(t, 1, 30);
    const written = await Promise.all(Array.from({ length: 6 }, (_, i) => writeCheckpoint(t.db, keyring, T0 + i)));
    expect(written.filter(Boolean)).toHaveLength(1);
    expect(await verifyAuditLog(t.db, { jwks: keyring.jwks })).toMatchObject({ ok: true, checkpoints: 1 });
  });
});
