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

interface SandboxApp {
  organisation: Required<OrganisationInput>;
  clientId: string;
  name: App['name'];
  purpose: App['purpose'];
  /** Paths on the platform itself: the example apps are served beside it. */
  redirectPath: string;
  privacyPath: string;
  supportContact: string;
  categories: CategoryId[];
  /** Path of the app's deletion webhook on the platform itself (its sandbox backend), and its receipt keys. */
  deletionWebhookPath?: string;
  receiptJwks?: PublicJwks;
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
  { publicUrl, clock }: { publicUrl: string; clock?: Clock },
): Promise<string[]> {
  const base = publicUrl.replace(/\/$/, '');
  const kysely = authKysely(db);
  for (const spec of SANDBOX_APPS) {
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
        clientType: 'public',
        categories: spec.categories,
        environment: 'sandbox',
        ...(webhook?.deletionWebhookUrl ? { deletionWebhookUrl: webhook.deletionWebhookUrl } : {}),
        ...(webhook?.receiptJwks ? { receiptJwks: webhook.receiptJwks } : {}),
      },
      clock,
    );
  }
  return SANDBOX_APPS.map((a) => a.clientId);
}
