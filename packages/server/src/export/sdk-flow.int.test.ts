/**
 * The export service end to end, with the SDK itself as the app: a real platform on loopback, the
 * SDK's PAR + PKCE + DPoP, sign-in as A小姐 and the consent form over HTTP, the code exchange, the
 * ticket, and verified, decrypted files.
 */

import { readFile } from 'node:fs/promises';
import {
  configure,
  generateExportKey,
  type HealthBankClient,
  isSdkError,
  MemoryStore,
  openExportFile,
  SdkError,
  type StartOptions,
  type Ticket,
} from '@healthbank/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as quickstart from '../../../../docs/examples/sdk-quickstart.js';
import {
  authorizeInBrowser,
  type ConsentAnswer,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  type TestPlatform,
} from '../auth/testing.js';
import type { Clock } from '../clock.js';
import { recordQueryOf } from '../consent/model.js';
import { findConsent } from '../consent/repository.js';
import { findCitizenByNationalId, listPersonas, readRecords } from '../db/index.js';
import { testDatabases } from '../db/testing.js';
import { integrationChecklist } from '../developer/checklist.js';
import { listExports } from './history.js';
import { EXPORTS_PER_DAY } from './limits.js';
import { exportKysely } from './tables.js';

const APP = 'sdk-test-app';
const HOUR = 3600_000;

/** Real time plus an offset the tests move forward: the server's injectable clock. */
class OffsetClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
  reset(): void {
    this.offset = 0;
  }
}

function sdk(platform: TestPlatform, opts: { fetch?: typeof fetch } = {}): HealthBankClient {
  return configure({
    issuer: platform.url,
    clientId: APP,
    redirectUri: TEST_REDIRECT_URI,
    store: new MemoryStore(),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

/** `start` without navigating, then the consent pages as A小姐: the redirect back to the app. */
async function consent(
  platform: TestPlatform,
  hb: HealthBankClient,
  opts: { start?: Partial<StartOptions>; answer?: ConsentAnswer } = {},
): Promise<URL> {
  const { authorizationUrl } = await hb.start({ categories: ['lab', 'outpatient'], ...opts.start, navigate: false });
  const { callback, page } = await authorizeInBrowser(platform, authorizationUrl, {
    ...(opts.answer ? { consent: opts.answer } : {}),
  });
  if (!callback) throw new Error(`the consent flow stopped at ${page?.url} (${page?.status})`);
  return callback;
}

const connect = async (platform: TestPlatform, hb: HealthBankClient, opts: Parameters<typeof consent>[2] = {}) =>
  hb.handleRedirect(await consent(platform, hb, opts));

async function failure(promise: Promise<unknown>): Promise<SdkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SdkError)) throw new Error(`expected an SdkError, got ${String(error)}`);
  return error;
}

const ALL_TIME: ConsentAnswer = { acknowledge: 'yes', period: 'all', duration: 'once' };

