/**
 * `healthbank audit …`: verify (exit 0 with a summary on an honest log, exit 1 naming a broken
 * entry or a cut-off tail), checkpoint, proof and check-proof (offline, against the published keys),
 * prune.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit, loadExportKeyring, parseExportSigningKeys } from '@healthbank/server/audit';
import { inTransaction } from '@healthbank/server/db';
import { createTestDatabase, type TestDatabase, testDatabases } from '@healthbank/server/testing';
import { exportJWK, generateKeyPair } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

describe.each(testDatabases())('healthbank audit on $label', (target) => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    t = await createTestDatabase(target);
    dir = await mkdtemp(join(tmpdir(), 'healthbank-audit-cli-'));
    for (let i = 0; i < 5; i++) {
      await inTransaction(t.db, (tx) => appendAudit(tx, { type: 'signin', citizenId: i + 1 }, 1_764_720_000_000 + i));
    }
  });
  afterAll(async () => {
    await t.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('says an honest log is verified, before and after a checkpoint', async () => {
    let res = await runCli(['audit', 'verify', '--database', t.url]);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toMatch(/^audit log verified: 5 entries, last 5 \([A-Za-z0-9_-]{43}\), 0 signed checkpoints\n$/);

    res = await runCli(['audit', 'checkpoint', '--database', t.url]);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toMatch(
      /^checkpoint signed: 5 entries, root [A-Za-z0-9_-]{43} \(key healthbank-development-export-es256-2\)\n$/,
    );
    expect((await runCli(['audit', 'checkpoint', '--database', t.url])).stdout).toMatch(/no checkpoint needed/);

    res = await runCli(['audit', 'verify', '--database', t.url]);
    expect(res.stdout).toMatch(/, 1 signed checkpoint\n$/);
  });

  it('prints a proof that check-proof accepts offline, and refuses a doctored one', async () => {
    const res = await runCli(['audit', 'proof', '3', '--database', t.url]);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const proof = JSON.parse(res.stdout);
    expect(proof).toMatchObject({ leaf_index: 2, tree_size: 5, entry: { seq: 3, type: 'signin' } });
    const file = join(dir, 'proof.json');
    await writeFile(file, res.stdout);

    // The published key set, as an auditor downloads it, instead of the private keys.
    const jwksFile = join(dir, 'export-jwks.json');
    const { jwks } = await loadExportKeyring(parseExportSigningKeys(undefined));
    await writeFile(jwksFile, JSON.stringify(jwks));
    for (const args of [[], ['--jwks', jwksFile]]) {
      const ok = await runCli(['audit', 'check-proof', file, ...args]);
      expect(ok).toMatchObject({ code: 0, stderr: '' });
      expect(ok.stdout).toMatch(
        /^proof holds: entry 3 \(signin, 2025-12-03T00:00:00\.002Z\) is in the log of 5 entries signed at /,
      );
    }

    const doctored = join(dir, 'doctored.json');
    await writeFile(doctored, JSON.stringify({ ...proof, entry: { ...proof.entry, citizen_id: 4 } }));
    expect(await runCli(['audit', 'check-proof', doctored])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'healthbank: proof does not hold: entry 3 does not match its hash\n',
    });

    // Signed by a key nobody published.
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const otherJwks = join(dir, 'other-jwks.json');
    await writeFile(
      otherJwks,
      JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), d: undefined, kid: 'x' }] }),
    );
    expect((await runCli(['audit', 'check-proof', file, '--jwks', otherJwks])).stderr).toBe(
      'healthbank: proof does not hold: the checkpoint is not signed by a published key\n',
    );

    await writeFile(join(dir, 'junk.json'), '{"entry": 1}');
    expect(await runCli(['audit', 'check-proof', join(dir, 'junk.json')])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/is not an audit proof/),
    });
    expect(await runCli(['audit', 'proof', 'three', '--database', t.url])).toMatchObject({
      code: 2,
      stderr: 'healthbank: the entry number must be a positive whole number (got three)\n',
    });
    expect(await runCli(['audit', 'proof', '9', '--database', t.url])).toMatchObject({
      code: 2,
      stderr: 'healthbank: there is no entry 9\n',
    });
  });

  it('prunes nothing inside the retention period', async () => {
    expect(await runCli(['audit', 'prune', '--database', t.url])).toEqual({
      code: 0,
      stdout: 'nothing to prune: no checkpointed entries are past the retention period\n',
      stderr: '',
    });
    expect(await runCli(['audit', 'prune', '--database', t.url], { AUDIT_RETENTION_YEARS: 'zero' })).toMatchObject({
      code: 2,
    });
  });

  it('names the first bad entry and exits 1, and catches a cut-off tail', async () => {
    if (t.db.dialect === 'postgres') await sql`drop trigger audit_log_append_only on audit_log`.execute(t.db.kysely);
    else {
      await sql`drop trigger audit_log_no_update`.execute(t.db.kysely);
      await sql`drop trigger audit_log_no_delete`.execute(t.db.kysely);
    }
    await sql`delete from audit_log where seq = 5`.execute(t.db.kysely);
    expect(await runCli(['audit', 'verify', '--database', t.url])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^healthbank: audit log broken at entry 5: entry 5 is missing: the checkpoint of .* covers 5 entries/,
      ),
    });
    await sql`update audit_log set citizen_id = 99 where seq = 3`.execute(t.db.kysely);
    const res = await runCli(['audit', 'verify', '--database', t.url]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'healthbank: audit log broken at entry 3: its content does not match its hash (2 entries before it verified)\n',
    );
  });
});
