/**
 * The workplace programme's backend against a real platform, with the SDK as each employee's
 * device: employees join, the employer's dashboard shows only groups of at least five, the nurse
 * sees only those who agreed (and stops seeing one who takes it back), and an employee who
 * withdraws is gone from every aggregate, the store, and the bytes of its database file at once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configure, type HealthBankClient, MemoryStore } from '@healthbank/sdk';
import { generatePersonas } from '@healthbank/synth';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSandboxApps } from '../../../../packages/server/src/auth/clients/sandbox.js';
import {
  authorizeInBrowser,
  freePort,
  startTestPlatform,
  type TestPlatform,
} from '../../../../packages/server/src/auth/testing.js';
import { findConsent } from '../../../../packages/server/src/consent/repository.js';
import { seedPopulation } from '../../../../packages/server/src/db/index.js';
import { testDatabases } from '../../../../packages/server/src/db/testing.js';
import { addStaff } from '../../../common/src/staff.js';
import { Vault } from '../../../common/src/vault.js';
import { buildWorkplace, WORKPLACE_CLIENT_ID } from './app.js';
import { WORKPLACE_SANDBOX_KEY } from './sandbox-key.js';
import { openDatabase } from './store.js';

interface Employee {
  nationalId: string;
  hb: HealthBankClient;
  token: string;
  consentId: string;
}

describe('the workplace health backend', () => {
  let platform: TestPlatform;
  let app: FastifyInstance;
  let db: Database;
  let dir: string;
  let url: string;
  let dbFile: string;
  const employees: Employee[] = [];
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    const [sqlite] = testDatabases();
    if (!sqlite) throw new Error('no SQLite target');
    platform = await startTestPlatform(sqlite);
    // Seven of C職場's employees (the synthetic personas, so the sandbox's persona sign-in takes them).
    const cohort = generatePersonas('workplace-test', new Date().toISOString().slice(0, 10)).slice(2, 9);
    await seedPopulation(platform.db, cohort);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    await registerSandboxApps(platform.db, { publicUrl: platform.url, examples: { 'workplace-health': url } });
    dir = mkdtempSync(join(tmpdir(), 'workplace-'));
    dbFile = join(dir, 'workplace-health.db');
    db = openDatabase(dbFile);
    app = buildWorkplace({
      publicUrl: url,
      issuer: platform.url,
      clientKey: { ...WORKPLACE_SANDBOX_KEY },
      db,
      vault: new Vault(randomBytes(32)),
      webDir: dir,
    });
    await app.listen({ host: '127.0.0.1', port });
    await addStaff(db, { email: 'hr@example.test', role: 'employer', name: 'HR', password: 'correct horse battery' });
    await addStaff(db, {
      email: 'nurse@example.test',
      role: 'nurse',
      name: 'Nurse',
      password: 'correct horse battery',
    });
    for (const role of ['hr', 'nurse']) {
      const signin = await fetch(`${url}/staff/signin`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
        body: new URLSearchParams({ email: `${role}@example.test`, password: 'correct horse battery' }),
      });
      expect(signin.status).toBe(303);
      cookies[role] = (signin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    }
    // Six in 生產部 aged 30-39 (a group the employer may see), one in 研發部 aged 50-59 (too small).
    for (const [i, citizen] of cohort.slice(0, 7).entries()) {
      employees.push(await join_(citizen.citizen.nationalId, i < 6 ? 0 : 1, i < 6 ? '30-39' : '50-59', i % 2 === 0));
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    db?.close();
    await platform?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function join_(nationalId: string, department: number, band: string, nurse: boolean): Promise<Employee> {
    const hb = configure({
      issuer: platform.url,
      clientId: WORKPLACE_CLIENT_ID,
      redirectUri: `${url}/callback`,
      tokenMediator: `${url}/api/oauth`,
      store: new MemoryStore(),
    });
    const { authorizationUrl } = await hb.start({
      categories: ['adult_preventive', 'lab', 'cancer_screening'],
      navigate: false,
    });
    const { callback, page } = await authorizeInBrowser(platform, authorizationUrl, {
      nationalId,
      consent: { acknowledge: 'yes', period: 'all', duration: '12' },
      redirectUri: `${url}/callback`,
    });
    if (!callback) throw new Error(`stopped at ${page?.url}: ${page?.html.slice(0, 300)}`);
    const ticket = await hb.handleRedirect(callback);
    const data = await hb.fetchData(ticket, { keepSigned: true });
    const query = new URLSearchParams({
      department: String(department),
      band,
      nurse: nurse ? '1' : '0',
      name: `員工${nationalId.slice(-3)}`,
    });
    const response = await fetch(`${url}/api/uploads?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: data.signed as Uint8Array<ArrayBuffer>,
    });
    expect(response.status).toBe(201);
    const { device_token: token } = (await response.json()) as { device_token: string };
    return { nationalId, hb, token, consentId: ticket.consentId };
  }

  const page = async (path: string, role: 'hr' | 'nurse') => {
    const response = await fetch(`${url}${path}`, { headers: { cookie: cookies[role] ?? '' }, redirect: 'manual' });
    return { status: response.status, html: await response.text() };
  };
  /** A dashboard cell: its headcount, or `withheld`. */
  const cell = (html: string, key: string) => {
    const td = new RegExp(`data-cell="${key.replace('.', '\\.')}">(.*?)</td>`).exec(html)?.[1] ?? '';
    if (td.includes('data-suppressed="true"')) return 'withheld';
    return Number(/data-n="(\d+)"/.exec(td)?.[1] ?? 0);
  };

  it('shows the employer groups of five or more and withholds smaller ones, with their complements', async () => {
    const { status, html } = await page('/dashboard?measure=high_bp', 'hr');
    expect(status).toBe(200);
    expect(cell(html, '0.1')).toBe(6);
    expect(cell(html, '1.3')).toBe('withheld');
    // 研發部's total and the 50-59 total would each be that one person: withheld too.
    expect(cell(html, '1.t')).toBe('withheld');
    expect(cell(html, 't.3')).toBe('withheld');
    // And so is the grand total: 7 minus the 6 shown is the one person again (complementary suppression).
    expect(cell(html, 't.t')).toBe('withheld');
    expect(cell(html, '0.t')).toBe(6);
    // No name ever reaches the employer.
    expect(html).not.toMatch(/員工/);
  });

  it('lets the nurse see only those who agreed, and no longer one who takes it back', async () => {
    const agreed = employees.filter((_, i) => i % 2 === 0).length;
    const before = await page('/nurse', 'nurse');
    expect(before.html.match(/data-employee=/g)).toHaveLength(agreed);
    const first = employees[0] as Employee;
    const changed = await fetch(`${url}/api/me/nurse`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allowed: false }),
    });
    expect(changed.status).toBe(204);
    expect((await page('/nurse', 'nurse')).html.match(/data-employee=/g)).toHaveLength(agreed - 1);
    // Roles stay apart: the employer has no nurse view, the nurse no dashboard.
    expect((await page('/nurse', 'hr')).status).toBe(403);
    expect((await page('/dashboard', 'nurse')).status).toBe(403);
  });

  it('an employee who withdraws is gone from every aggregate, the store and the file at once', async () => {
    const leaving = employees[1] as Employee;
    const row = db
      .prepare('SELECT id, records, summary, records_key, summary_key FROM participants WHERE consent_id = ?')
      .get(leaving.consentId) as
      | { id: string; records: Buffer; summary: Buffer; records_key: Buffer; summary_key: Buffer }
      | undefined;
    if (!row) throw new Error('not stored');
    // Pieces of what was stored for them, to look for in the file afterwards.
    const pieces = [row.records, row.summary, row.records_key, row.summary_key].map((b) => b.subarray(13, 45));
    expect(pieces.every((piece) => readFileSync(dbFile).includes(piece))).toBe(true);

    await leaving.hb.revoke();
    const deleted = await fetch(`${url}/api/me`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${leaving.token}` },
    });
    expect(deleted.status).toBe(204);

    expect((await findConsent(platform.db, leaving.consentId))?.status).toBe('revoked');
    expect(db.prepare('SELECT count(*) AS n FROM participants WHERE id = ?').get(row.id)).toEqual({ n: 0 });
    const bytes = readFileSync(dbFile);
    expect(pieces.filter((piece) => bytes.includes(piece))).toEqual([]);
    const { html } = await page('/dashboard?measure=high_bp', 'hr');
    expect(cell(html, '0.1')).toBe(5);
    expect(cell(html, '0.t')).toBe(5);
    // Their device token opens nothing any more.
    expect((await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${leaving.token}` } })).status).toBe(401);
  });

  it('one more withdrawal leaves a group of four: the employer no longer sees it', async () => {
    const leaving = employees[3] as Employee;
    await leaving.hb.revoke();
    expect(
      (await fetch(`${url}/api/me`, { method: 'DELETE', headers: { authorization: `Bearer ${leaving.token}` } }))
        .status,
    ).toBe(204);
    const { html } = await page('/dashboard?measure=high_bp', 'hr');
    expect(cell(html, '0.1')).toBe('withheld');
    expect(cell(html, '0.t')).toBe('withheld');
    // Five people in all: the company-wide figure is now the only one shown.
    expect(cell(html, 't.t')).toBe(5);
  });

  it('refuses a join with choices it does not offer, and changes nothing', async () => {
    const before = db.prepare('SELECT count(*) AS n FROM participants').get();
    const bad = await fetch(`${url}/api/uploads?department=9&band=30-39&nurse=0`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([1]),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('department_invalid');
    expect(db.prepare('SELECT count(*) AS n FROM participants').get()).toEqual(before);
  });
});
