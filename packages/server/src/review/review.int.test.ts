/**
 * The reviewer console through its pages: the queue, approval issuing a production client,
 * rejection with a reason the organisation reads, separation of roles (developers never reach the
 * console, reviewers never decide their own organisation's application, only admins add
 * reviewers), suspension refusing the app at PAR at once, and the yearly report expiry driven by
 * a manual clock: warnings at 60/30/7 days, suspension on day 366.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKysely } from '../audit/tables.js';
import { findApp } from '../auth/clients/apps.js';
import type { SoftwareAuthenticator } from '../auth/signin/passkeys/software-authenticator.js';
import { createStaffAccount } from '../auth/staff/accounts.js';
import { startTestPlatform, TestBrowser, type TestPlatform } from '../auth/testing.js';
import { ManualClock } from '../clock.js';
import { testDatabases } from '../db/testing.js';
import { listNotices } from '../developer/notices.js';
import { developerKysely } from '../developer/tables.js';
import {
  enrolReviewer,
  get,
  ORGANISATION_FORM,
  passkeyOptionsIn,
  post,
  registerThroughPortal,
  signInReviewer,
  signInStaff,
  submitThroughPortal,
} from '../developer/testing.js';
import { runReportExpiry } from './expiry.js';
import { addReviewer } from './reviewers.js';

const DAY = 86_400_000;

async function par(platform: TestPlatform, clientId: string) {
  const response = await fetch(`${platform.url}/oauth/par`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, response_type: 'code' }),
  });
  return { status: response.status, body: (await response.json()) as { error: string } };
}

describe.each(testDatabases())('reviewer console on $label', (target) => {
  let platform: TestPlatform;
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 2));
  const today = () => new Date(clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  let developer: TestBrowser;
  let reviewer: TestBrowser;
  let organisationId: string;
  let authenticator: SoftwareAuthenticator;

  beforeAll(async () => {
    platform = await startTestPlatform(target, { clock, sandbox: false });
    ({ browser: developer } = await registerThroughPortal(platform));
    organisationId = (
      await developerKysely(platform.db)
        .selectFrom('organisations')
        .select('id')
        .where('identifier', '=', ORGANISATION_FORM.identifier)
        .executeTakeFirstOrThrow()
    ).id;
    await createStaffAccount(
      platform.db,
      { kind: 'reviewer', email: 'admin@review.example', name: '審查管理者', role: 'admin' },
      clock.now(),
    );
    await createStaffAccount(
      platform.db,
      { kind: 'reviewer', email: 'insider@review.example', name: '自家審查員', role: 'reviewer', organisationId },
      clock.now(),
    );
    ({ browser: reviewer, authenticator } = await enrolReviewer(platform, 'admin@review.example'));
  });
  afterAll(() => platform?.close());

  it('keeps developers out of the console and reviewers out of the developer portal', async () => {
    const asDeveloper = await get(platform, developer, '/review');
    expect(new URL(asDeveloper.url).pathname).toBe('/review/signin');
    // A developer's address is not a reviewer's account: no code is issued for it.
    const signin = await get(platform, developer, '/review/signin');
    const code = await post(platform, developer, signin, '/review/signin', {
      email: ORGANISATION_FORM.developer_email,
    });
    expect(code.html).not.toMatch(/驗證碼是 \d{6}/);
    const asReviewer = await get(platform, reviewer, '/developers');
    expect(asReviewer.html).toContain('註冊機構');
    expect(asReviewer.html).not.toContain('審查管理者');
  });

  it('takes passkeys only: a code opens nothing but the first enrolment, and is refused once a passkey exists', async () => {
    await addReviewer(platform.db, { email: 'new@review.example', name: '新審查員', role: 'reviewer' }, clock.now());
    const { browser: fresh, home } = await signInStaff(platform, 'new@review.example', '/review');
    expect(new URL(home.url).pathname).toBe('/review/passkey');
    // The code's session reaches no console page.
    expect(new URL((await get(platform, fresh, '/review/audit')).url).pathname).toBe('/review/passkey');
    // The admin has a passkey: a correct code no longer signs in.
    const { browser: byCode, home: refused } = await signInStaff(platform, 'admin@review.example', '/review');
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('這個帳號已設定通行金鑰，請用通行金鑰登入。');
    expect(new URL((await get(platform, byCode, '/review')).url).pathname).toBe('/review/signin');
    // The passkey does; the same assertion twice does not.
    const signin = await get(platform, new TestBrowser(), '/review/signin');
    const assertion = JSON.stringify(authenticator.get(passkeyOptionsIn(signin.html), new URL(platform.url).origin));
    const first = new TestBrowser();
    const page = await get(platform, first, '/review/signin');
    expect(
      new URL((await post(platform, first, page, '/review/signin/passkey', { credential: assertion })).url).pathname,
    ).toBe('/review');
    const second = new TestBrowser();
    const again = await get(platform, second, '/review/signin');
    const replayed = await post(platform, second, again, '/review/signin/passkey', { credential: assertion });
    expect(replayed.status).toBe(400);
    expect(replayed.html).toContain('無法用通行金鑰登入');
  });

  it('approves: the production client is registered for the production redirect URIs, and the organisation sees it', async () => {
    const { id } = await submitThroughPortal(platform, developer, { testedOn: today(), at: clock.now() });
    const queue = await get(platform, reviewer, '/review');
    expect(queue.html).toContain(`/review/applications/${id}`);
    const page = await get(platform, reviewer, `/review/applications/${id}`);
    expect(page.html.match(/badge active">已完成/g)).toHaveLength(4);
    expect(page.html).toContain(`/review/applications/${id}/reports/rpt_`);
    const pdfPath = /href="(\/review\/applications\/[^"]+\.pdf)"/.exec(page.html)?.[1] ?? '';
    const pdf = await reviewer.request(`${platform.url}${pdfPath}`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment/);
    expect((await pdf.text()).startsWith('%PDF-')).toBe(true);
    // The developer cannot download it through the console.
    expect((await developer.request(`${platform.url}${pdfPath}`)).status).toBe(303);

    const approved = await post(platform, reviewer, page, `/review/applications/${id}/approve`, {});
    expect(approved.html).toContain('已核准。正式環境 client_id：app_');
    const row = await developerKysely(platform.db)
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('approved');
    const production = await findApp(platform.db, row.production_client_id ?? '');
    expect(production).toMatchObject({
      environment: 'production',
      redirectUris: ['https://diary.example/callback'],
      categories: ['lab', 'outpatient'],
      status: 'active',
    });
    const mine = await get(platform, developer, `/developers/apps/${id}`);
    expect(mine.html).toContain(`data-testid="production-client-id">${row.production_client_id}<`);
    expect((await listNotices(platform.db, organisationId)).map((n) => n.kind)).toContain('application.approved');
    // Live: on the partner list, with what it uses and where to get it.
    const partners = await (await fetch(`${platform.url}/partners`)).text();
    expect(partners).toContain('<h2>血糖日記</h2>');
    expect(partners).toContain('檢驗結果');
    expect(partners).toContain('href="https://diary.example/"');
    const audit = await auditKysely(platform.db.kysely)
      .selectFrom('audit_log')
      .select('type')
      .where('subject', '=', id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.type)).toEqual(['application.created', 'application.submitted', 'application.approved']);
  });

  it('rejects only with a reason, which the organisation then reads', async () => {
    const { id } = await submitThroughPortal(platform, developer, { testedOn: today(), at: clock.now() });
    const page = await get(platform, reviewer, `/review/applications/${id}`);
    const empty = await post(platform, reviewer, page, `/review/applications/${id}/reject`, { reason: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('請填寫不核准的原因。');
    expect(
      (
        await developerKysely(platform.db)
          .selectFrom('applications')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('submitted');
    const reason = '隱私權政策沒有說明資料保存期限與刪除方式。';
    await post(platform, reviewer, empty, `/review/applications/${id}/reject`, { reason });
    const seen = await get(platform, developer, `/developers/apps/${id}`);
    expect(seen.html).toContain('審查未通過，原因：');
    expect(seen.html).toContain(reason);
    // Rejected, it can be submitted again.
    expect(seen.html).toContain('enctype="multipart/form-data"');
  });

  it('refuses a reviewer deciding on their own organisation’s application (403), changing nothing', async () => {
    const { id } = await submitThroughPortal(platform, developer, { testedOn: today(), at: clock.now() });
    const { browser: insider } = await enrolReviewer(platform, 'insider@review.example');
    const page = await get(platform, insider, `/review/applications/${id}`);
    const refused = await post(platform, insider, page, `/review/applications/${id}/approve`, {});
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('審查人員不能審查自己機構的申請');
    expect(
      (
        await developerKysely(platform.db)
          .selectFrom('applications')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('submitted');
    // Nor may a plain reviewer add reviewers.
    const team = await get(platform, insider, '/review/reviewers');
    expect(team.html).toContain('只有管理者可以新增審查人員。');
    const add = await post(platform, insider, team, '/review/reviewers', {
      name: 'x',
      email: 'x@review.example',
      role: 'admin',
    });
    expect(add.status).toBe(403);
  });

  it('suspends an app: PAR answers unauthorized_client at once; resuming lets it in again', async () => {
    const live = await developerKysely(platform.db)
      .selectFrom('applications')
      .select(['id', 'production_client_id'])
      .where('status', '=', 'approved')
      .executeTakeFirstOrThrow();
    const clientId = live.production_client_id ?? '';
    expect((await par(platform, clientId)).body.error).not.toBe('unauthorized_client');
    const apps = await get(platform, reviewer, '/review/apps');
    await post(platform, reviewer, apps, `/review/applications/${live.id}/suspend`, {});
    expect(await par(platform, clientId)).toEqual({
      status: 400,
      body: { error: 'unauthorized_client', error_description: 'the app is suspended' },
    });
    const after = await get(platform, reviewer, '/review/apps');
    expect(after.html).toContain('已停權');
    await post(platform, reviewer, after, `/review/applications/${live.id}/resume`, {});
    expect((await par(platform, clientId)).body.error).not.toBe('unauthorized_client');
  });

  it('warns at 60, 30 and 7 days before the report expires and suspends the app on day 366', async () => {
    const live = await developerKysely(platform.db)
      .selectFrom('applications')
      .select(['id', 'production_client_id'])
      .where('status', '=', 'approved')
      .executeTakeFirstOrThrow();
    const start = clock.now();
    const kinds = async () =>
      (await listNotices(platform.db, organisationId, 100)).map((n) => n.kind).filter((k) => k.startsWith('report.'));
    clock.set(start + 300 * DAY);
    expect(await runReportExpiry(platform.db, clock)).toEqual({ warned: 0, suspended: 0 });
    clock.set(start + 306 * DAY);
    expect(await runReportExpiry(platform.db, clock)).toEqual({ warned: 1, suspended: 0 });
    expect(await runReportExpiry(platform.db, clock)).toEqual({ warned: 0, suspended: 0 });
    clock.set(start + 336 * DAY);
    await runReportExpiry(platform.db, clock);
    clock.set(start + 359 * DAY);
    await runReportExpiry(platform.db, clock);
    expect(await kinds()).toEqual(['report.expiring.7', 'report.expiring.30', 'report.expiring.60']);
    clock.set(start + 364 * DAY);
    expect((await runReportExpiry(platform.db, clock)).suspended).toBe(0);
    clock.set(start + 366 * DAY);
    expect(await runReportExpiry(platform.db, clock)).toEqual({ warned: 0, suspended: 1 });
    expect(await par(platform, live.production_client_id ?? '')).toMatchObject({
      status: 400,
      body: { error: 'unauthorized_client' },
    });
    expect((await kinds())[0]).toBe('report.expired');
    // A year on, the morning's session has long ended: the reviewer signs in again.
    const { browser: later } = await signInReviewer(platform, authenticator);
    const apps = await get(platform, later, '/review/apps');
    expect(apps.html).toContain('已停權（檢測報告到期）');
    clock.set(start);
  });

  it('finds who got whose data in the audit search, and says why a search is refused', async () => {
    const page = await get(platform, reviewer, '/review/audit');
    expect(page.html).toContain('稽核紀錄查詢');
    const bad = await get(platform, reviewer, '/review/audit?from=2026-02-01&to=2026-01-01');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('開始不能晚於結束');
    const day = today();
    const found = await get(platform, reviewer, `/review/audit?from=${day}&to=${day}`);
    expect(found.html).toContain('data-testid="audit-results"');
    expect(found.html).toContain('<code>export.file</code>');
  });
});
