/**
 * Locales and message catalogues. Traditional Chinese is the default (the citizens' language);
 * English is available everywhere. A page picks its locale from `?lang=`, then the `lang` cookie,
 * then Accept-Language.
 */
export const LOCALES = ['zh-TW', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-TW';

export function isLocale(value: unknown): value is Locale {
  return value === 'zh-TW' || value === 'en';
}

/** Picks the locale from explicit choices first, then the browser's preference list. */
export function negotiateLocale(query: unknown, cookie: unknown, acceptLanguage: string | undefined): Locale {
  if (isLocale(query)) return query;
  if (isLocale(cookie)) return cookie;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('zh')) return 'zh-TW';
    if (tag.startsWith('en')) return 'en';
  }
  return DEFAULT_LOCALE;
}

const zhTW = {
  'site.name': '健康存摺 SDK 平台',
  'site.skip': '跳到主要內容',
  'site.switchLanguage': 'English',
  'home.title': '健康存摺 SDK 沙盒',
  'home.lead':
    '讓民眾逐項同意後，把自己的健保就醫紀錄加密下載到常用的健康 App。這是開發與測試用的沙盒，所有民眾資料皆為合成資料。',
  'home.state': '沙盒狀態',
  'home.database': '資料庫',
  'home.citizens': '合成民眾',
  'home.records': '就醫紀錄',
  'home.category': '資料類別',
  'home.count': '筆數',
  'home.personas': '示範人物',
  'home.personas.A小姐': 'A小姐：第二型糖尿病，長期追蹤血糖與糖化血色素',
  'home.personas.B爺爺': 'B爺爺：82 歲，住在山區，高血壓與慢性腎臟病',
  'home.personas.C職場': 'C職場：60 位員工的公司，員工各自同意後參與職場健康計畫',
  'home.present': '已建立',
  'home.absent': '尚未建立',
  'home.portal': '我的健康存摺：查看我的就醫資料與資料提供紀錄、取消授權',
  'home.links': '開發者連結',
  'home.health': '服務健康檢查',
  'home.diary': '範例 App：糖尿病日記（以 A小姐 連結）',
  'home.teleconsult': '範例 App：遠距健康諮詢（以 B爺爺 連結）',
  'home.educator': '衛教師',
  'home.workplace': '範例 App：職場健康促進（以 C職場 員工連結）',
  'home.employer': '公司統計',
  'home.nurse': '職護',
  'home.discovery': '授權伺服器設定（OpenID Connect discovery）',
  'error.title': '發生問題',
  'error.back': '回到首頁',
} as const;

export type MessageKey = keyof typeof zhTW;

const en: Record<MessageKey, string> = {
  'site.name': 'My Health Bank SDK platform',
  'site.skip': 'Skip to main content',
  'site.switchLanguage': '中文',
  'home.title': 'My Health Bank SDK sandbox',
  'home.lead':
    'Citizens consent item by item, then their National Health Insurance records are downloaded, encrypted, into the health apps they already use. This is the sandbox for development and testing: every citizen here is synthetic.',
  'home.state': 'Sandbox state',
  'home.database': 'Database',
  'home.citizens': 'Synthetic citizens',
  'home.records': 'Health records',
  'home.category': 'Category',
  'home.count': 'Records',
  'home.personas': 'Personas',
  'home.personas.A小姐': 'Ms. A: type 2 diabetes, long-term glucose and HbA1c follow-up',
  'home.personas.B爺爺': 'Grandpa B: 82, lives in the mountains, hypertension and chronic kidney disease',
  'home.personas.C職場': 'Company C: 60 employees who each consent to a workplace health programme',
  'home.present': 'present',
  'home.absent': 'not seeded',
  'home.portal': 'My Health Bank: my records, my provision history, revoke a consent',
  'home.links': 'Developer links',
  'home.health': 'Service health check',
  'home.diary': 'Example app: diabetes diary (connect as Ms. A)',
  'home.teleconsult': 'Example app: tele-consultation (connect as Grandpa B)',
  'home.educator': 'health educator',
  'home.workplace': 'Example app: workplace health (connect as a Company C employee)',
  'home.employer': 'employer',
  'home.nurse': 'nurse',
  'home.discovery': 'Authorization server metadata (OpenID Connect discovery)',
  'error.title': 'Something went wrong',
  'error.back': 'Back to the home page',
};

export type Translate<K extends string = MessageKey> = (key: K, values?: Record<string, string | number>) => string;

function interpolate(template: string, values?: Record<string, string | number>): string {
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/**
 * Declares a feature's own messages (each feature keeps its catalogue beside its pages). The
 * English catalogue must have exactly the keys of the Chinese one, which the type enforces.
 * Placeholders are written `{name}` and filled from `values`.
 */
export function defineMessages<K extends string>(
  zh: Record<K, string>,
  english: Record<K, string>,
): (locale: Locale) => Translate<K> {
  const byLocale: Record<Locale, Record<K, string>> = { 'zh-TW': zh, en: english };
  return (locale) => (key, values) => interpolate(byLocale[locale][key], values);
}

/** The site-wide messages (page frame, landing page, error pages). */
export const translator: (locale: Locale) => Translate = defineMessages<MessageKey>(zhTW, en);

/** Formats a count with the locale's digit grouping. */
export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale).format(value);
}
