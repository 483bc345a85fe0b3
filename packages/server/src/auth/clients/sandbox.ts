/**
 * The apps every sandbox starts with: the example apps of the three use cases (SPEC §4.5), so a
 * developer can run a whole consent journey before registering anything.
 */
import type { CategoryId } from '@healthbank/records';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/index.js';
import { authKysely } from '../tables.js';
import { type App, findApp, type PublicJwks, registerApp } from './apps.js';
import { type OrganisationInput, registerOrganisation } from './organisations.js';

export const SANDBOX_DIABETES_DIARY = 'diabetes-diary';
export const SANDBOX_TELECONSULT = 'teleconsult';
export const SANDBOX_WORKPLACE_HEALTH = 'workplace-health';

/** The example apps that run as their own processes, on their own origins (`healthbank start`). */
export type ExampleOrigin = typeof SANDBOX_TELECONSULT | typeof SANDBOX_WORKPLACE_HEALTH;

interface SandboxApp {
  organisation: Required<OrganisationInput>;
  clientId: string;
  name: App['name'];
  purpose: App['purpose'];
  /**
   * Where the app lives: on the platform itself (the diary, served beside it), or on an origin
   * of its own (an example backend `healthbank start` runs as its own process).
   */
  origin?: ExampleOrigin;
  /** Paths under the app's base URL. */
  redirectPath: string;
  privacyPath: string;
  supportContact: string;
  categories: CategoryId[];
  /** Path of the app's deletion webhook on the platform itself (its sandbox backend), and its receipt keys. */
  deletionWebhookPath?: string;
  receiptJwks?: PublicJwks;
  /** A confidential client's `private_key_jwt` keys (its receipts are signed with them too). */
  jwks?: PublicJwks;
}

const SANDBOX_APPS: SandboxApp[] = [
  {
    organisation: {
      id: 'org_sandbox_diary',
      type: 'company',
      name: '健康日記示範股份有限公司',
      identifier: '53011261',
    },
    clientId: SANDBOX_DIABETES_DIARY,
    name: { 'zh-TW': '糖尿病日記（示範）', en: 'Diabetes Diary (example)' },
    purpose: {
      'zh-TW': '記錄並呈現您的血糖與糖化血色素變化、整理用藥清單，並產生給醫師看的摘要。',
      en: 'To chart your blood glucose and HbA1c over time, list your medication, and prepare a summary for your doctor.',
    },
    redirectPath: '/examples/diabetes-diary/callback',
    privacyPath: '/examples/diabetes-diary/privacy',
    supportContact: 'support@diabetes-diary.example',
    categories: ['lab', 'outpatient', 'adult_preventive', 'allergy'],
    deletionWebhookPath: '/examples/diabetes-diary/api/deletion-webhook',
    // The public half of the diary backend's receipt key (examples/diabetes-diary/src/backend/receipt-key.ts).
    receiptJwks: {
      keys: [
        {
          kty: 'OKP',
          crv: 'Ed25519',
          kid: 'diabetes-diary-receipts-1',
          x: 'Zv0Wrjjm2Uo_s8QchNmTxiHm956p_eyKOc0moaQ05jg',
        },
      ],
    },
  },
  {
    organisation: {
      id: 'org_sandbox_teleconsult',
      type: 'company',
      name: '山城遠距健康示範股份有限公司',
      identifier: '24536801',
    },
    clientId: SANDBOX_TELECONSULT,
    origin: SANDBOX_TELECONSULT,
    name: { 'zh-TW': '遠距健康諮詢（示範）', en: 'Tele-consultation (example)' },
    purpose: {
      'zh-TW': '讓遠距衛教師查看您的就醫、用藥與檢驗紀錄，提醒重複用藥，並整理給醫師看的摘要。',
      en: 'To let a remote health educator read your visits, medicines and lab results, flag duplicate medicines, and prepare a summary for your doctor.',
    },
    redirectPath: '/callback',
    privacyPath: '/privacy',
    supportContact: 'support@teleconsult.example',
    categories: ['outpatient', 'lab', 'inpatient', 'allergy', 'care_wishes'],
    deletionWebhookPath: '/api/deletion-webhook',
    // The public half of the example's published sandbox key (examples/teleconsult/src/server/sandbox-key.ts).
    jwks: {
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          kid: 'teleconsult-sandbox-1',
          alg: 'ES256',
          x: 'pL5vVawso6T_v4pGFszzb-ecb0p6leB1rIZAk0jDyws',
          y: 'YFvTeGgq6S_ghbBlsfS-4ajsL03XIIE2TZIaTF-bvgw',
        },
      ],
    },
  },
  {
    organisation: {
      id: 'org_sandbox_workplace',
      type: 'company',
      name: '職場健康促進示範股份有限公司',
      identifier: '53212534',
    },
    clientId: SANDBOX_WORKPLACE_HEALTH,
    origin: SANDBOX_WORKPLACE_HEALTH,
    name: { 'zh-TW': '職場健康促進（示範）', en: 'Workplace Health (example)' },
    purpose: {
      'zh-TW': '計算全公司匿名的健康統計（每組至少 5 人），並在您另外同意時讓職護查看您的健康檢查結果。',
      en: 'To compute anonymous company-wide health figures (groups of at least five), and, only if you also agree, to let the occupational nurse see your check-up results.',
    },
    redirectPath: '/callback',
    privacyPath: '/privacy',
    supportContact: 'support@workplace-health.example',
    categories: ['adult_preventive', 'lab', 'cancer_screening'],
    deletionWebhookPath: '/api/deletion-webhook',
    // examples/workplace-health/src/server/sandbox-key.ts
    jwks: {
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          kid: 'workplace-health-sandbox-1',
          alg: 'ES256',
          x: 'xnibCodynKHvOMrY998JdI817z2pVfeW15hEwA7ZbdE',
          y: '6j6mNk7UwASN4LwtEbIvWGUeWAx2TG26HD1Y0YbTMoo',
        },
      ],
    },
  },
];

