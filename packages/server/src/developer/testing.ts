/**
 * Test support for the organisation portals: a developer (or reviewer) signing in through the real
 * pages with the code the sandbox shows, and a complete, valid phase 1 form.
 */
import { appendAudit } from '../audit/log.js';
import {
  type CreationOptionsJSON,
  type RequestOptionsJSON,
  SoftwareAuthenticator,
} from '../auth/signin/passkeys/software-authenticator.js';
import { csrfIn, TestBrowser, type TestPlatform } from '../auth/testing.js';
import { inTransaction } from '../db/transaction.js';
import { developerKysely } from './tables.js';

const NOWHERE = 'https://nowhere.invalid/';

export interface PageResult {
  url: string;
  status: number;
  html: string;
}

export async function get(platform: TestPlatform, browser: TestBrowser, path: string): Promise<PageResult> {
  const step = await browser.follow(new URL(path, platform.url).href, NOWHERE);
  return { url: step.url, status: step.response?.status ?? 0, html: step.html ?? '' };
}

/** POSTs a form (the CSRF token of `page` added) and follows redirects to the page that answers. */
export async function post(
  platform: TestPlatform,
  browser: TestBrowser,
  page: PageResult,
  path: string,
  form: Record<string, string | string[]>,
): Promise<PageResult> {
  const step = await browser.follow(new URL(path, platform.url).href, NOWHERE, {
    form: { _csrf: csrfIn(page.html), ...form },
  });
  return { url: step.url, status: step.response?.status ?? 0, html: step.html ?? '' };
}

/** The code the sandbox shows on the code page. */
export function shownCode(html: string): string {
  const match = /(?:驗證碼是|the code is) (\d{6})/.exec(html);
  if (!match?.[1]) throw new Error('no sandbox code on the page');
  return match[1];
}

/** Enters the shown code on a code page; the browser ends on the portal's home page. */
export async function enterShownCode(platform: TestPlatform, browser: TestBrowser, codePage: PageResult, base: string) {
  const challenge = /name="challenge" value="([^"]+)"/.exec(codePage.html)?.[1] ?? '';
  return post(platform, browser, codePage, `${base}/signin/code`, { challenge, code: shownCode(codePage.html) });
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The WebAuthn options a page's passkey button carries. */
export function passkeyOptionsIn<T>(html: string): T {
  const match = /data-options="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no passkey button on the page');
  return JSON.parse(unescapeHtml(match[1])) as T;
}

/**
 * A reviewer's first sign-in: the e-mail code, then the passkey the console requires, made by a
 * software authenticator the test keeps for later sign-ins.
 */
export async function enrolReviewer(
  platform: TestPlatform,
  email: string,
): Promise<{ browser: TestBrowser; authenticator: SoftwareAuthenticator; home: PageResult }> {
  const { browser, home: enrolment } = await signInStaff(platform, email, '/review');
  if (!new URL(enrolment.url).pathname.endsWith('/review/passkey'))
    throw new Error(`expected the enrolment page, got ${enrolment.url}`);
  const authenticator = new SoftwareAuthenticator();
  const credential = authenticator.create(
    passkeyOptionsIn<CreationOptionsJSON>(enrolment.html),
    new URL(platform.url).origin,
  );
  const home = await post(platform, browser, enrolment, '/review/passkey', { credential: JSON.stringify(credential) });
  return { browser, authenticator, home };
}

/** A reviewer's later sign-in, with the passkey alone. */
export async function signInReviewer(
  platform: TestPlatform,
  authenticator: SoftwareAuthenticator,
  browser = new TestBrowser(),
): Promise<{ browser: TestBrowser; home: PageResult }> {
  const signin = await get(platform, browser, '/review/signin');
  const assertion = authenticator.get(passkeyOptionsIn<RequestOptionsJSON>(signin.html), new URL(platform.url).origin);
  return {
    browser,
    home: await post(platform, browser, signin, '/review/signin/passkey', { credential: JSON.stringify(assertion) }),
  };
}

/** Signs a staff account in by e-mail and the shown code. */
export async function signInStaff(
  platform: TestPlatform,
  email: string,
  base: '/developers' | '/review',
  browser = new TestBrowser(),
): Promise<{ browser: TestBrowser; home: PageResult }> {
  const signin = await get(platform, browser, `${base}/signin`);
  const code = await post(platform, browser, signin, `${base}/signin`, { email });
  return { browser, home: await enterShownCode(platform, browser, code, base) };
}

export const ORGANISATION_FORM = {
  type: 'company',
  name: '健康日記股份有限公司',
  identifier: '04595257',
  contact_name: '林小華',
  contact_email: 'contact@diary.example',
  contact_phone: '02-2345-6789',
  developer_name: '王小明',
  developer_email: 'dev@diary.example',
};

