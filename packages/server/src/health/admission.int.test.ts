/**
 * Admission control on the whole platform: a request shed at an OAuth endpoint is answered in
 * OAuth's shape, 503 `temporarily_unavailable` with Retry-After, like every other endpoint's 503
 * `overloaded`. Without the OAuth scope's handling of a shed request it was a 500 server_error
 * (found by the open-loop benchmark, bench/load.ts, at three times the normal load).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { freePort } from '../auth/testing.js';
import { loadConfig } from '../config/config.js';
import { createTestDatabase, type TestDatabase } from '../db/testing.js';

describe('a platform at its in-flight cap', () => {
  let t: TestDatabase;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;

  beforeAll(async () => {
    t = await createTestDatabase({ dialect: 'sqlite', label: 'sqlite' });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const config = loadConfig({ NODE_ENV: 'test' }, { databaseUrl: t.url, publicUrl: url, port, maxInFlight: 1 });
    app = await buildApp({ config, db: t.db });
    await app.listen({ host: '127.0.0.1', port });
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  const pushRequest = () =>
    fetch(`${url}/oauth/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_id=someone&response_type=code',
    });

  it('sheds with 503 and Retry-After in each endpoint’s own shape, and admits again once there is room', async () => {
    // The one place: a request whose body never finishes arriving stays in progress.
    const slow = connect(Number(new URL(url).port), '127.0.0.1');
    slow.write(
      'POST /api/export/revoke HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{',
    );
    await new Promise((r) => setTimeout(r, 200));

    const par = await pushRequest();
    expect(par.status).toBe(503);
    expect(par.headers.get('retry-after')).toBe('2');
    expect(await par.json()).toMatchObject({ error: 'temporarily_unavailable' });

    const api = await fetch(`${url}/api/export/files/tkt_${'A'.repeat(43)}`);
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('2');
    expect(await api.json()).toMatchObject({ code: 'overloaded' });
    // The health check is always answered.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    slow.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const admitted = await pushRequest();
    // Heard again: an unknown client is refused on its merits (RFC 6749 §5.2 invalid_client).
    expect(admitted.status).toBe(401);
  });
});
