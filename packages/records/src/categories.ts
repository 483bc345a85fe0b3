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
  /**
   * What the category holds, in a citizen's words: shown beside its checkbox on the consent page
   * (and wherever a category is offered), so "西醫門診" is not a guess about what leaves with it.
   */
  readonly description: { readonly 'zh-TW': string; readonly en: string };
  /** OAuth scope that grants this category. */
  readonly scope: `records.${CategoryId}`;
}

const define = (
  id: CategoryId,
  mhbKey: `r${number}`,
  [zh, en]: [string, string],
  [zhDescription, enDescription]: [string, string],
): Category => ({
  id,
  mhbKey,
  name: { 'zh-TW': zh, en },
  description: { 'zh-TW': zhDescription, en: enDescription },
  scope: `records.${id}`,
});

export const CATEGORIES: readonly Category[] = [
  define(
    'outpatient',
    'r1',
    ['西醫門診資料', 'Outpatient visits (Western medicine)'],
    [
      '每次看診的日期與院所、診斷，以及開立的處方用藥',
      'each visit’s date and clinic, the diagnoses, and the prescribed medicines',
    ],
  ),
  define(
    'tcm',
    'r9',
    ['中醫門診資料', 'Traditional Chinese medicine visits'],
    [
      '中醫看診的日期與院所、診斷，以及中藥處方',
      'visits to Chinese medicine clinics, the diagnoses, and herbal prescriptions',
    ],
  ),
  define(
    'dental',
    'r3',
    ['牙醫門診資料', 'Dental visits'],
    ['牙科看診的日期與院所、診斷，以及治療處置', 'dental visits, the diagnoses, and the treatments given'],
  ),
  define(
    'inpatient',
    'r2',
    ['住院資料', 'Hospital stays'],
    ['住院與出院日期、院所、診斷，以及手術', 'admission and discharge dates, the hospital, diagnoses and operations'],
  ),
  define(
    'allergy',
    'r4',
    ['過敏資料', 'Allergies'],
    ['醫院登錄的藥物過敏紀錄', 'drug allergies recorded by hospitals'],
  ),
  define(
    'imaging_pathology',
    'r8',
    ['影像或病理檢驗報告資料', 'Imaging and pathology reports'],
    [
      'X 光、電腦斷層、磁振造影等影像及病理檢查的報告內容',
      'the reports of X-ray, CT, MRI and other imaging, and of pathology tests',
    ],
  ),
  define(
    'adult_preventive',
    'r10',
    ['成人預防保健結果', 'Adult preventive health checks'],
    [
      '成人健康檢查的結果：身高體重、血壓、血糖、血脂、腎功能等',
      'adult health check results: height and weight, blood pressure, glucose, lipids, kidney function',
    ],
  ),
  define(
    'cancer_screening',
    'r11',
    ['癌症篩檢結果', 'Cancer screening results'],
    [
      '子宮頸抹片、乳房攝影、糞便潛血、口腔黏膜檢查的結果',
      'results of Pap smears, mammograms, faecal occult blood and oral mucosa screening',
    ],
  ),
  define(
    'care_wishes',
    'r5',
    ['器捐或安寧緩和醫療意願', 'Organ donation and palliative care wishes'],
    ['您登記的器官捐贈、安寧緩和醫療意願', 'your registered wishes on organ donation and palliative care'],
  ),
  define(
    'immunization',
    'r6',
    ['預防接種資料', 'Immunizations'],
    ['接種過的疫苗與日期', 'the vaccines you received, and when'],
  ),
  define(
    'lab',
    'r7',
    ['檢驗結果', 'Laboratory results'],
    [
      '醫院上傳的檢驗項目與數值，例如糖化血色素、血糖、膽固醇',
      'laboratory tests and their values from hospitals, such as HbA1c, glucose and cholesterol',
    ],
  ),
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
