/**
 * The history page shows a citizen the inclusion proof of an entry: pending until the next signed
 * checkpoint, then a download that the SDK's `verifyAuditProof` checks against the platform's
 * published keys alone, and that fails once anything in it is changed.
 */
import { verifyAuditProof } from '@healthbank/sdk/audit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../audit/index.js';
import type { TestPlatform } from '../auth/testing.js';
import type { client } from '../auth/testing-client.js';
import { findConsent } from '../consent/repository.js';
import { testDatabases } from '../db/testing.js';
import { listExports } from '../export/index.js';
import { loadExportKeyring } from '../export/keys.js';
import { portalGet, provideFile, startPortalPlatform } from './testing.js';

const APP = 'portal-proof-app';

describe.each(testDatabases())('inclusion proofs in the portal on $label', (target) => {
  let platform: TestPlatform;
  let config: client.Configuration;

  beforeAll(async () => {
    ({ platform, config } = await startPortalPlatform(target, APP));
  });
  afterAll(() => platform?.close());

  it('offers the proof of a file after the next checkpoint, and the SDK checks it with the published keys', async () => {
    const a = await provideFile(platform, config, { persona: 'A小姐' });
    const citizenId = (await findConsent(platform.db, a.consentId))?.citizenId ?? 0;
    const [entry] = await listExports(platform.db, citizenId);
    if (!entry) throw new Error('no export recorded');

    const before = await portalGet(platform, a.browser, `/me/exports/${entry.id}`);
    expect(before.html).toContain('data-testid="proof-pending"');
    const early = await a.browser.request(`${platform.url}/me/exports/${entry.id}/proof.json`);
    expect(early.status).toBe(409);
    // A browser gets the plain-language page in the citizen's language.
    expect(await early.text()).toContain('證明會在稽核紀錄下一次簽章後提供');

    await writeCheckpoint(platform.db, await loadExportKeyring(platform.config.exportSigningKeys), Date.now());
    const after = await portalGet(platform, a.browser, `/me/exports/${entry.id}`);
    expect(after.html).toContain(`href="/me/exports/${entry.id}/proof.json"`);
    const res = await a.browser.request(`${platform.url}/me/exports/${entry.id}/proof.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    const proof = (await res.json()) as { entry: { subject: string; type: string; digest: string } };
    expect(proof.entry).toMatchObject({ type: 'export.file', subject: entry.id, digest: entry.contentDigest });

    const jwks = await (await fetch(`${platform.url}/.well-known/export-jwks.json`)).json();
    const verified = await verifyAuditProof(proof, jwks);
    expect(verified).toMatchObject({ ok: true, entry: { subject: entry.id } });

    // A changed entry, or keys that are not the platform's, and the proof no longer holds.
    const edited = { ...proof, entry: { ...proof.entry, digest: `sha-256=${'A'.repeat(43)}` } };
    expect(await verifyAuditProof(edited, jwks)).toMatchObject({ ok: false });
    const otherKeys = { keys: jwks.keys.map((k: { x: string }) => ({ ...k, x: proof.entry.digest.slice(-43) })) };
    expect(await verifyAuditProof(proof, otherKeys)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not signed by a published key/),
    });
    expect(await verifyAuditProof({ not: 'a proof' }, jwks)).toMatchObject({ ok: false });
  });
});
