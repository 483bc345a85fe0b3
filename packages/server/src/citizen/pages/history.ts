/**
 * Provision history (資料提供紀錄): every file an app received, every consent given, every
 * deletion request, filtered by app and date with a plain GET form (works without JavaScript,
 * and a filtered view is a link the citizen can keep).
 */
import { type CategoryId, getCategory } from '@healthbank/records';
import type { Consent } from '../../consent/model.js';
import type { ExportEntry } from '../../export/index.js';
import { displayDate, displayInstant, taiwanDateOf } from '../../pages/dates.js';
import { type Html, html } from '../../pages/html.js';
import type { Locale } from '../../pages/i18n.js';
import type { DeletionRequest } from '../deletion/index.js';
import { type PortalTranslate, portalMessages } from '../messages.js';
import { consentStatus, type HistoryFilter, type HistoryFilterError } from '../model.js';
import { type PortalFrame, portalPage } from './frame.js';
import { downloadLinks } from './home.js';

type Frame = Omit<PortalFrame, 'section' | 'title' | 'body'>;

export const categoryNames = (locale: Locale, ids: readonly CategoryId[]) =>
  ids.map((id) => getCategory(id).name[locale]).join(locale === 'zh-TW' ? '、' : ', ');

/** A consent's or an export's period in words. */
export function periodText(t: PortalTranslate, period: { from?: string | null; to?: string | null }): string {
  const { from, to } = period;
  if (from && to) return t('period.range', { from, to });
  if (from) return t('period.from', { from });
  if (to) return t('period.to', { to });
  return t('period.all');
}

/** Categories with their record counts: `檢驗結果 120、西醫門診資料 30`. */
export function countsText(locale: Locale, entry: Pick<ExportEntry, 'categories' | 'counts'>): string {
  return entry.categories
    .map((id) => `${getCategory(id).name[locale]} ${entry.counts[id] ?? 0}`)
    .join(locale === 'zh-TW' ? '、' : ', ');
}

export interface HistoryView extends Frame {
  now: number;
  filter: HistoryFilter;
  errors: HistoryFilterError[];
  /** The apps the citizen has consented to, for the filter's choices. */
  apps: { clientId: string; name: string }[];
  exports: ExportEntry[];
  consents: Consent[];
  deletions: DeletionRequest[];
  appName: (clientId: string) => string;
}

