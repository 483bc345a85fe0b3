/**
 * The summary for her doctor: on screen a section with a print button; on paper (the print
 * stylesheet hides everything else) one A4 page with the numbers a diabetes follow-up looks at.
 */
import type { AnalyteSummary, DoctorSummary } from '../domain/summary.js';
import { chartSvg } from '../ui/chart.js';
import { type Child, h } from '../ui/dom.js';
import { formatDate, formatRange, formatValue, listJoin, parenthesized, trendText } from '../ui/format.js';
import type { ViewContext } from './context.js';
import { dailyText, statusText } from './medication-text.js';

function latestText({ locale }: ViewContext, a: AnalyteSummary, none: string): string {
  const latest = a.trend.latest;
  return latest
    ? `${formatValue(a.series.analyte, latest.text)}${parenthesized(locale, formatDate(locale, latest.date))}`
    : none;
}

export function summarySheet(context: ViewContext, summary: DoctorSummary): HTMLElement {
  const { t, locale } = context;
  const none = t('summary.none');
  const { hba1c, fastingGlucose, visits, medications } = summary;
  const period = summary.period;
  const glucoseTrend = trendText(t, locale, fastingGlucose.series.analyte, fastingGlucose.trend);
  const row = (term: string, ...description: Child[]) => [h('dt', {}, term), h('dd', {}, ...description)];
  return h(
    'section',
    { 'aria-labelledby': 'summary-title', class: 'summary', id: 'doctor-summary' },
    h('h2', { id: 'summary-title', class: 'screen-only' }, t('summary.title')),
    h('p', { class: 'screen-only' }, t('summary.lead')),
    h(
      'button',
      { type: 'button', class: 'primary screen-only', 'data-action': 'print', onclick: () => window.print() },
      t('summary.print'),
    ),
    h(
      'article',
      { class: 'sheet', 'aria-labelledby': 'sheet-title' },
      h('h3', { id: 'sheet-title' }, t('summary.heading')),
      h(
        'p',
        { class: 'sheet-meta' },
        t('summary.generated', { date: formatDate(locale, summary.asOf) }),
        locale === 'zh-TW' ? '　' : ' · ',
        period.from || period.to
          ? t('diary.period', {
              from: period.from ? formatDate(locale, period.from) : '…',
              to: formatDate(locale, period.to ?? summary.asOf),
            })
          : t('diary.periodAll'),
      ),
      h(
        'dl',
        { class: 'facts' },
        row(t('summary.latestHba1c'), latestText(context, hba1c, none)),
        row(t('summary.trend'), trendText(t, locale, hba1c.series.analyte, hba1c.trend) ?? none),
        row(
          t('summary.recentHba1c'),
          hba1c.recent.length === 0
            ? none
            : listJoin(
                locale,
                hba1c.recent.map(
                  (m) =>
                    `${formatValue(hba1c.series.analyte, m.text)}${parenthesized(locale, formatDate(locale, m.date))}`,
                ),
              ),
        ),
        row(
          t('summary.latestGlucose'),
          latestText(context, fastingGlucose, none),
          glucoseTrend ? [h('br'), glucoseTrend] : null,
        ),
        row(
          t('summary.visits'),
          t('summary.visitsValue', { total: visits.total, year: visits.lastTwelveMonths, er: visits.emergencies }),
          visits.lastVisit ? [h('br'), t('summary.lastVisit', { date: formatDate(locale, visits.lastVisit) })] : null,
        ),
        row(
          t('summary.institutions'),
          visits.institutions.length === 0
            ? none
            : listJoin(
                locale,
                visits.institutions.map((i) => t('summary.institutionVisits', i)),
              ),
        ),
      ),
      hba1c.series.points.length > 1
        ? h(
            'div',
            { class: 'sheet-chart' },
            chartSvg(context, hba1c.series, { width: 640, compact: true }),
            hba1c.series.referenceRange
              ? h('p', {}, t('chart.legend', { range: formatRange(hba1c.series.analyte, hba1c.series.referenceRange) }))
              : null,
          )
        : null,
      h('h4', {}, t('summary.meds')),
      medications.length === 0
        ? h('p', {}, t('meds.empty'))
        : h(
            'ul',
            { class: 'sheet-meds' },
            medications.map((m) =>
              h(
                'li',
                {},
                t('summary.medLine', {
                  name: m.name,
                  daily: dailyText(context, m),
                  days: m.days === undefined ? t('meds.unknown') : t('meds.daysValue', { days: m.days }),
                  date: formatDate(locale, m.lastPrescribed),
                }),
                parenthesized(locale, statusText(context, m)),
              ),
            ),
          ),
      h('p', { class: 'sheet-source' }, t('summary.source')),
    ),
  );
}
