import { type Html, html } from './html.js';
import { type Locale, translator } from './i18n.js';

export interface PageOptions {
  locale: Locale;
  title: string;
  /** The current path, so that the language switch keeps the citizen where they are. */
  path: string;
  body: Html;
}

/**
 * The one page frame: language-tagged, a skip link, landmarks, and a stylesheet that reflows at
 * 200% zoom. No inline script or style, so the Content-Security-Policy can forbid both.
 */
export function layout({ locale, title, path, body }: PageOptions): string {
  const t = translator(locale);
  const other: Locale = locale === 'zh-TW' ? 'en' : 'zh-TW';
  const switchHref = `${path}${path.includes('?') ? '&' : '?'}lang=${other}`;
  return `<!doctype html>\n${
    html`<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t('site.name')}</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="skip" href="#main">${t('site.skip')}</a>
<header class="site"><span class="brand">${t('site.name')}</span>
<a class="lang" href="${switchHref}" lang="${other}" hreflang="${other}">${t('site.switchLanguage')}</a></header>
<main id="main" tabindex="-1">${body}</main>
</body>
</html>`.value
  }`;
}

/** Served at /assets/site.css. System fonts cover Traditional Chinese on every platform. */
export const SITE_CSS = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --accent: #0b5cad; --line: #c9c9c9; --bg: #fff; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", sans-serif;
  font-size: 1.125rem; line-height: 1.6; color: var(--ink); background: var(--bg); }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem 1rem; outline: 3px solid var(--accent); }
header.site { display: flex; flex-wrap: wrap; gap: 1rem; justify-content: space-between; align-items: center;
  padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; }
main { max-width: 60rem; margin: 0 auto; padding: 1.25rem; }
main:focus { outline: none; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
h1 { font-size: 1.75rem; line-height: 1.3; }
.lead { color: var(--muted); max-width: 45rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
caption { text-align: left; font-weight: 700; padding: .5rem 0; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 700; }
ul.personas li { margin: .25rem 0; }
.status { font-weight: 700; }
@media (max-width: 40rem) { dl.facts { grid-template-columns: 1fr; } }
`;
