/**
 * A database that goes away is answered with 503 and Retry-After, in each endpoint's own shape,
 * at once rather than after a hang, and is forgotten as soon as it is back, without a restart.
 * PostgreSQL is reached through a TCP proxy that the test cuts (every connection reset, new ones
 * refused) and restores, as a crashed or restarting server looks to the platform. `npm run chaos`
 * does the same with a real `pg_ctl stop -m immediate`, and fills a real disk under SQLite
 * (docs/reliability.md).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { registerOrganisation } from '../auth/clients/organisations.js';
import { registerTestApp } from '../auth/testing.js';
import { parForm } from '../auth/testing-client.js';
import { loadConfig } from '../config/config.js';
import { type Database, inTransaction, openDatabase } from './index.js';
import { createTestDatabase, type TestDatabase, type TestTarget, testDatabases } from './testing.js';

// SQLite always; PostgreSQL where the run has a server (CI starts one: HEALTHBANK_TEST_POSTGRES_URL).
const postgres = testDatabases().find((t) => t.dialect === 'postgres');

/** A loopback TCP proxy to `port` that can be cut (connections reset, port closed) and restored. */
async function startProxy(port: number): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  const listen = (on: number) => new Promise<void>((resolve) => server.listen(on, '127.0.0.1', resolve));
  await listen(0);
  const own = (server.address() as { port: number }).port;
  return {
    port: own,
    async cut() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.resetAndDestroy();
      });
    },
    restore: () => listen(own),
  };
}

describe.skipIf(!postgres)('PostgreSQL going away and coming back', () => {
  let t: TestDatabase;
  let db: Database;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    t = await createTestDatabase(postgres as TestTarget);
    const org = await registerOrganisation(t.db, {
      type: 'company',
      name: '斷線測試股份有限公司',
      identifier: '24502181',
    });
    await registerTestApp({ db: t.db, organisationId: org.id }, { clientId: 'outage-app', clientType: 'public' });
    const direct = new URL(t.url);
    proxy = await startProxy(Number(direct.port));
    direct.port = String(proxy.port);
    db = await openDatabase(direct.toString());
    const config = loadConfig(
      { NODE_ENV: 'test' },
      { databaseUrl: direct.toString(), publicUrl: 'http://127.0.0.1:3999' },
    );
    app = await buildApp({ config, db });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await t?.dispose();
  });

  const par = async () =>
    app.inject({
      method: 'POST',
      url: '/oauth/par',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      // FAPI 2.0 binds the code to a DPoP key: its thumbprint is enough for the request to be stored.
      payload: new URLSearchParams(await parForm('outage-app', { dpop_jkt: 'A'.repeat(43) })).toString(),
    });

  it('answers 503 with Retry-After at once during the outage, and serves again as soon as it ends', async () => {
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await par()).statusCode).toBe(201);

    await proxy.cut();
    const started = performance.now();
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(503);
    expect(health.headers['retry-after']).toBe('5');
    expect(health.json()).toMatchObject({ code: 'database_unavailable' });

    // OAuth's own error shape (RFC 6749 §5.2), not a 500 server_error.
    const pushed = await par();
    expect(pushed.statusCode).toBe(503);
    expect(pushed.headers['retry-after']).toBe('5');
    expect(pushed.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'the database is unavailable',
    });

    // A citizen opening the portal: the plain-language page, in their language.
    const page = await app.inject({ url: '/me/signin', headers: { accept: 'text/html', 'accept-language': 'zh-TW' } });
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe('5');
    expect(page.body).toContain('data-code="database_unavailable"');
    expect(page.body).toContain('系統暫時無法使用');
    // Refused connections are answered at once: well inside the 5 s a client may wait.
    expect(performance.now() - started).toBeLessThan(5000);

    await proxy.restore();
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await par()).statusCode).toBe(201);
  });
});

describe('a transaction SQLite ended by itself (SQLITE_FULL, SQLITE_IOERR)', () => {
  it('fails with its own error, not with the ROLLBACK that follows', async () => {
    const t = await createTestDatabase({ dialect: 'sqlite', label: 'sqlite' });
    try {
      const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      // As SQLite does on a full disk: the transaction is gone before the error reaches the caller.
      const work = inTransaction(t.db, async (tx) => {
        await sql`rollback`.execute(tx.kysely);
        throw full;
      });
      // Without the guard in connection.ts: "cannot rollback - no transaction is active".
      await expect(work).rejects.toBe(full);
      // The one connection is free again.
      expect((await sql<{ one: number }>`select 1 as one`.execute(t.db.kysely)).rows).toEqual([{ one: 1 }]);
    } finally {
      await t.dispose();
    }
  });
});
