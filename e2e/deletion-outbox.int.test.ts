/**
 * The outbox survives `kill -9`: a deletion request commits, the running server (the built
 * `healthbank start`) sends its webhook, the receiver does its work, and the server dies before it
 * learns the answer. Restarted, it sends the same webhook again (same `webhook-id`, after the dead
 * worker's claim lapses): at-least-once delivery. The receiver, verifying with the SDK's helper,
 * deduplicates by that id, so the deletion request is processed exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JSONWebKeySet, MemorySeenWebhookIds, verifyDeletionRequest } from '@healthbank/sdk/webhooks';
import { openDatabase } from '@healthbank/server';
import { createDeletionRequest, findDeletionRequest } from '@healthbank/server/deletion';
import { deletionFixture, startTestReceiver, type TestReceiver } from '@healthbank/server/deletion/testing';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { HEALTHBANK_BIN, waitForLine } from './support/process.js';

describe('the deletion webhook outbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthbank-outbox-'));
  const databaseUrl = `sqlite:${join(dir, 'hb.sqlite')}`;
  const children: ChildProcess[] = [];
  let receiver: TestReceiver | undefined;
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    const { NODE_ENV: _inherited, ...parent } = process.env;
    const child = spawn(process.execPath, [HEALTHBANK_BIN, 'start'], {
      env: { ...parent, PORT: '0', DATABASE_URL: databaseUrl, HEALTHBANK_SANDBOX_CITIZENS: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const [, url] = await waitForLine(child, /Platform {3}(http:\/\/localhost:\d+)\//, 120_000);
    return { child, url: url as string };
  };

  it('delivers after a kill -9 between commit and the recorded delivery; the receiver processes it once', async () => {
    const first = await start();
    const jwks = (await (await fetch(`${first.url}/.well-known/webhooks-jwks.json`)).json()) as JSONWebKeySet;
    const seen = new MemorySeenWebhookIds();
    let firstAttempt: () => void = () => {};
    const attempted = new Promise<void>((resolve) => {
      firstAttempt = resolve;
    });
    receiver = await startTestReceiver({
      verify: (headers, body, { dedupe }) =>
        verifyDeletionRequest({ headers, body, jwks, ...(dedupe ? { seen } : {}) }),
      // The first attempt is processed and never answered; the server is killed meanwhile.
      answer: (n) => {
        if (n === 1) {
          firstAttempt();
          return 'hang';
        }
        return { status: 204 };
      },
    });

    // The app and consent are set up, and the request created, in the server's own database, as
    // the portal would: the request, its webhook and its audit entry commit together.
    const db = await openDatabase(databaseUrl);
    let requestId: string;
    try {
      const fixture = await deletionFixture(db, { webhookUrl: receiver.url });
      const request = await createDeletionRequest(
        db,
        { citizenId: fixture.citizens.a, consentId: fixture.consents.a },
        { now: () => Date.now() },
      );
      if (!request) throw new Error('no request');
      requestId = request.id;
    } finally {
      await db.close();
    }

    await attempted;
    const killed = new Promise((resolve) => first.child.once('exit', (_code, signal) => resolve(signal)));
    first.child.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    const check = await openDatabase(databaseUrl);
    try {
      // The server died before recording the delivery.
      expect((await findDeletionRequest(check, requestId))?.status).toBe('pending');
      // Its claim is a lease of 30 s; instead of waiting for it, the lease ends now, as the clock
      // would have ended it: the row is claimed (and its claim can lapse) exactly as before.
      const lapsed = await sql`update webhook_outbox set claimed_until = ${Date.now()}
        where claimed_until > ${Date.now()}`.execute(check.kysely);
      expect(Number(lapsed.numAffectedRows)).toBe(1);
    } finally {
      await check.close();
    }

    const second = await start();
    // Redelivered once the dead worker's claim has lapsed, with the same webhook id.
    await expect.poll(() => receiver?.deliveries.length, { timeout: 60_000, interval: 500 }).toBe(2);
    const [once, again] = receiver.deliveries;
    expect(again).toBe(once);
    expect(receiver.events.map((e) => e.deletionRequestId)).toEqual([requestId]);
    expect(receiver.refused).toEqual([]);

    const after = await openDatabase(databaseUrl);
    try {
      await expect
        .poll(async () => (await findDeletionRequest(after, requestId))?.status, { timeout: 10_000 })
        .toBe('sent');
    } finally {
      await after.close();
    }
    const exited = new Promise((r) => second.child.once('exit', r));
    second.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});
