/** The portal's overview: where to go, in three plain sentences, and the downloads. */
import { CONTENT_FORMATS } from '@healthbank/records';
import type { ExportEntry } from '../../export/index.js';
import { displayInstant } from '../../pages/dates.js';
import { html } from '../../pages/html.js';
import { formatNumber } from '../../pages/i18n.js';
import { portalMessages } from '../messages.js';
import { type PortalFrame, portalPage } from './frame.js';

export interface HomeView extends Omit<PortalFrame, 'section' | 'title' | 'body'> {
  recordCount: number;
  exports: ExportEntry[];
  activeConsents: number;
  appName: (clientId: string) => string;
}

/** The download links (the overview and the history page share them). */
export function downloadLinks(v: Pick<HomeView, 'locale'>, what: 'history' | 'records' | 'both') {
  const t = portalMessages(v.locale);
  const history = html`<li><a href="/me/history.json" download>${t('download.history.json')}</a></li>
<li><a href="/me/history.csv" download>${t('download.history.csv')}</a></li>`;
  const records = CONTENT_FORMATS.map(
    (f) =>
      html`<li><a href="/me/records/download?format=${f}" download>${t('download.records', { format: t(`format.${f}`) })}</a></li>`,
  );
  return html`<ul class="downloads">${what !== 'records' ? history : ''}${what !== 'history' ? records : ''}</ul>`;
}

export function renderHome(v: HomeView): string {
  const t = portalMessages(v.locale);
  const n = (value: number) => formatNumber(v.locale, value);
  const latest = v.exports[0];
  const body = html`<h1>${t('portal.title')}</h1>
<p class="lead">${t('home.lead', { name: v.citizen.name })}</p>
<ul class="cards">
<li><h2><a href="/me/records">${t('home.records')}</a></h2><p>${t('home.recordsText', { count: n(v.recordCount) })}</p></li>
<li><h2><a href="/me/history">${t('home.history')}</a></h2><p>${t('home.historyText', {
    exports: n(v.exports.length),
    active: n(v.activeConsents),
  })}</p>${
    latest
      ? html`<p>${t('home.latest', { date: displayInstant(v.locale, latest.createdAt), app: v.appName(latest.clientId) })}</p>`
      : ''
  }</li>
</ul>
<section aria-labelledby="downloads-title">
<h2 id="downloads-title">${t('home.downloads')}</h2>
<p>${t('home.downloadsText')}</p>
${downloadLinks(v, 'both')}
</section>`;
  return portalPage({ ...v, section: 'home', title: t('portal.title'), body });
}