describe.each(testDatabases())('the SDK against the export service on $label', (target) => {
  let platform: TestPlatform;
  const clock = new OffsetClock();
  let citizenId: number;

  beforeAll(async () => {
    platform = await startTestPlatform(target, { clock });
    await registerTestApp(platform, {
      clientId: APP,
      clientType: 'public',
      categories: ['lab', 'outpatient', 'allergy', 'immunization'],
    });
    const a = (await listPersonas(platform.db)).find((p) => p.persona === 'A小姐');
    citizenId = (await findCitizenByNationalId(platform.db, a?.nationalId ?? ''))?.id ?? 0;
  });
  afterAll(() => platform?.close());

  it('advertises the export API and its signing keys in discovery; the JWKS holds public keys only', async () => {
    const discovery = await (await fetch(`${platform.url}/.well-known/openid-configuration`)).json();
    expect(discovery.healthbank_export_endpoint).toBe(`${platform.url}/api/export`);
    expect(discovery.healthbank_export_jwks_uri).toBe(`${platform.url}/.well-known/export-jwks.json`);
    const response = await fetch(discovery.healthbank_export_jwks_uri);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const jwks = await response.json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([
      'healthbank-development-export-es256-2',
      'healthbank-development-export-eddsa-1',
    ]);
    expect(jwks.keys.some((k: Record<string, unknown>) => 'd' in k)).toBe(false);
  });

  it('connects, and fetchData returns exactly the consented records, recorded in the provision history', async () => {
    const hb = sdk(platform);
    const ticket = await connect(platform, hb, { answer: { ...ALL_TIME, category: ['lab', 'outpatient'] } });
    expect(ticket).toMatchObject({ categories: ['outpatient', 'lab'], ongoing: false });
    const progress: { loaded: number; total?: number }[] = [];
    const data = await hb.fetchData(ticket, { format: 'records', onProgress: (p) => progress.push(p) });

    const stored = await findConsent(platform.db, ticket.consentId);
    if (!stored) throw new Error('no consent');
    expect(stored.citizenId).toBe(citizenId);
    const expected = await readRecords(platform.db, citizenId, recordQueryOf(stored));
    expect(data.records).toEqual(expected);
    expect(Object.keys(data.records)).toEqual(['outpatient', 'lab']);
    expect(data.claims).toMatchObject({
      iss: platform.url,
      aud: APP,
      consent_id: ticket.consentId,
      categories: ['outpatient', 'lab'],
      period: { from: null, to: null },
      format: 'records',
      counts: { lab: expected.lab?.length, outpatient: expected.outpatient?.length },
    });
    // The pairwise subject, never the citizen's internal id or national ID.
    expect(data.claims.sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(progress.at(-1)).toEqual({ loaded: progress.at(-1)?.total, total: progress.at(-1)?.total });

    const [entry] = await listExports(platform.db, citizenId);
    expect(entry).toMatchObject({
      id: data.claims.jti,
      consentId: ticket.consentId,
      clientId: APP,
      categories: ['outpatient', 'lab'],
      format: 'records',
      counts: data.claims.counts,
      contentDigest: data.claims.content_digest,
      contentLength: data.claims.content_length,
      signingKid: 'healthbank-development-export-es256-2',
    });
  });

  it('serves the same consent as FHIR and as NHI’s mhb layout', async () => {
    const hb = sdk(platform);
    const ticket = await connect(platform, hb, { answer: { ...ALL_TIME, category: ['lab'] } });
    const fhir = await hb.fetchData(ticket, { format: 'fhir' });
    expect(fhir.bundle.resourceType).toBe('Bundle');
    expect(fhir.claims.format).toBe('fhir');
    const observations = fhir.bundle.entry?.filter((e) => e.resource?.resourceType === 'Observation') ?? [];
    expect(observations.length).toBeGreaterThanOrEqual(fhir.claims.counts.lab ?? 0);
    const mhb = await hb.fetchData(ticket, { format: 'mhb' });
    expect(Object.keys(mhb.json.myhealthbank.bdata)).toEqual(['b1.1', 'b1.2', 'r0', 'r7']);
    expect(mhb.json.myhealthbank.bdata['b1.1']).toBe(mhb.claims.sub);
  });

  it('a ticket outlives its ten-minute access token: the file still comes, with a proof of the same key', async () => {
    const hb = sdk(platform);
    const ticket = await connect(platform, hb, { answer: { ...ALL_TIME, category: ['lab'] } });
    const stored = await findConsent(platform.db, ticket.consentId);
    // The token's ten minutes are over (the stored expiry is what every lookup checks).
    await platform.db.kysely
      .withTables<{ oauth_artifacts: { model: string; grant_id: string | null; expires_at: number } }>()
      .updateTable('oauth_artifacts')
      .set({ expires_at: clock.now() - 1 })
      .where('model', '=', 'AccessToken')
      .where('grant_id', '=', stored?.grantId ?? '')
      .execute();
    const data = await hb.fetchData(ticket);
    expect(data.claims.consent_id).toBe(ticket.consentId);
  });

  it('checkTestFiles: a correct verifier accepts the genuine file and rejects every tampered one, and the checklist records it', async () => {
    const hb = sdk(platform);
    const ticket = await connect(platform, hb);
    const before = (await integrationChecklist(platform.db, APP)).find((i) => i.id === 'tampered');
    expect(await hb.checkTestFiles(ticket)).toEqual({ correct: 6, total: 6 });
    const after = (await integrationChecklist(platform.db, APP)).find((i) => i.id === 'tampered');
    expect(before?.evidence).toBeUndefined();
    expect(after?.evidence).toBeDefined();
    const batches = await exportKysely(platform.db)
      .selectFrom('integration_test_files')
      .select(['truth', 'answered_at'])
      .where('client_id', '=', APP)
      .execute();
    expect(batches).toHaveLength(1);
    // One genuine file among six, in an order the ids do not give away.
    expect(Object.values(JSON.parse(batches[0]?.truth ?? '{}')).filter(Boolean)).toHaveLength(1);
    // Without the ticket's key, no batch: the proof is checked like a file's.
    const unproven = await fetch(`${platform.url}/api/export/test-files/${ticket.id}`);
    expect(unproven.status).toBe(401);
  });

  it('after revoke(), fetchData fails with revoked', async () => {
    const hb = sdk(platform);
    const ticket = await connect(platform, hb, { answer: ALL_TIME });
    await hb.fetchData(ticket);
    await hb.revoke();
    expect((await findConsent(platform.db, ticket.consentId))?.status).toBe('revoked');
    expect((await failure(hb.fetchData(ticket))).code).toBe('revoked');
  });

  it('an ongoing consent: revoke() ends it through the ticket and RFC 7009', async () => {
    const hb = sdk(platform);
    const ticket = await connect(platform, hb, { answer: { ...ALL_TIME, duration: '3' } });
    expect(ticket.ongoing).toBe(true);
    await hb.revoke();
    expect((await failure(hb.fetchData(ticket))).code).toBe('revoked');
  });

  it('declining the consent gives declined', async () => {
    const hb = sdk(platform);
    const callback = await consent(platform, hb, { answer: 'decline' });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect((await failure(hb.handleRedirect(callback))).code).toBe('declined');
  });

  it('a redirect this device did not start, or with another state, is refused', async () => {
    const hb = sdk(platform);
    const callback = await consent(platform, hb, { answer: ALL_TIME });
    callback.searchParams.set('state', 'forged');
    expect((await failure(hb.handleRedirect(callback))).code).toBe('authorization_failed');
    expect((await failure(hb.handleRedirect(callback))).code).toBe('authorization_failed');
  });

  it('a one-time ticket expires after 24 hours: ticket_expired', async () => {
    const hb = sdk(platform);
    const ticket = await connect(platform, hb, { answer: ALL_TIME });
    expect(Date.parse(ticket.expiresAt) - clock.now()).toBeLessThanOrEqual(24 * HOUR);
    expect(Date.parse(ticket.expiresAt) - clock.now()).toBeGreaterThan(24 * HOUR - 60_000);
    // 24 hours later, where the ticket is stored: the device's proofs keep the real time, and the
    // platform checks a proof's time before it looks at the ticket.
    await exportKysely(platform.db)
      .updateTable('export_tickets')
      .set({ expires_at: clock.now() - 1 })
      .where('consent_id', '=', ticket.consentId)
      .execute();
    expect((await failure(hb.fetchData(ticket))).code).toBe('ticket_expired');
  });

  it('an ongoing consent renews its expired ticket with the refresh token', async () => {
    const hb = sdk(platform);
    const ticket = await connect(platform, hb, { answer: { ...ALL_TIME, duration: '1', category: ['lab'] } });
    // Expire the ticket where it is stored (the token endpoint keeps real time, so the clock stays put).
    await exportKysely(platform.db)
      .updateTable('export_tickets')
      .set({ expires_at: clock.now() - 1 })
      .where('consent_id', '=', ticket.consentId)
      .execute();
    const data = await hb.fetchData(ticket);
    expect(data.ticket.id).not.toBe(ticket.id);
    expect(data.ticket.consentId).toBe(ticket.consentId);
    expect(data.claims.consent_id).toBe(ticket.consentId);
  });

  it(`bounds files to ${EXPORTS_PER_DAY} per consent per day: rate_limited with a retry time`, async () => {
    const hb = sdk(platform);
    const ticket = await connect(platform, hb, { answer: { ...ALL_TIME, category: ['lab'] } });
    // Fill the window from the history, as earlier fetches would have.
    const stored = await findConsent(platform.db, ticket.consentId);
    const now = clock.now();
    await exportKysely(platform.db)
      .insertInto('exports')
      .values(
        Array.from({ length: EXPORTS_PER_DAY }, (_, i) => ({
          id: `exp_fill_${target.label}_${i}`,
          citizen_id: stored?.citizenId ?? 0,
          consent_id: ticket.consentId,
          client_id: APP,
          categories: '["lab"]',
          period_from: null,
          period_to: null,
          format: 'records' as const,
          counts: '{"lab":0}',
          content_digest: 'x',
          content_length: 0,
          signing_kid: 'k',
          created_at: now - 2 * HOUR + i,
        })),
      )
      .execute();
    const error = await failure(hb.fetchData(ticket));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfter).toBe(22 * 3600);
  });

  it('a byte changed in transit is refused; another device’s key cannot decrypt the file', async () => {
    let captured = '';
    const tamper = (index: number) => async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (!String(input).includes('/api/export/files/')) return response;
      const file = await response.text();
      captured = file;
      const parts = file.split('.');
      const ciphertext = parts[3] ?? '';
      const at = index % ciphertext.length;
      parts[3] = `${ciphertext.slice(0, at)}${ciphertext[at] === 'A' ? 'B' : 'A'}${ciphertext.slice(at + 1)}`;
      return new Response(parts.join('.'), { status: response.status, headers: response.headers });
    };
    const hb = sdk(platform, { fetch: tamper(1234) });
    const ticket = await connect(platform, hb, { answer: { ...ALL_TIME, category: ['lab'] } });
    const error = await failure(hb.fetchData(ticket));
    expect(['decryption_failed', 'signature_invalid']).toContain(error.code);

    const jwks = await (await fetch(`${platform.url}/.well-known/export-jwks.json`)).json();
    const stranger = await generateExportKey();
    const opened = openExportFile(captured, {
      decryptionKey: stranger.privateKey,
      jwks,
      issuer: platform.url,
      audience: APP,
    });
    await expect(opened).rejects.toSatisfy((e: unknown) => isSdkError(e, 'decryption_failed'));
  });

  it('another device cannot use the ticket: to its key, the ticket does not exist', async () => {
    const hb = sdk(platform);
    const ticket: Ticket = await connect(platform, hb, { answer: ALL_TIME });
    const other = sdk(platform);
    await consent(platform, other, { answer: ALL_TIME }); // gives the other client keys of its own
    expect((await failure(other.fetchData(ticket))).code).toBe('ticket_invalid');
  });

  it('the integrator guide’s example runs as written, and docs/sdk.md shows it verbatim', async () => {
    const source = await readFile(new URL('../../../../docs/examples/sdk-quickstart.ts', import.meta.url), 'utf8');
    const guide = await readFile(new URL('../../../../docs/sdk.md', import.meta.url), 'utf8');
    expect(guide).toContain(source.trim());

    const hb = quickstart.createClient(platform.url);
    const authorizationUrl = await quickstart.connect(hb);
    const { callback } = await authorizeInBrowser(platform, authorizationUrl, {
      redirectUri: `${platform.url}/examples/diabetes-diary/callback`,
      consent: { acknowledge: 'yes', period: 'all', duration: '12' },
    });
    const ticket = await quickstart.finishConnect(hb, callback?.href ?? '');
    if (ticket === 'declined') throw new Error('declined');
    expect(ticket).toMatchObject({ categories: ['outpatient', 'lab'], ongoing: true });
    const percents: number[] = [];
    const trends = await quickstart.loadTrends(hb, ticket, (p) => percents.push(p));
    if (!('hba1c' in trends)) throw new Error(`no trends: ${JSON.stringify(trends)}`);
    const stored = await findConsent(platform.db, ticket.consentId);
    if (!stored) throw new Error('no consent');
    const labs = (await readRecords(platform.db, citizenId, recordQueryOf(stored))).lab ?? [];
    const glucose = labs.filter((r) => r.loinc === '1558-6');
    expect(glucose.length).toBeGreaterThan(0);
    expect(trends.fastingGlucose).toEqual(
      glucose
        .map((r) => ({ date: r.date, value: r.quantity?.value, unit: 'mg/dL' }))
        .sort((a, b) => a.date.localeCompare(b.date)),
    );
    expect(percents.at(-1)).toBe(100);
    await quickstart.disconnect(hb);
    expect((await findConsent(platform.db, ticket.consentId))?.status).toBe('revoked');
  });
});