/**
 * Registers the sandbox example apps for a platform reachable at `publicUrl`, and returns their
 * client ids. Idempotent: running it again (at every `healthbank start`) keeps what exists and
 * points redirect URIs at the current address, so changing the port keeps the examples working.
 *
 * @example
 * ```ts
 * await registerSandboxApps(db, { publicUrl: 'http://localhost:3000' }); // ['diabetes-diary']
 * ```
 */
export async function registerSandboxApps(
  db: Database,
  {
    publicUrl,
    clock,
    examples = {},
  }: { publicUrl: string; clock?: Clock; examples?: Partial<Record<ExampleOrigin, string>> },
): Promise<string[]> {
  const kysely = authKysely(db);
  const registered: string[] = [];
  for (const spec of SANDBOX_APPS) {
    // An example on its own origin is registered only when this start runs it.
    const base = (spec.origin ? examples[spec.origin] : publicUrl)?.replace(/\/$/, '');
    if (!base) continue;
    registered.push(spec.clientId);
    const org = await kysely
      .selectFrom('organisations')
      .select('id')
      .where('identifier', '=', spec.organisation.identifier)
      .executeTakeFirst();
    const organisationId = org?.id ?? (await registerOrganisation(db, spec.organisation, clock)).id;
    const redirectUris = [`${base}${spec.redirectPath}`];
    const privacyPolicyUrl = `${base}${spec.privacyPath}`;
    const webhook = spec.deletionWebhookPath
      ? { deletionWebhookUrl: `${base}${spec.deletionWebhookPath}`, receiptJwks: spec.receiptJwks }
      : undefined;
    if (await findApp(db, spec.clientId)) {
      await kysely
        .updateTable('apps')
        .set({
          redirect_uris: JSON.stringify(redirectUris),
          privacy_policy_url: privacyPolicyUrl,
          deletion_webhook_url: webhook?.deletionWebhookUrl ?? null,
          receipt_jwks: webhook?.receiptJwks ? JSON.stringify(webhook.receiptJwks) : null,
        })
        .where('client_id', '=', spec.clientId)
        .execute();
      continue;
    }
    await registerApp(
      db,
      {
        clientId: spec.clientId,
        organisationId,
        name: spec.name,
        purpose: spec.purpose,
        privacyPolicyUrl,
        supportContact: spec.supportContact,
        redirectUris,
        clientType: spec.jwks ? 'confidential' : 'public',
        ...(spec.jwks ? { jwks: spec.jwks } : {}),
        categories: spec.categories,
        environment: 'sandbox',
        ...(webhook?.deletionWebhookUrl ? { deletionWebhookUrl: webhook.deletionWebhookUrl } : {}),
        ...(webhook?.receiptJwks ? { receiptJwks: webhook.receiptJwks } : {}),
      },
      clock,
    );
  }
  return registered;
}
