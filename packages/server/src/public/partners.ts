/**
 * The partner list (合作夥伴): apps that passed review and are live now. An app drops off the
 * moment it is suspended, by a reviewer or for an expired security report.
 */
import type { CategoryId } from '@healthbank/records';
import type { Database } from '../db/index.js';
import { developerKysely } from '../developer/tables.js';

export interface Partner {
  name: { 'zh-TW': string; en: string };
  description: { 'zh-TW': string; en: string };
  organisation: string;
  categories: CategoryId[];
  appUrl: string | null;
  privacyPolicyUrl: string;
}

export async function listPartners(db: Database): Promise<Partner[]> {
  const rows = await developerKysely(db)
    .selectFrom('applications')
    .innerJoin('apps', 'apps.client_id', 'applications.production_client_id')
    .innerJoin('organisations', 'organisations.id', 'applications.organisation_id')
    .select([
      'applications.name_zh',
      'applications.name_en',
      'applications.description_zh',
      'applications.description_en',
      'applications.categories',
      'applications.app_url',
      'applications.privacy_policy_url',
      'organisations.name as organisation',
    ])
    .where('apps.status', '=', 'active')
    .where('apps.environment', '=', 'production')
    .orderBy('applications.name_zh')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    name: { 'zh-TW': r.name_zh, en: r.name_en },
    description: { 'zh-TW': r.description_zh, en: r.description_en },
    organisation: r.organisation,
    categories: (JSON.parse(r.categories) as { category: CategoryId }[]).map((c) => c.category),
    appUrl: r.app_url,
    privacyPolicyUrl: r.privacy_policy_url,
  }));
}
