import type { HealthRecord } from '@healthbank/records';
import { type Kysely, type Migration, sql } from 'kysely';
import { payloadPrefix, storedPayload } from '../record-json.js';
import type { Dialect } from '../url.js';

/**
 * Records partitioned by citizen (PostgreSQL), and stored without the id, date and category their
 * JSON repeats and without the institution name column, which repeated the JSON's institution
 * (both databases; see db/record-json.ts and `listVisitedInstitutions`). Works on a database that already holds
 * records: each row is rewritten once, in the migration's transaction.
 *
 * PostgreSQL: `records` becomes hash-partitioned on `citizen_id` into {@link RECORD_PARTITIONS}
 * partitions. Every read names one citizen, so the planner prunes to one partition; each
 * partition's indexes and vacuum stay a sixteenth of the table's. The same key is the one Citus
 * distributes on (docs/scaling.md). The payload column compresses with lz4 where PostgreSQL
 * compresses at all (rows over 2 kB), which decompresses several times faster than pglz.
 */
export const RECORD_PARTITIONS = 16;

export function recordsByCitizen(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // The prefix each stored payload loses: record-json.ts's payloadPrefix, in SQL.
      const prefix = sql`'{"id":"' || id || '","date":"' || date || '","category":"' || category || '"'`;
      const mismatched = sql`substr(payload, 1, length(${prefix})) <> ${prefix}
        or substr(payload, length(${prefix}) + 1, 1) not in (',', '}')`;
      // JSON whose keys come in another order (written by hand, or by an importer that built its
      // objects differently) is put in record-json.ts's order first, in batches; rare enough to
      // parse. Every row then starts with its prefix, and one statement strips them all.
      for (;;) {
        const odd = await sql<{ citizen_id: number; id: string; date: string; category: string; payload: string }>`
          select citizen_id, id, date, category, payload from records where ${mismatched} limit 1000`.execute(db);
        if (odd.rows.length === 0) break;
        for (const row of odd.rows) {
          const record = JSON.parse(row.payload) as HealthRecord;
          if (record.id !== row.id || record.date !== row.date || record.category !== row.category) {
            throw new Error(`record ${row.id}: its JSON and its columns disagree on id, date or category`);
          }
          const canonical = payloadPrefix(record.id, record.date, record.category) + storedPayload(record);
          await sql`update records set payload = ${canonical}
            where citizen_id = ${row.citizen_id} and id = ${row.id}`.execute(db);
        }
      }
      const rest = sql`substr(payload, length(${prefix}) + 1)`;

      if (dialect === 'sqlite') {
        await sql`update records set payload = ${rest}`.execute(db);
        await sql`alter table records drop column institution_name`.execute(db);
        return;
      }
      await sql`
        create table records_partitioned (
          citizen_id integer not null references citizens (id) on delete cascade,
          id text collate "C" not null,
          category text collate "C" not null,
          date text collate "C" not null,
          institution_code text collate "C",
          payload text compression lz4 not null,
          constraint records_partitioned_pkey primary key (citizen_id, id)
        ) partition by hash (citizen_id)`.execute(db);
      for (let i = 0; i < RECORD_PARTITIONS; i++) {
        const name = sql.id(`records_p${String(i).padStart(2, '0')}`);
        await sql`create table ${name} partition of records_partitioned
          for values with (modulus ${sql.lit(RECORD_PARTITIONS)}, remainder ${sql.lit(i)})`.execute(db);
      }
      await sql`
        insert into records_partitioned (citizen_id, id, category, date, institution_code, payload)
        select citizen_id, id, category, date, institution_code, ${rest} from records`.execute(db);
      await sql`drop table records`.execute(db);
      await sql`alter table records_partitioned rename to records`.execute(db);
      await sql`alter index records_partitioned_pkey rename to records_pkey`.execute(db);
      // Built after the copy: one sort per partition instead of an index insert per row.
      await db.schema
        .createIndex('records_by_citizen_category_date')
        .on('records')
        .columns(['citizen_id', 'category', 'date', 'id'])
        .execute();
      await sql`analyze records`.execute(db);
    },
  };
}
