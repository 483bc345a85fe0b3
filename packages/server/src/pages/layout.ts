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
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
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
[hidden] { display: none !important; }
/* Forms (sign-in first): large text and targets for older citizens, errors in words beside the field. */
.field { margin: 0 0 1.25rem; }
.field label, fieldset > legend { display: block; font-weight: 700; font-size: 1.2rem; margin-bottom: .25rem; }
.hint { color: var(--muted); margin: 0 0 .35rem; }
.field-error { color: #b00020; font-weight: 700; margin: 0 0 .35rem; }
input[type="text"] { font: inherit; font-size: 1.25rem; min-height: 3rem; padding: .4rem .6rem; width: 100%; max-width: 20rem;
  border: 2px solid var(--muted); border-radius: 4px; }
input.short { max-width: 6rem; }
.invalid input[type="text"], input[aria-invalid="true"] { border-color: #b00020; }
fieldset { border: 0; margin: 0 0 1.25rem; padding: 0; min-width: 0; }
.date-parts { display: flex; flex-wrap: wrap; gap: 0 1rem; }
.choice { display: flex; gap: .75rem; align-items: flex-start; padding: .4rem 0; }
.choice input { width: 1.5rem; height: 1.5rem; margin: .2rem 0 0; flex: none; }
button.primary, button.secondary { font: inherit; font-size: 1.25rem; font-weight: 700; min-height: 3rem; padding: .5rem 1.5rem;
  border-radius: 4px; cursor: pointer; border: 2px solid var(--accent); }
button.primary { background: var(--accent); color: #fff; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { opacity: .6; cursor: progress; }
.error-summary { border: 3px solid #b00020; padding: .5rem 1rem; margin: 0 0 1rem; font-weight: 700; }
.notice { background: #fff4d6; border-left: 6px solid #8a6100; padding: .5rem 1rem; }
.sandbox-code { font-size: 1.75rem; letter-spacing: .2em; font-variant-numeric: tabular-nums; }
section.passkey, section.sandbox-personas, section.passkey + section, section.upstream, section.upstream + section { border-top: 1px solid var(--line); margin-top: 1.5rem; }
form.actions { margin-top: 1.5rem; }
.error-summary p { margin: 0; }
/* Consent page: the notices as a readable list, one question per fieldset, a clear pair of answers. */
dl.notice-items { margin: .5rem 0 1rem; }
dl.notice-items dt { font-weight: 700; margin-top: .75rem; }
dl.notice-items dd { margin: .1rem 0 0; }
.consent section, .consent fieldset { border-top: 1px solid var(--line); padding-top: 1rem; margin-top: 1.25rem; }
.consent fieldset.invalid, .consent .field.invalid { border-left: 4px solid #b00020; padding-left: .75rem; }
.consent .acknowledge .choice label { font-size: 1.2rem; }
input[type="date"] { font: inherit; font-size: 1.25rem; min-height: 3rem; padding: .3rem .5rem;
  border: 2px solid var(--muted); border-radius: 4px; }
.date-range { display: flex; flex-wrap: wrap; gap: 0 1.5rem; margin: .5rem 0 0 2.25rem; }
.date-range .hint { flex-basis: 100%; }
details summary { cursor: pointer; font-weight: 700; padding: .4rem 0; color: var(--accent); }
.code { color: var(--muted); font-size: .95rem; font-variant-numeric: tabular-nums; }
.consent-actions { display: flex; flex-wrap: wrap; gap: 1rem; margin: 2rem 0 1rem; }
`;
