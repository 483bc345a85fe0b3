/**
 * The sandbox's history: seeding gives A小姐 and B爺爺 past provisions to the diary through the
 * platform's own functions (consents, files with true counts and digests, a revocation, a deletion
 * request answered with the diary's signed receipt), the audit log verifies over them, the portal
 * shows them, and seeding again adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as diary from '../../../../examples/diabetes-diary/src/backend/index.js';
import { verifyAuditLog } from '../audit/index.js';
import { registerSandboxApps } from '../auth/clients/sandbox.js';
import { startTestPlatform, type TestPlatform } from '../auth/testing.js';
import { listDeletionRequests } from '../citizen/deletion/index.js';
import { consentStatus } from '../citizen/model.js';
import { portalGet, signInToPortal } from '../citizen/testing.js';
import { listConsents } from '../consent/repository.js';
import { findCitizenByNationalId, listPersonas } from '../db/index.js';
import { testDatabases } from '../db/testing.js';
import { listExports } from '../export/index.js';
import { seedSandboxHistory } from './history.js';

describe.each(testDatabases())('the sandbox history on $label', (target) => {
  let platform: TestPlatform;
  const now = Date.now();

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerSandboxApps(platform.db, { publicUrl: platform.url });
  });
  afterAll(() => platform?.close());

  async function citizenId(persona: 'A小姐' | 'B爺爺'): Promise<number> {
    const nationalId = (await listPersonas(platform.db)).find((p) => p.persona === persona)?.nationalId ?? '';
    return (await findCitizenByNationalId(platform.db, nationalId))?.id ?? 0;
  }

  it('gives the personas provisions, a revocation and an answered deletion request, all audited', async () => {
    const seeded = await seedSandboxHistory(platform.db, platform.config, now, diary);
    expect(seeded).toEqual({ consents: 3, files: 5, revocations: 1, deletionRequests: 1 });

    const a = await citizenId('A小姐');
    const exports = await listExports(platform.db, a);
    expect(exports).toHaveLength(4);
    for (const entry of exports) {
      expect(entry.clientId).toBe('diabetes-diary');
      expect(entry.createdAt).toBeLessThan(now);
      expect(entry.contentDigest).toMatch(/^[\w-]{43}$/);
      expect(entry.counts.lab).toBeGreaterThan(0);
    }
    const statuses = (await listConsents(platform.db, a)).map((c) => consentStatus(c, now)).sort();
    expect(statuses).toEqual(['expired', 'revoked']);
    const [request] = await listDeletionRequests(platform.db, a);
    expect(request).toMatchObject({ status: 'acknowledged', receiptDigest: expect.stringMatching(/^[\w-]{43}$/) });

    const b = await citizenId('B爺爺');
    expect((await listConsents(platform.db, b)).map((c) => consentStatus(c, now))).toEqual(['active']);
    expect(await listExports(platform.db, b)).toHaveLength(1);

    expect(await verifyAuditLog(platform.db)).toMatchObject({ ok: true, entries: 12 });
  });

  it('shows the history in the portal', async () => {
    const a = await citizenId('A小姐');
    const { browser } = await signInToPortal(platform, 'A小姐');
    const history = await portalGet(platform, browser, '/me/history');
    for (const entry of await listExports(platform.db, a)) expect(history.html).toContain(entry.id);
    expect(history.html).toContain('App 已回覆刪除完成');
  });

  it('adds nothing when run again', async () => {
    const before = (await verifyAuditLog(platform.db)).entries;
    expect(await seedSandboxHistory(platform.db, platform.config, Date.now(), diary)).toEqual({
      consents: 0,
      files: 0,
      revocations: 0,
      deletionRequests: 0,
    });
    expect((await verifyAuditLog(platform.db)).entries).toBe(before);
  });
});
