/**
 * A citizen's journey leaves its trail in the audit log, in the same order, with metadata only:
 * sign-in, consent, the token, the file handed over (with its digest), the revocation; the chain verifies;
 * no national ID and no record content appears in any entry.
 */
import { checkAuditProof } from '@healthbank/records';
import { configure, MemoryStore } from '@healthbank/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeInBrowser,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  type TestPlatform,
} from '../auth/testing.js';
import { listPersonas } from '../db/index.js';
import { testDatabases } from '../db/testing.js';
import { loadExportKeyring } from '../export/keys.js';
import { auditProof, verifyAuditCheckpoint, verifyAuditLog, writeCheckpoint } from './index.js';
import { auditKysely } from './tables.js';

describe.each(testDatabases())('the audit trail of a journey on $label', (target) => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerTestApp(platform, { clientId: 'audited-app', clientType: 'public', categories: ['lab'] });
  });
  afterAll(() => platform?.close());

  it('records sign-in, consent, export and revocation, and nothing a citizen would not want logged', async () => {
    const hb = configure({
      issuer: platform.url,
      clientId: 'audited-app',
      redirectUri: TEST_REDIRECT_URI,
      store: new MemoryStore(),
    });
    const { authorizationUrl } = await hb.start({ categories: ['lab'], navigate: false });
    const { callback } = await authorizeInBrowser(platform, authorizationUrl, {
      consent: { acknowledge: 'yes', period: 'all', duration: 'once', category: ['lab'] },
    });
    if (!callback) throw new Error('the consent flow did not come back');
    const ticket = await hb.handleRedirect(callback);
    const data = await hb.fetchData(ticket);
    await hb.revoke();

    const entries = await auditKysely(platform.db.kysely).selectFrom('audit_log').selectAll().orderBy('seq').execute();
    expect(entries.map((e) => e.type)).toEqual([
      'signin',
      'consent.given',
      'token.issued',
      'export.file',
      'consent.revoked',
    ]);
    const [signin, given, token, file, revoked] = entries;
    expect(signin).toMatchObject({ client_id: 'audited-app' });
    expect(given).toMatchObject({
      subject: ticket.consentId,
      client_id: 'audited-app',
      citizen_id: signin?.citizen_id,
    });
    // A one-time consent gets one DPoP-bound access token and no refresh token.
    expect(token).toMatchObject({
      subject: ticket.consentId,
      client_id: 'audited-app',
      citizen_id: signin?.citizen_id,
    });
    expect(JSON.parse(token?.details ?? '{}')).toMatchObject({ token: 'access', sender_constrained: true });
    expect(file).toMatchObject({ subject: data.claims.jti, digest: data.claims.content_digest });
    expect(revoked).toMatchObject({ subject: ticket.consentId });
    expect(await verifyAuditLog(platform.db)).toMatchObject({ ok: true, entries: 5 });

    // Signed, every entry of the journey has a proof that checks without the server.
    const keyring = await loadExportKeyring(platform.config.exportSigningKeys);
    await writeCheckpoint(platform.db, keyring, Date.now());
    for (const entry of entries) {
      const proof = await auditProof(platform.db, Number(entry.seq));
      expect(checkAuditProof(proof)).toEqual({ ok: true });
      expect(await verifyAuditCheckpoint(proof.checkpoint.jws, keyring.jwks)).toMatchObject({ tree_size: 5 });
    }
    expect(await verifyAuditLog(platform.db, { jwks: keyring.jwks })).toMatchObject({
      ok: true,
      entries: 5,
      checkpoints: 1,
      signaturesChecked: true,
    });

    const logged = JSON.stringify(entries);
    for (const { nationalId } of await listPersonas(platform.db)) expect(logged).not.toContain(nationalId);
    expect(logged).not.toMatch(/[A-Z][12]\d{8}/);
    for (const lab of data.records.lab ?? []) expect(logged).not.toContain(lab.order.display);
  });
});
