/**
 * The developer portal through its pages: registration with a checked identifier, sign-in by a
 * one-time code (and its lockout), phase 1 giving a sandbox client at once, phase 2's upload
 * rules, and one organisation never seeing another's applications. Rejected forms change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/log.js';
import { auditKysely } from '../audit/tables.js';
import { findApp } from '../auth/clients/apps.js';
import {
  type CreationOptionsJSON,
  type RequestOptionsJSON,
  SoftwareAuthenticator,
} from '../auth/signin/passkeys/software-authenticator.js';
import { startTestPlatform, TestBrowser, type TestPlatform } from '../auth/testing.js';
import { testDatabases } from '../db/testing.js';
import { inTransaction } from '../db/transaction.js';
import { developerKysely } from './tables.js';
import {
  APPLICATION_FORM,
  get,
  ORGANISATION_FORM,
  PDF,
  passkeyOptionsIn,
  post,
  registerThroughPortal,
  shownCode,
  signInStaff,
  submission,
  submissionFields,
} from './testing.js';

async function counts(platform: TestPlatform) {
  const db = developerKysely(platform.db);
  const n = async (table: 'organisations' | 'apps' | 'applications' | 'staff_accounts' | 'security_reports') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const audit = await auditKysely(platform.db.kysely)
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    organisations: await n('organisations'),
    apps: await n('apps'),
    applications: await n('applications'),
    accounts: await n('staff_accounts'),
    reports: await n('security_reports'),
    audit: Number(audit.n),
  };
}

describe.each(testDatabases())('developer portal on $label', (target) => {
  let platform: TestPlatform;
  let admin: TestBrowser;
  let applicationId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(target, { sandbox: false });
  });
  afterAll(() => platform?.close());

  it('refuses a wrong 統一編號 and a wrong 醫事機構代碼 with a message by the field, and registers nothing', async () => {
    const before = await counts(platform);
    const browser = new TestBrowser();
    const page = await get(platform, browser, '/developers/register');
    const ubn = await post(platform, browser, page, '/developers/register', {
      ...ORGANISATION_FORM,
      identifier: '22099132',
    });
    expect(ubn.status).toBe(400);
    expect(ubn.html).toContain('統一編號要是 8 碼數字，且檢查碼正確。');
    expect(ubn.html).toContain('id="identifier" name="identifier" value="22099132"');
    expect(ubn.html).toContain('aria-invalid="true"');
    const hospital = await post(platform, browser, ubn, '/developers/register', {
      ...ORGANISATION_FORM,
      type: 'medical_institution',
      identifier: '0499180014',
    });
    expect(hospital.html).toContain('醫事機構代碼要是 10 碼，且是有效的代碼。');
    expect(await counts(platform)).toEqual(before);
  });

  it('registers an organisation, signs its admin in by the e-mail code, and refuses the same 統一編號 again', async () => {
    ({ browser: admin } = await registerThroughPortal(platform));
    const home = await get(platform, admin, '/developers');
    expect(home.html).toContain('<h1>健康日記股份有限公司</h1>');
    expect(home.html).toContain('王小明（dev@diary.example）');

    const before = await counts(platform);
    const other = new TestBrowser();
    const page = await get(platform, other, '/developers/register');
    const again = await post(platform, other, page, '/developers/register', {
      ...ORGANISATION_FORM,
      developer_email: 'someone@else.example',
    });
    expect(again.status).toBe(400);
    expect(again.html).toContain('這個統一編號或醫事機構代碼已經註冊過');
    expect(await counts(platform)).toEqual(before);
  });

  it('refuses phase 1 with a redirect URI that is plain http to another host or has a fragment, changing nothing', async () => {
    const before = await counts(platform);
    const page = await get(platform, admin, '/developers/apps/new');
    const http = await post(platform, admin, page, '/developers/apps', {
      ...APPLICATION_FORM,
      redirect_uris: 'http://diary.example/callback',
    });
    expect(http.status).toBe(400);
    expect(http.html).toContain('「轉址網址（redirect URI）」必須使用 https');
    const fragment = await post(platform, admin, http, '/developers/apps', {
      ...APPLICATION_FORM,
      redirect_uris: 'https://diary.example/callback#x',
    });
    expect(fragment.html).toContain('「轉址網址（redirect URI）」不能包含 # 片段。');
    const privateKey = await post(platform, admin, fragment, '/developers/apps', {
      ...APPLICATION_FORM,
      receipt_jwks: JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AA', d: 'BB' }] }),
    });
    expect(privateKey.html).toContain('含有私鑰');
    // The form keeps what was typed.
    expect(privateKey.html).toContain('value="顯示糖化血色素趨勢"');
    expect(await counts(platform)).toEqual(before);
  });

  it('gives phase 1 a sandbox client at once, registered for exactly what was asked', async () => {
    const page = await get(platform, admin, '/developers/apps/new');
    const created = await post(platform, admin, page, '/developers/apps', APPLICATION_FORM);
    expect(created.url).toMatch(/\/developers\/apps\/apl_[A-Za-z0-9_-]{16}\?created=1$/);
    applicationId = new URL(created.url).pathname.split('/').pop() ?? '';
    const clientId = /data-testid="sandbox-client-id">([^<]+)</.exec(created.html)?.[1] ?? '';
    expect(created.html).toContain('測試 API 金鑰');
    const client = await findApp(platform.db, clientId);
    expect(client).toMatchObject({
      environment: 'sandbox',
      clientType: 'public',
      categories: ['lab', 'outpatient'],
      redirectUris: ['http://localhost:5173/callback', 'https://diary.example/callback'],
      deletionWebhookUrl: 'https://diary.example/webhooks/deletion',
      status: 'active',
    });
    const audit = await auditKysely(platform.db.kysely)
      .selectFrom('audit_log')
      .select(['type', 'subject'])
      .where('client_id', '=', clientId)
      .execute();
    expect(audit).toEqual([{ type: 'application.created', subject: applicationId }]);
  });

  it('answers another organisation’s application exactly like a missing one', async () => {
    const { browser: rival } = await registerThroughPortal(platform, {
      ...ORGANISATION_FORM,
      name: '競爭者股份有限公司',
      identifier: '22099131',
      developer_email: 'dev@rival.example',
    });
    const theirs = await get(platform, rival, `/developers/apps/${applicationId}`);
    const missing = await get(platform, rival, '/developers/apps/apl_AAAAAAAAAAAAAAAA');
    expect(theirs.status).toBe(404);
    expect(theirs.html).toBe(missing.html);
    const home = await get(platform, rival, '/developers');
    expect(home.html).not.toContain('血糖日記');
    // Nor can it change it: its phase 2 upload answers like one to an unknown application.
    const before = await counts(platform);
    const upload = (id: string) =>
      rival.request(`${platform.url}/developers/apps/${id}/submit`, {
        multipart: submission(home, submissionFields('2026-12-01'), {
          bytes: PDF,
          name: 'r.pdf',
          type: 'application/pdf',
        }),
      });
    const [theirsUpload, missingUpload] = [await upload(applicationId), await upload('apl_AAAAAAAAAAAAAAAA')];
    expect(theirsUpload.status).toBe(404);
    expect(await theirsUpload.text()).toBe(await missingUpload.text());
    expect(await counts(platform)).toEqual(before);
  });

  it('refuses phase 2 without a PDF, with an oversized file, or before the integration test, changing nothing', async () => {
    const page = await get(platform, admin, `/developers/apps/${applicationId}`);
    const fields = {
      lab: '台灣資安檢測實驗室',
      tested_on: new Date().toISOString().slice(0, 10),
      level: 'L2',
      production_redirect_uris: 'https://diary.example/callback',
      production_webhook_url: 'https://diary.example/webhooks/deletion',
      confirm_privacy: 'yes',
      confirm_contact: 'yes',
    };
    const before = await counts(platform);
    const url = `${platform.url}/developers/apps/${applicationId}/submit`;
    const notPdf = await admin.request(url, {
      multipart: submission(page, fields, {
        bytes: Buffer.from('MZ\x90\x00 not a pdf'),
        name: 'report.pdf',
        type: 'application/pdf',
      }),
    });
    expect(notPdf.status).toBe(400);
    expect(await notPdf.text()).toContain('檢測報告必須是 PDF 檔。');
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 + 1, 32)]);
    const tooLarge = await admin.request(url, {
      multipart: submission(page, fields, { bytes: big, name: 'r.pdf', type: 'application/pdf' }),
    });
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toContain('檔案太大，上限是 10 MB。');
    const early = await admin.request(url, {
      multipart: submission(page, fields, { bytes: PDF, name: 'r.pdf', type: 'application/pdf' }),
    });
    expect(early.status).toBe(400);
    expect(await early.text()).toContain('串接測試尚未全部完成。');
    const httpRedirect = await admin.request(url, {
      multipart: submission(
        page,
        { ...fields, production_redirect_uris: 'http://localhost:5173/callback' },
        { bytes: PDF, name: 'r.pdf', type: 'application/pdf' },
      ),
    });
    expect(await httpRedirect.text()).toContain('「正式環境轉址網址」必須使用 https');
    const forged = await admin.request(url, {
      multipart: submission({ ...page, html: 'name="_csrf" value="forged"' }, fields, {
        bytes: PDF,
        name: 'r.pdf',
        type: 'application/pdf',
      }),
    });
    expect(forged.status).toBe(403);
    expect(await counts(platform)).toEqual(before);
  });

  it('accepts phase 2 once the audit log shows the integration test, and queues the application', async () => {
    const application = await developerKysely(platform.db)
      .selectFrom('applications')
      .select('sandbox_client_id')
      .where('id', '=', applicationId)
      .executeTakeFirstOrThrow();
    const client = application.sandbox_client_id;
    const at = Date.now();
    const refused = (consent: string) => ({
      type: 'export.refused' as const,
      citizenId: 1,
      clientId: client,
      subject: consent,
      details: { reason: 'consent_revoked' },
    });
    await inTransaction(platform.db, async (tx) => {
      await appendAudit(tx, { type: 'export.file', citizenId: 1, clientId: client, subject: 'exp_x' }, at);
      await appendAudit(tx, { type: 'deletion.receipt', citizenId: 1, clientId: client, subject: 'del_x' }, at);
      // A batch of test files with one wrong verdict does not count…
      const files = (subject: string, correct: number) => ({
        type: 'integration.test_files' as const,
        clientId: client,
        subject,
        details: { correct, total: 6 },
      });
      await appendAudit(tx, files('tfb_a', 5), at);
      // …one without a mistake does.
      await appendAudit(tx, files('tfb_b', 6), at);
      // An app that asks again after the refusal has not handled the revocation.
      await appendAudit(tx, refused('cns_retried'), at);
      await appendAudit(tx, refused('cns_retried'), at);
    });
    let page = await get(platform, admin, `/developers/apps/${applicationId}`);
    expect(page.html.match(/badge active">已完成/g)).toHaveLength(3);
    await inTransaction(platform.db, (tx) => appendAudit(tx, refused('cns_once'), at));
    page = await get(platform, admin, `/developers/apps/${applicationId}`);
    expect(page.html.match(/badge active">已完成/g)).toHaveLength(4);
    const response = await admin.request(`${platform.url}/developers/apps/${applicationId}/submit`, {
      multipart: submission(
        page,
        {
          lab: '台灣資安檢測實驗室',
          tested_on: new Date().toISOString().slice(0, 10),
          level: 'L2',
          production_redirect_uris: 'https://diary.example/callback',
          production_webhook_url: 'https://diary.example/webhooks/deletion',
          confirm_privacy: 'yes',
          confirm_contact: 'yes',
        },
        { bytes: PDF, name: 'report.pdf', type: 'application/pdf' },
      ),
    });
    expect(response.status).toBe(303);
    const stored = await developerKysely(platform.db)
      .selectFrom('applications')
      .select(['status', 'production_redirect_uris'])
      .where('id', '=', applicationId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'submitted', production_redirect_uris: '["https://diary.example/callback"]' });
    const after = await get(platform, admin, `/developers/apps/${applicationId}?submitted=1`);
    expect(after.html).toContain('已送出審查。');
    expect(after.html).not.toContain('enctype="multipart/form-data"');
  });

  it('lets only an admin add developers; a member who tries gets 403', async () => {
    const team = await get(platform, admin, '/developers/team');
    const added = await post(platform, admin, team, '/developers/team', {
      name: '陳開發',
      email: 'member@diary.example',
      role: 'member',
    });
    expect(added.html).toContain('已新增');
    const { browser: member, home } = await signInStaff(platform, 'member@diary.example', '/developers');
    expect(home.html).toContain('陳開發（member@diary.example）');
    const memberTeam = await get(platform, member, '/developers/team');
    expect(memberTeam.html).toContain('只有機構管理者可以新增開發人員。');
    const refused = await post(platform, member, memberTeam, '/developers/team', {
      name: 'x',
      email: 'x@diary.example',
      role: 'admin',
    });
    expect(refused.status).toBe(403);
  });

  it('offers developers a passkey beside the code: enrolled, it signs in alone; the code still works', async () => {
    const enrolment = await get(platform, admin, '/developers/passkey');
    const authenticator = new SoftwareAuthenticator();
    const origin = new URL(platform.url).origin;
    const credential = authenticator.create(passkeyOptionsIn<CreationOptionsJSON>(enrolment.html), origin);
    const home = await post(platform, admin, enrolment, '/developers/passkey', {
      credential: JSON.stringify(credential),
    });
    expect(new URL(home.url).pathname).toBe('/developers');
    const fresh = new TestBrowser();
    const signin = await get(platform, fresh, '/developers/signin');
    const assertion = authenticator.get(passkeyOptionsIn<RequestOptionsJSON>(signin.html), origin);
    const signedIn = await post(platform, fresh, signin, '/developers/signin/passkey', {
      credential: JSON.stringify(assertion),
    });
    expect(signedIn.html).toContain('<h1>健康日記股份有限公司</h1>');
    expect((await signInStaff(platform, 'dev@diary.example', '/developers')).home.html).toContain(
      '<h1>健康日記股份有限公司</h1>',
    );
  });

  it('locks an account after 5 wrong codes: even the right code is then refused', async () => {
    const browser = new TestBrowser();
    const signin = await get(platform, browser, '/developers/signin');
    let page = await post(platform, browser, signin, '/developers/signin', { email: 'DEV@diary.example' });
    const code = shownCode(page.html);
    const challenge = /name="challenge" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) {
      page = await post(platform, browser, page, '/developers/signin/code', { challenge, code: wrong });
      expect(page.html).toContain('驗證碼不正確');
    }
    page = await post(platform, browser, page, '/developers/signin/code', { challenge, code: wrong });
    expect(page.html).toContain('帳號已鎖定 15 分鐘');
    page = await post(platform, browser, page, '/developers/signin/code', { challenge, code });
    expect(page.status).toBe(400);
    expect((await get(platform, browser, '/developers')).html).toContain('註冊機構');
  });

  it('bounds sign-in attempts per client address, whatever the accounts tried (429 with Retry-After)', async () => {
    const browser = new TestBrowser();
    const signin = await get(platform, browser, '/developers/signin');
    let status = 0;
    let retryAfter: string | null = null;
    for (let i = 0; i < 40 && status !== 429; i++) {
      const response = await browser.request(`${platform.url}/developers/signin`, {
        form: { _csrf: /name="_csrf" value="([^"]+)"/.exec(signin.html)?.[1] ?? '', email: `nobody${i}@diary.example` },
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
    }
    expect(status).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
