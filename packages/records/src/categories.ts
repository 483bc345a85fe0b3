/**
 * The eleven NHI record categories of My Health Bank (SPEC §3). Ids are fixed: they are the
 * OAuth scopes (`records.<id>`), the database's category column and the SDK's public names.
 */
export const CATEGORY_IDS = [
  'outpatient',
  'tcm',
  'dental',
  'inpatient',
  'allergy',
  'imaging_pathology',
  'adult_preventive',
  'cancer_screening',
  'care_wishes',
  'immunization',
  'lab',
] as const;

export type CategoryId = (typeof CATEGORY_IDS)[number];

export interface Category {
  readonly id: CategoryId;
  /** Section key in NHI's own `myhealthbank.bdata` file (SPEC appendix A). */
  readonly mhbKey: `r${number}`;
  readonly name: { readonly 'zh-TW': string; readonly en: string };
  /** OAuth scope that grants this category. */
  readonly scope: `records.${CategoryId}`;
}

const define = (id: CategoryId, mhbKey: `r${number}`, zh: string, en: string): Category => ({
  id,
  mhbKey,
  name: { 'zh-TW': zh, en },
  scope: `records.${id}`,
});

export const CATEGORIES: readonly Category[] = [
  define('outpatient', 'r1', '西醫門診資料', 'Outpatient visits (Western medicine)'),
  define('tcm', 'r9', '中醫門診資料', 'Traditional Chinese medicine visits'),
  define('dental', 'r3', '牙醫門診資料', 'Dental visits'),
  define('inpatient', 'r2', '住院資料', 'Hospital stays'),
  define('allergy', 'r4', '過敏資料', 'Allergies'),
  define('imaging_pathology', 'r8', '影像或病理檢驗報告資料', 'Imaging and pathology reports'),
  define('adult_preventive', 'r10', '成人預防保健結果', 'Adult preventive health checks'),
  define('cancer_screening', 'r11', '癌症篩檢結果', 'Cancer screening results'),
  define('care_wishes', 'r5', '器捐或安寧緩和醫療意願', 'Organ donation and palliative care wishes'),
  define('immunization', 'r6', '預防接種資料', 'Immunizations'),
  define('lab', 'r7', '檢驗結果', 'Laboratory results'),
];

const byId = new Map(CATEGORIES.map((c) => [c.id, c]));

export function isCategoryId(value: string): value is CategoryId {
  return byId.has(value as CategoryId);
}

export function getCategory(id: CategoryId): Category {
  const category = byId.get(id);
  if (!category) throw new RangeError(`unknown category: ${id}`);
  return category;
}

/** The scope string for a category, e.g. `records.lab`. */
export function scopeOf(id: CategoryId): `records.${CategoryId}` {
  return `records.${id}`;
}

/** The category a `records.<id>` scope grants, or undefined for any other scope. */
export function categoryOfScope(scope: string): CategoryId | undefined {
  const id = scope.startsWith('records.') ? scope.slice('records.'.length) : '';
  return isCategoryId(id) ? id : undefined;
}

/**
 * Parses a comma-separated category list as given on a command line or query string.
 * Throws a RangeError naming the first unknown id, so callers can report it verbatim.
 */
export function parseCategoryList(list: string): CategoryId[] {
  const ids = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (ids.length === 0) throw new RangeError('no category given');
  for (const id of ids) {
    if (!isCategoryId(id)) {
      throw new RangeError(`unknown category "${id}" (expected one of: ${CATEGORY_IDS.join(', ')})`);
    }
  }
  return [...new Set(ids)] as CategoryId[];
}