export function renderHistory(v: HistoryView): string {
  const t = portalMessages(v.locale);
  const ERROR_FIELD: Record<HistoryFilterError, string> = {
    app: 'filter-app',
    from: 'filter-from',
    to: 'filter-to',
    order: 'filter-from',
  };
  const summary = v.errors.length
    ? html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="filter-errors">
<h2 id="filter-errors">${t('history.filter.errors')}</h2>
<ul>${v.errors.map((e) => html`<li><a href="#${ERROR_FIELD[e]}">${t(`history.filter.error.${e}`)}</a></li>`)}</ul>
</div>`
    : '';
  const filterForm = html`<form method="get" action="/me/history" class="filter" aria-labelledby="filter-title">
<h2 id="filter-title">${t('history.filter')}</h2>
<div class="filter-fields">
<div class="field"><label for="filter-app">${t('history.filter.app')}</label>
<select id="filter-app" name="app"><option value="">${t('history.filter.anyApp')}</option>${v.apps.map(
    (a) => html`<option value="${a.clientId}"${a.clientId === v.filter.app ? html` selected` : ''}>${a.name}</option>`,
  )}</select></div>
<div class="field"><label for="filter-from">${t('history.filter.from')}</label>
<input type="date" id="filter-from" name="from" value="${v.filter.from ?? ''}" aria-describedby="filter-date-hint"></div>
<div class="field"><label for="filter-to">${t('history.filter.to')}</label>
<input type="date" id="filter-to" name="to" value="${v.filter.to ?? ''}" aria-describedby="filter-date-hint"></div>
</div>
<p class="hint" id="filter-date-hint">${t('history.filter.dateHint')}</p>
<button type="submit" class="secondary">${t('history.filter.submit')}</button>
${v.filter.app || v.filter.from || v.filter.to ? html` <a href="/me/history">${t('history.filter.clear')}</a>` : ''}
</form>`;

  const exportsTable: Html = v.exports.length
    ? html`<table class="stack exports">
<caption>${t('history.exports.caption')}</caption>
<thead><tr><th scope="col">${t('history.when')}</th><th scope="col">${t('history.app')}</th><th scope="col">${t('history.categories')}</th><th scope="col">${t('history.period')}</th><th scope="col">${t('history.format')}</th><th scope="col">${t('history.digest')}</th></tr></thead>
<tbody>${v.exports.map(
        (e) => html`<tr data-export="${e.id}">
<td data-label="${t('history.when')}"><a href="/me/exports/${e.id}">${displayInstant(v.locale, e.createdAt)}</a></td>
<td data-label="${t('history.app')}">${v.appName(e.clientId)}</td>
<td data-label="${t('history.categories')}" data-testid="export-counts">${countsText(v.locale, e)}</td>
<td data-label="${t('history.period')}">${periodText(t, e.period)}</td>
<td data-label="${t('history.format')}">${t(`format.${e.format}`)}</td>
<td data-label="${t('history.digest')}"><code class="digest">${e.contentDigest}</code></td>
</tr>`,
      )}</tbody>
</table>`
    : html`<p>${t('history.exportsEmpty')}</p>`;

  const consentsTable: Html = v.consents.length
    ? html`<table class="stack consents">
<caption>${t('history.consents.caption')}</caption>
<thead><tr><th scope="col">${t('history.consent.given')}</th><th scope="col">${t('history.app')}</th><th scope="col">${t('history.consent.status')}</th><th scope="col">${t('history.consent.scope')}</th><th scope="col">${t('history.consent.expires')}</th><th scope="col">${t('history.consent.manage')}</th></tr></thead>
<tbody>${v.consents.map((c) => {
        const status = consentStatus(c, v.now);
        return html`<tr data-consent="${c.id}">
<td data-label="${t('history.consent.given')}">${displayInstant(v.locale, c.createdAt)}</td>
<td data-label="${t('history.app')}">${v.appName(c.clientId)}</td>
<td data-label="${t('history.consent.status')}"><span class="badge ${status}" data-testid="consent-status">${t(`status.${status}`)}</span></td>
<td data-label="${t('history.consent.scope')}">${categoryNames(v.locale, c.categories)} · ${periodText(t, c)} · ${t(`duration.${c.duration}`)}</td>
<td data-label="${t('history.consent.expires')}">${displayInstant(v.locale, c.expiresAt)}</td>
<td data-label="${t('history.consent.manage')}"><a href="/me/consents/${c.id}">${t('history.consent.manageLink')}<span class="visually-hidden"> · ${v.appName(c.clientId)} ${displayInstant(v.locale, c.createdAt)}</span></a></td>
</tr>`;
      })}</tbody>
</table>`
    : html`<p>${t('history.consentsEmpty')}</p>`;

  const deletionsTable: Html = v.deletions.length
    ? html`<table class="stack deletions">
<caption>${t('history.deletions.caption')}</caption>
<thead><tr><th scope="col">${t('history.deletion.requested')}</th><th scope="col">${t('history.app')}</th><th scope="col">${t('history.deletion.status')}</th><th scope="col">${t('history.deletion.due')}</th></tr></thead>
<tbody>${v.deletions.map(
        (d) => html`<tr data-deletion="${d.id}">
<td data-label="${t('history.deletion.requested')}"><a href="/me/deletion-requests/${d.id}">${displayInstant(v.locale, d.createdAt)}</a></td>
<td data-label="${t('history.app')}">${v.appName(d.clientId)}</td>
<td data-label="${t('history.deletion.status')}"><span class="badge ${d.status}" data-testid="deletion-status">${t(`deletion.${d.status}`)}</span></td>
<td data-label="${t('history.deletion.due')}">${displayDate(v.locale, taiwanDateOf(d.dueAt))}</td>
</tr>`,
      )}</tbody>
</table>`
    : html`<p>${t('history.deletionsEmpty')}</p>`;

  const body = html`<h1>${t('history.title')}</h1>
<p class="lead">${t('history.lead')}</p>
${summary}
${filterForm}
<section aria-labelledby="exports-title"><h2 id="exports-title">${t('history.exports')}</h2>${exportsTable}</section>
<section aria-labelledby="consents-title"><h2 id="consents-title">${t('history.consents')}</h2>${consentsTable}</section>
<section aria-labelledby="deletions-title"><h2 id="deletions-title">${t('history.deletions')}</h2>${deletionsTable}</section>
<section aria-labelledby="history-download"><h2 id="history-download">${t('history.download')}</h2>${downloadLinks(v, 'history')}</section>`;
  return portalPage({ ...v, section: 'history', title: t('history.title'), body });
}
