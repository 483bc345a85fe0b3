/**
 * My records: the eleven categories with their counts, the lab trends (a chart and, beside it, a
 * table of the same numbers), and each category as a paginated list.
 */
import { CATEGORIES, type CategoryId, getCategory, type HealthRecord } from '@healthbank/records';
import { lineChart } from '../../pages/chart.js';
import { displayDate } from '../../pages/dates.js';
import { type Html, html } from '../../pages/html.js';
import { formatNumber } from '../../pages/i18n.js';
import { RECORDS_PER_PAGE } from '../limits.js';
import { portalMessages } from '../messages.js';
import type { Trend } from '../model.js';
import { recordRow } from '../record-view.js';
import { displayUnit, type PortalFrame, portalPage } from './frame.js';
import { downloadLinks } from './home.js';

type Frame = Omit<PortalFrame, 'section' | 'title' | 'body'>;

/** Rows shown before "show all" in a trend's table. */
const TREND_ROWS = 8;

function trendSection(v: Frame, trend: Trend): Html {
  const t = portalMessages(v.locale);
  const name = t(`trend.${trend.id}`);
  const unit = displayUnit(trend.unit);
  const main = trend.series[0];
  const points = main?.points ?? [];
  const first = points[0];
  const latest = points.at(-1);
  const values = points.map((p) => p.value);
  const summary =
    first && latest
      ? t('trend.summary', {
          name,
          from: first.date,
          to: latest.date,
          count: points.length,
          latest: latest.text,
          unit,
          latestDate: latest.date,
          max: Math.max(...values),
          min: Math.min(...values),
        })
      : name;
  const rows = trend.series
    .flatMap((s) => s.points.map((p) => ({ ...p, key: s.key })))
    .sort((a, b) => b.date.localeCompare(a.date) || a.key.localeCompare(b.key));
  const row = (p: (typeof rows)[number]) =>
    html`<tr><td data-label="${t('trend.date')}">${displayDate(v.locale, p.date)}</td>${
      trend.series.length > 1 ? html`<td data-label="${t('trend.item')}">${t(`series.${p.key}`)}</td>` : ''
    }<td class="num" data-label="${t('trend.value', { unit })}">${p.text}</td><td data-label="${t('trend.source')}">${t(`trend.source.${p.source}`)}</td><td data-label="${t('trend.institution')}">${p.institution}</td></tr>`;
  const head = html`<thead><tr><th scope="col">${t('trend.date')}</th>${
    trend.series.length > 1 ? html`<th scope="col">${t('trend.item')}</th>` : ''
  }<th scope="col" class="num">${t('trend.value', { unit })}</th><th scope="col">${t('trend.source')}</th><th scope="col">${t('trend.institution')}</th></tr></thead>`;
  const table = (list: typeof rows, caption: string) =>
    html`<table class="stack trend-table"><caption>${caption}</caption>${head}<tbody>${list.map(row)}</tbody></table>`;
  return html`<section class="trend" aria-labelledby="trend-${trend.id}" data-trend="${trend.id}">
<h3 id="trend-${trend.id}">${name}</h3>
<div class="trend-body">
<figure class="trend-chart">
${lineChart({
  summary,
  unit,
  series: trend.series.map((s) => ({ label: t(`series.${s.key}`), points: s.points })),
  ...(trend.band ? { band: trend.band } : {}),
})}
${
  trend.series.length > 1
    ? html`<figcaption><ul class="legend">${trend.series.map(
        (s, i) => html`<li><span class="swatch series-${i}" aria-hidden="true"></span>${t(`series.${s.key}`)}</li>`,
      )}</ul></figcaption>`
    : ''
}
</figure>
<div class="trend-numbers">
${table(rows.slice(0, TREND_ROWS), `${t('trend.table', { name })} · ${t('trend.latest', { count: Math.min(TREND_ROWS, rows.length) })}`)}
${
  rows.length > TREND_ROWS
    ? html`<details><summary>${t('trend.show', { count: rows.length })}</summary>${table(rows, t('trend.table', { name }))}</details>`
    : ''
}
</div>
</div>
</section>`;
}

export interface RecordsView extends Frame {
  counts: Record<CategoryId, number>;
  trends: Trend[];
}

export function renderRecords(v: RecordsView): string {
  const t = portalMessages(v.locale);
  const n = (value: number) => formatNumber(v.locale, value);
  const body = html`<h1>${t('records.title')}</h1>
<p class="lead">${t('records.lead')}</p>
<table class="categories">
<caption>${t('records.title')}</caption>
<thead><tr><th scope="col">${t('records.category')}</th><th scope="col" class="num">${t('records.count')}</th></tr></thead>
<tbody>${CATEGORIES.map(
    (c) =>
      html`<tr><th scope="row"><a href="/me/records/${c.id}">${c.name[v.locale]}</a></th><td class="num" data-category="${c.id}">${n(v.counts[c.id])}</td></tr>`,
  )}</tbody>
</table>
<section aria-labelledby="trends-title">
<h2 id="trends-title">${t('records.trends')}</h2>
${v.trends.length ? html`<p>${t('records.trendsLead')}</p>${v.trends.map((trend) => trendSection(v, trend))}` : html`<p>${t('records.noTrends')}</p>`}
</section>
<section aria-labelledby="records-download">
<h2 id="records-download">${t('records.download')}</h2>
${downloadLinks(v, 'records')}
</section>`;
  return portalPage({ ...v, section: 'records', title: t('records.title'), body });
}

export interface CategoryView extends Frame {
  category: CategoryId;
  total: number;
  page: number;
  records: HealthRecord[];
}

export function renderCategory(v: CategoryView): string {
  const t = portalMessages(v.locale);
  const name = getCategory(v.category).name[v.locale];
  const pages = Math.max(1, Math.ceil(v.total / RECORDS_PER_PAGE));
  const href = (page: number) => `/me/records/${v.category}${page > 1 ? `?page=${page}` : ''}`;
  const pager =
    pages > 1
      ? html`<nav class="pager" aria-label="${t('category.pages')}">
${v.page > 1 ? html`<a href="${href(v.page - 1)}" rel="prev">${t('category.previous')}</a>` : ''}
<span>${t('category.pageOf', { page: v.page, pages })}</span>
${v.page < pages ? html`<a href="${href(v.page + 1)}" rel="next">${t('category.next')}</a>` : ''}
</nav>`
      : '';
  const rows = v.records.map((r) => {
    const row = recordRow(r, v.locale, t);
    return html`<tr><td data-label="${t('category.date')}">${displayDate(v.locale, row.date)}</td><td data-label="${t('category.what')}">${row.what || name}</td><td data-label="${t('category.details')}">${row.details}</td><td data-label="${t('category.institution')}">${row.institution}</td></tr>`;
  });
  const body = html`<p><a href="/me/records">${t('category.back')}</a></p>
<h1>${name}</h1>
<p class="lead">${v.total ? t('category.lead', { count: formatNumber(v.locale, v.total) }) : t('category.empty')}</p>
${
  v.records.length
    ? html`<table class="stack records" data-category="${v.category}">
<caption>${t('category.caption', { name, page: v.page, pages })}</caption>
<thead><tr><th scope="col">${t('category.date')}</th><th scope="col">${t('category.what')}</th><th scope="col">${t('category.details')}</th><th scope="col">${t('category.institution')}</th></tr></thead>
<tbody>${rows}</tbody>
</table>
${pager}`
    : ''
}`;
  return portalPage({ ...v, section: 'records', title: `${name} · ${t('records.title')}`, body });
}