/** Registers an organisation through the page; the browser ends signed in as its admin. */
export async function registerThroughPortal(
  platform: TestPlatform,
  form: Record<string, string> = ORGANISATION_FORM,
  browser = new TestBrowser(),
): Promise<{ browser: TestBrowser; home: PageResult }> {
  const page = await get(platform, browser, '/developers/register');
  const code = await post(platform, browser, page, '/developers/register', form);
  return { browser, home: await enterShownCode(platform, browser, code, '/developers') };
}

export const RECEIPT_JWKS = JSON.stringify({
  keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }],
});

export const APPLICATION_FORM: Record<string, string | string[]> = {
  name_zh: '血糖日記',
  name_en: 'Glucose Diary',
  description_zh: '幫糖尿病友記錄血糖，並看糖化血色素的變化。',
  description_en: 'Helps people with diabetes track glucose and their HbA1c.',
  platform: 'web',
  client_type: 'public',
  redirect_uris: 'http://localhost:5173/callback\nhttps://diary.example/callback',
  category: ['lab', 'outpatient'],
  purpose_lab: '顯示糖化血色素趨勢',
  purpose_outpatient: '列出就醫紀錄',
  privacy_policy_url: 'https://diary.example/privacy',
  support_contact: 'help@diary.example',
  app_url: 'https://diary.example/',
  deletion_webhook_url: 'https://diary.example/webhooks/deletion',
  receipt_jwks: RECEIPT_JWKS,
};

/** A minimal PDF: what the upload checks is its signature, not its pages. */
export const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** Phase 2's multipart body, the CSRF field first as the page's form has it. */
export function submission(
  page: PageResult,
  fields: Record<string, string>,
  file?: { bytes: Buffer; name: string; type: string },
) {
  const form = new FormData();
  form.append('_csrf', /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('report', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return form;
}

export function submissionFields(testedOn: string): Record<string, string> {
  return {
    lab: '台灣資安檢測實驗室',
    tested_on: testedOn,
    level: 'L2',
    production_redirect_uris: 'https://diary.example/callback',
    production_webhook_url: 'https://diary.example/webhooks/deletion',
    confirm_privacy: 'yes',
    confirm_contact: 'yes',
  };
}

/**
 * Writes the audit entries the integration checklist looks for, as the platform would after a
 * real sandbox download, revocation, deletion receipt and test-file verdicts.
 */
export async function passChecklist(platform: TestPlatform, sandboxClientId: string, at: number): Promise<void> {
  await inTransaction(platform.db, async (tx) => {
    await appendAudit(tx, { type: 'export.file', citizenId: 1, clientId: sandboxClientId, subject: `exp_${at}` }, at);
    await appendAudit(
      tx,
      {
        type: 'export.refused',
        citizenId: 1,
        clientId: sandboxClientId,
        subject: `cns_${at}`,
        details: { reason: 'consent_revoked' },
      },
      at,
    );
    await appendAudit(
      tx,
      { type: 'deletion.receipt', citizenId: 1, clientId: sandboxClientId, subject: `del_${at}` },
      at,
    );
    await appendAudit(
      tx,
      {
        type: 'integration.test_files',
        clientId: sandboxClientId,
        subject: `tfb_${at}`,
        details: { correct: 6, total: 6 },
      },
      at,
    );
  });
}

/** Applies (phase 1), passes the checklist and submits (phase 2) through the pages; the application's id. */
export async function submitThroughPortal(
  platform: TestPlatform,
  browser: TestBrowser,
  o: { testedOn: string; at: number; form?: Record<string, string | string[]> },
): Promise<{ id: string; sandboxClientId: string }> {
  const page = await get(platform, browser, '/developers/apps/new');
  const created = await post(platform, browser, page, '/developers/apps', o.form ?? APPLICATION_FORM);
  const id = new URL(created.url).pathname.split('/').pop() ?? '';
  const { sandbox_client_id: sandboxClientId } = await developerKysely(platform.db)
    .selectFrom('applications')
    .select('sandbox_client_id')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  await passChecklist(platform, sandboxClientId, o.at);
  const appPage = await get(platform, browser, `/developers/apps/${id}`);
  const response = await browser.request(`${platform.url}/developers/apps/${id}/submit`, {
    multipart: submission(appPage, submissionFields(o.testedOn), {
      bytes: PDF,
      name: 'report.pdf',
      type: 'application/pdf',
    }),
  });
  if (response.status !== 303) throw new Error(`phase 2 answered ${response.status}`);
  return { id, sandboxClientId };
}
