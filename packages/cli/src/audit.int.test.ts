/** `healthbank audit verify`: exit 0 with a summary on an honest log, exit 1 naming a broken entry. */
import { appendAudit } from '@healthbank/server/audit';
import { inTransaction } from '@healthbank/server/db';
import { createTestDatabase, type TestDatabase, testDatabases } from '@healthbank/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

describe.each(testDatabases())('healthbank audit verify on $label', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(target);
    for (let i = 0; i < 5; i++) {
      await inTransaction(t.db, (tx) => appendAudit(tx, { type: 'signin', citizenId: i + 1 }, 1_764_720_000_000 + i));
    }
  });
  afterAll(() => t.dispose());

  it('says an honest log is verified', async () => {
    const res = await runCli(['audit', 'verify', '--database', t.url]);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toMatch(/^audit log verified: 5 entries, last 5 \([A-Za-z0-9_-]{43}\)\n$/);
  });

  it('names the first bad entry and exits 1', async () => {
    if (t.db.dialect === 'postgres') await sql`drop trigger audit_log_append_only on audit_log`.execute(t.db.kysely);
    else await sql`drop trigger audit_log_no_update`.execute(t.db.kysely);
    await sql`update audit_log set citizen_id = 99 where seq = 3`.execute(t.db.kysely);
    const res = await runCli(['audit', 'verify', '--database', t.url]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'healthbank: audit log broken at entry 3: its content does not match its hash (2 entries before it verified)\n',
    );
  });
});
