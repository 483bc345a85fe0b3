/**
 * The audit log on SQLite and PostgreSQL: entries appended in their event's transaction, the chain
 * verified, and every kind of tampering (edit, delete, insert, reorder) named at its first entry.
 * The command (`healthbank audit verify`) is tested in packages/cli.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../db/testing.js';
import { appendAudit, verifyAuditLog } from './index.js';
import { auditKysely } from './tables.js';

const T0 = Date.UTC(2026, 11, 3);

async function appendMany(t: TestDatabase, n: number) {
  for (let i = 0; i < n; i++) {
    await inTransaction(t.db, (tx) =>
      appendAudit(
        tx,
        { type: 'export.file', citizenId: 1 + (i % 3), clientId: 'app', subject: `exp_${i}`, digest: `d${i}` },
        T0 + i,
      ),
    );
  }
}

/** The table as someone who bypasses the application sees it: every column writable. */
const tamperer = (t: TestDatabase) =>
  t.db.kysely.withTables<{
    audit_log: {
      seq: number;
      at: number;
      type: string;
      citizen_id: number | null;
      client_id: string | null;
      subject: string | null;
      digest: string | null;
      details: string | null;
      prev_hash: string;
      hash: string;
    };
  }>();
type Tamperer = ReturnType<typeof tamperer>;

/** Lifts the append-only guard, as someone with the schema owner's rights could. */
async function dropGuards(t: TestDatabase) {
  if (t.db.dialect === 'postgres') await sql`drop trigger audit_log_append_only on audit_log`.execute(t.db.kysely);
  else for (const a of ['update', 'delete']) await sql.raw(`drop trigger audit_log_no_${a}`).execute(t.db.kysely);
}

describe.each(testDatabases())('the audit log on $label', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(target);
  });
  afterEach(() => t.dispose());

  it('verifies an honest log', async () => {
    await appendMany(t, 12);
    expect(await verifyAuditLog(t.db)).toMatchObject({ ok: true, entries: 12, lastSeq: 12 });
  });

  it('writes the entry in the event’s transaction: a failed event leaves no entry', async () => {
    await appendMany(t, 2);
    await expect(
      inTransaction(t.db, async (tx) => {
        await appendAudit(tx, { type: 'consent.revoked', subject: 'cns_x' }, T0);
        throw new Error('the event failed');
      }),
    ).rejects.toThrow('the event failed');
    expect(await verifyAuditLog(t.db)).toMatchObject({ ok: true, entries: 2 });
    await expect(appendAudit(t.db, { type: 'signin' }, T0)).rejects.toThrow(/inside the transaction/);
  });

  it('refuses UPDATE and DELETE while its guard is in place', async () => {
    await appendMany(t, 2);
    const audit = auditKysely(t.db.kysely);
    await expect(audit.updateTable('audit_log').set({ type: 'signin' }).where('seq', '=', 1).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(audit.deleteFrom('audit_log').where('seq', '=', 2).execute()).rejects.toThrow(/append-only/);
  });

  it.each([
    [
      'an edited entry',
      4,
      'its content does not match its hash',
      (q: Tamperer) => q.updateTable('audit_log').set({ digest: 'forged' }).where('seq', '=', 4).execute(),
    ],
    [
      'a deleted entry',
      5,
      'entry 5 is missing',
      (q: Tamperer) => q.deleteFrom('audit_log').where('seq', '=', 5).execute(),
    ],
    [
      'a deleted last entry followed by new ones',
      10,
      'does not follow',
      async (q: Tamperer) => {
        // Deleting the tail is invisible to the chain alone (that is what signed checkpoints are for);
        // renumbering the entries after a deleted one is not.
        await q.deleteFrom('audit_log').where('seq', '=', 9).execute();
        await q.updateTable('audit_log').set({ seq: 9 }).where('seq', '=', 10).execute();
        await q.updateTable('audit_log').set({ seq: 10 }).where('seq', '=', 11).execute();
        await q.updateTable('audit_log').set({ seq: 11 }).where('seq', '=', 12).execute();
      },
    ],
  ] as const)('names the first bad entry after %s', async (_label, seq, reason, tamper) => {
    await appendMany(t, 12);
    await dropGuards(t);
    await tamper(tamperer(t));
    const result = await verifyAuditLog(t.db);
    expect(result).toMatchObject({ ok: false, seq: expect.any(Number) });
    if (!result.ok) {
      expect(result.reason).toContain(reason);
      expect(result.seq).toBeLessThanOrEqual(seq);
    }
  });

  it('names an inserted entry and a reordered pair', async () => {
    await appendMany(t, 12);
    await dropGuards(t);
    const q = tamperer(t);
    // Insert: shift 7… up by one and put a well-formed entry (its own hash right) at 7.
    for (let s = 12; s >= 7; s--)
      await q
        .updateTable('audit_log')
        .set({ seq: s + 1 })
        .where('seq', '=', s)
        .execute();
    const six = await q.selectFrom('audit_log').selectAll().where('seq', '=', 6).executeTakeFirstOrThrow();
    const { entryHash } = await import('./chain.js');
    const fields = {
      seq: 7,
      at: T0,
      type: 'export.file',
      citizenId: 2,
      clientId: 'app',
      subject: 'forged',
      digest: 'x',
      details: null,
    };
    await q
      .insertInto('audit_log')
      .values({
        seq: 7,
        at: T0,
        type: 'export.file',
        citizen_id: 2,
        client_id: 'app',
        subject: 'forged',
        digest: 'x',
        details: null,
        prev_hash: six.hash,
        hash: entryHash(six.hash, fields),
      })
      .execute();
    expect(await verifyAuditLog(t.db)).toMatchObject({ ok: false, seq: 8 });

    // Reorder: swap the contents of two entries (each keeps its own hash).
    const t2 = await createTestDatabase(target);
    try {
      await appendMany(t2, 6);
      await dropGuards(t2);
      const q2 = tamperer(t2);
      await q2.updateTable('audit_log').set({ seq: 100 }).where('seq', '=', 3).execute();
      await q2.updateTable('audit_log').set({ seq: 3 }).where('seq', '=', 4).execute();
      await q2.updateTable('audit_log').set({ seq: 4 }).where('seq', '=', 100).execute();
      expect(await verifyAuditLog(t2.db)).toMatchObject({ ok: false, seq: 3 });
    } finally {
      await t2.dispose();
    }
  });

  it.runIf(target.dialect === 'postgres')('keeps one chain under concurrent appenders', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        inTransaction(t.db, (tx) => appendAudit(tx, { type: 'signin', citizenId: i }, T0 + i)),
      ),
    );
    expect(await verifyAuditLog(t.db)).toMatchObject({ ok: true, entries: 40 });
  });
});
