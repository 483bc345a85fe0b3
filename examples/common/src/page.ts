/**
 * Server-rendered pages of the example backends: an escaping template tag, the page frame (skip
 * link, language switch, large text) and the language of a request. No script on these pages: the
 * staff views work without JavaScript.
 */

export type Lang = 'zh-TW' | 'en';

/** Markup that is already safe; everything else interpolated into `html` is escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | undefined | null | false | readonly Part[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/** Escapes every interpolated value (XSS, OWASP ASVS V5.3.3) unless it is `Html` already. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** `?lang=en` or the `lang` cookie, else the browser's first choice; Traditional Chinese by default. */
export function langOf(query: unknown, cookies: string | undefined, acceptLanguage: string | undefined): Lang {
  const asked = (query as { lang?: unknown } | undefined)?.lang;
  if (asked === 'en' || asked === 'zh-TW') return asked;
  const cookie = /(?:^|;\s*)lang=(en|zh-TW)/.exec(cookies ?? '')?.[1];
  if (cookie === 'en' || cookie === 'zh-TW') return cookie;
  return /^\s*en\b/i.test(acceptLanguage ?? '') ? 'en' : 'zh-TW';
}

export interface PageOptions {
  lang: Lang;
  title: string;
  /** The app's name in the header. */
  app: string;
  /** The current path, for the language switch. */
  path: string;
  body: Html;
  /** Links or a sign-out form beside the language switch. */
  nav?: Html;
  /** Extra class on `<body>` (e.g. the print layout). */
  bodyClass?: string;
}

/** The whole page: landmarks, a skip link, and a language switch that keeps the page. */
export function page(o: PageOptions): string {
  const other: Lang = o.lang === 'en' ? 'zh-TW' : 'en';
  const sep = o.path.includes('?') ? '&' : '?';
  const switchTo = `${o.path}${sep}lang=${other}`;
  return `<!doctype html>${html`<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · ${o.app}</title>
<link rel="stylesheet" href="/app.css">
</head>
<body class="${o.bodyClass ?? ''}">
<a class="skip" href="#main">${o.lang === 'en' ? 'Skip to content' : '跳到主要內容'}</a>
<header class="bar"><span class="brand">${o.app}</span><nav aria-label="${o.lang === 'en' ? 'Site' : '網站'}">${o.nav}<a href="${switchTo}" lang="${other}">${other === 'en' ? 'English' : '中文'}</a></nav></header>
<main id="main">${o.body}</main>
</body>
</html>`}`;
}
