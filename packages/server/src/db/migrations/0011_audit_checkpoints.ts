import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/** The newest anchor's size: entries up to it may be pruned (it carries what verification needs). */
const ANCHORED = '(select coalesce(max(tree_size), 0) from audit_checkpoints where anchor = 1)';

/** Only the anchor mark may change on a checkpoint, once, from 0 to 1; every signed column stays. */
const ANCHORING =
  'old.anchor = 0 and new.anchor = 1 and new.tree_size = old.tree_size and new.at = old.at and ' +
  'new.root_hash = old.root_hash and new.chain_head = old.chain_head and new.frontier = old.frontier and new.jws = old.jws';

/**
 * Signed Merkle checkpoints of the audit log (audit/checkpoints.ts) and its retention. A checkpoint
 * signs the log's size, its RFC 6962 root and the chain's head, and keeps the tree's frontier (at
 * most 64 hashes) so that the next checkpoint, and verification after pruning, continue from it.
 *
 * Append-only stays enforced where the database can (ASVS V16.4.2, logs protected from
 * modification), with one narrow opening for retention (ASVS V16.4.3 keeps logs only as long as
 * needed): entries may be deleted only up to a checkpoint marked as the anchor, and checkpoints
 * only below it; marking is the single update a checkpoint allows. Pruning therefore always leaves
 * a signed starting point that `healthbank audit verify` checks the rest of the log from.
 */
export function auditCheckpoints(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('tree_size', 'bigint', (col) => col.primaryKey())
        .addColumn('at', 'bigint', (col) => col.notNull())
        .addColumn('root_hash', 'text', (col) => col.notNull())
        .addColumn('chain_head', 'text', (col) => col.notNull())
        // JSON array of the frontier's subtree roots (base64url), largest first.
        .addColumn('frontier', 'text', (col) => col.notNull())
        .addColumn('jws', 'text', (col) => col.notNull())
        .addColumn('anchor', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
      if (dialect === 'postgres') {
        await sql
          .raw(`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
            begin
              if tg_op = 'DELETE' and old.seq <= ${ANCHORED} then return old; end if;
              raise exception 'the audit log is append-only';
            end $$`)
          .execute(db);
        await sql
          .raw(`create function audit_checkpoints_append_only() returns trigger language plpgsql as $$
            begin
              if tg_op = 'UPDATE' and ${ANCHORING} then return new; end if;
              if tg_op = 'DELETE' and old.tree_size < ${ANCHORED} then return old; end if;
              raise exception 'audit checkpoints are append-only';
            end $$`)
          .execute(db);
        await sql`create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
          for each row execute function audit_checkpoints_append_only()`.execute(db);
      } else {
        await sql`drop trigger audit_log_no_delete`.execute(db);
        await sql
          .raw(`create trigger audit_log_no_delete before delete on audit_log when old.seq > ${ANCHORED}
            begin select raise(abort, 'the audit log is append-only'); end`)
          .execute(db);
        await sql
          .raw(`create trigger audit_checkpoints_no_update before update on audit_checkpoints when not (${ANCHORING})
            begin select raise(abort, 'audit checkpoints are append-only'); end`)
          .execute(db);
        await sql
          .raw(`create trigger audit_checkpoints_no_delete before delete on audit_checkpoints
            when old.tree_size >= ${ANCHORED}
            begin select raise(abort, 'audit checkpoints are append-only'); end`)
          .execute(db);
      }
    },
    async down(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`drop trigger audit_checkpoints_append_only on audit_checkpoints`.execute(db);
        await sql`drop function audit_checkpoints_append_only()`.execute(db);
        await sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
          begin raise exception 'the audit log is append-only'; end $$`.execute(db);
      } else {
        await sql`drop trigger audit_log_no_delete`.execute(db);
        await sql`create trigger audit_log_no_delete before delete on audit_log
          begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
      }
      await db.schema.dropTable('audit_checkpoints').execute();
    },
  };
}
