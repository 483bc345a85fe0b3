import { type Html, html } from './html.js';
import { type Locale, translator } from './i18n.js';

export interface PageOptions {
  locale: Locale;
  title: string;
  /** The current path, so that the language switch keeps the citizen where they are. */
  path: string;
  body: Html;
  /** Who is signed in, and how to leave (`account.ts`); absent when nobody is. */
  account?: Html;
  /** Replaces the language link, e.g. by a button that submits a form so its choices survive. */
  languageSwitch?: Html;
}

/**
 * The one page frame: language-tagged, a skip link, landmarks, and a stylesheet that reflows at
 * 200% zoom. No inline script or style, so the Content-Security-Policy can forbid both.
 */
export function layout({ locale, title, path, body, account, languageSwitch }: PageOptions): string {
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
${account ?? ''}
${languageSwitch ?? html`<a class="lang" href="${switchHref}" lang="${other}" hreflang="${other}">${t('site.switchLanguage')}</a>`}</header>
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
/* Long values (URLs, client ids) wrap inside their cell rather than widen the page (WCAG 1.4.10). */
dl.facts > * { min-width: 0; overflow-wrap: anywhere; }
ul.personas li { margin: .25rem 0; }
.status { font-weight: 700; }
@media (max-width: 40rem) { dl.facts { grid-template-columns: 1fr; } }
[hidden] { display: none !important; }
/* Forms (sign-in first): large text and targets for older citizens, errors in words beside the field. */
.field { margin: 0 0 1.25rem; }
.field label, fieldset > legend { display: block; font-weight: 700; font-size: 1.2rem; margin-bottom: .25rem; }
.hint { color: var(--muted); margin: 0 0 .35rem; }
.field-error { color: #b00020; font-weight: 700; margin: 0 0 .35rem; }
input[type="text"], input[type="email"], input[type="url"], input[type="tel"], textarea, input[type="file"] { font: inherit;
  font-size: 1.25rem; min-height: 3rem; padding: .4rem .6rem; width: 100%; max-width: 20rem; border: 2px solid var(--muted);
  border-radius: 4px; box-sizing: border-box; }
input[type="url"], textarea { max-width: 40rem; }
.field textarea { min-height: 5rem; }
input.short { max-width: 6rem; }
.invalid input[type="text"], input[aria-invalid="true"], textarea[aria-invalid="true"] { border-color: #b00020; }
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
/* The dates belong to "custom" alone: hidden (and out of the tab order) until it is chosen. */
fieldset:has(#period-custom):not(:has(#period-custom:checked)) .date-range { display: none; }
header.site button.lang { background: none; border: 0; padding: 0; font: inherit; color: var(--accent); text-decoration: underline; cursor: pointer; min-height: 0; }
details.notice-details > summary { cursor: pointer; color: var(--accent); text-decoration: underline; margin: .5rem 0; }
.choice .description { display: block; color: var(--muted); font-size: .95rem; }
details summary { cursor: pointer; font-weight: 700; padding: .4rem 0; color: var(--accent); }
.code { color: var(--muted); font-size: .95rem; font-variant-numeric: tabular-nums; }
.consent-actions { display: flex; flex-wrap: wrap; gap: 1rem; margin: 2rem 0 1rem; }
/* Who is signed in (pages/account.ts): in the header, wrapping under the brand on a phone. */
section.account { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; }
section.account p { margin: 0; }
section.account form { margin: 0; }
button.link { font: inherit; background: none; border: 0; padding: .25rem 0; color: var(--accent); text-decoration: underline;
  cursor: pointer; min-height: 2.75rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
/* The citizen portal (/me). */
nav.portal-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; padding: 0; margin: 0 0 1rem; }
nav.portal-nav a { display: inline-block; padding: .4rem 0; font-weight: 700; }
nav.portal-nav a[aria-current="page"] { color: var(--ink); text-decoration-thickness: 3px; }
ul.cards { list-style: none; padding: 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
ul.cards li { border: 1px solid var(--line); border-radius: 6px; padding: 0 1rem; }
ul.inbox { list-style: none; padding: 0; }
ul.inbox li { border-bottom: 1px solid var(--line); padding: .25rem 0; }
ul.downloads li { margin: .35rem 0; }
a.button { display: inline-block; font-weight: 700; min-height: 3rem; padding: .6rem 1.5rem; border: 2px solid var(--accent);
  border-radius: 4px; text-decoration: none; background: #fff; }
a.button.danger, button.danger { border-color: #b00020; }
a.button.danger { color: #b00020; }
button.primary.danger { background: #b00020; }
.badge { display: inline-block; white-space: nowrap; padding: 0 .5rem; border-radius: 4px; border: 1px solid currentColor; font-weight: 700; }
.badge.active, .badge.acknowledged { color: #1a6b2d; }
.badge.revoked, .badge.overdue { color: #b00020; }
.badge.expired, .badge.pending, .badge.sent { color: var(--muted); }
code.digest { word-break: break-all; font-size: .95rem; }
/* Commands to copy wrap rather than widen the page (WCAG 1.4.10 reflow at 320 CSS px). */
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f3f3f3; padding: .5rem; }
/* The developer documentation: wide tables scroll in their own box, inline code wraps. */
.doc table { display: block; overflow-x: auto; }
.doc code { overflow-wrap: anywhere; }
.notice.done { border-left-color: #1a6b2d; background: #e8f5ea; }
nav.pager { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: 1rem 0; }
nav.pager a { padding: .5rem 0; font-weight: 700; }
p.report { white-space: pre-wrap; }
form.filter { border: 1px solid var(--line); border-radius: 6px; padding: 0 1rem 1rem; margin: 1rem 0; }
.filter-fields { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
.filter-fields > * { min-width: 0; max-width: 100%; }
select { font: inherit; font-size: 1.2rem; min-height: 3rem; padding: .3rem .5rem; border: 2px solid var(--muted); border-radius: 4px; max-width: 100%; }
.trend-body { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
figure.trend-chart { margin: 0; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .grid { stroke: #e2e2e2; }
svg.chart .axis { stroke: var(--muted); }
svg.chart .tick, svg.chart .unit { fill: var(--muted); }
svg.chart .band { fill: #e6f0fa; }
svg.chart .line { stroke-width: 2.5; }
svg.chart .series-0 .line { stroke: var(--accent); } svg.chart .series-0 .point { fill: var(--accent); }
svg.chart .series-1 .line { stroke: #a34700; stroke-dasharray: 8 4; } svg.chart .series-1 .point { fill: #a34700; }
svg.chart .series-2 .line { stroke: #1a6b2d; stroke-dasharray: 2 4; } svg.chart .series-2 .point { fill: #1a6b2d; }
svg.chart .series-3 .line { stroke: #6b2d91; stroke-dasharray: 12 4 2 4; } svg.chart .series-3 .point { fill: #6b2d91; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.swatch { display: inline-block; width: 1.5rem; height: .3rem; margin-right: .4rem; vertical-align: middle; background: var(--accent); }
.swatch.series-1 { background: #a34700; } .swatch.series-2 { background: #1a6b2d; } .swatch.series-3 { background: #6b2d91; }
/* Wide tables become one card per row on a phone or at 200% zoom: each cell labelled by its column. */
@media (max-width: 48rem) {
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.stack tr { display: block; border-bottom: 2px solid var(--line); padding: .5rem 0; }
  table.stack td { display: block; border: 0; padding: .15rem 0; text-align: left; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; font-weight: 700; }
}
`;
