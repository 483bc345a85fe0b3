/**
 * Screen 3: the diary. Headline numbers, the HbA1c and fasting glucose charts with their tables,
 * the current medication, the summary for her doctor, and the connection controls.
 */
import { addDays } from '../domain/dates.js';
import { RECENT_DAYS } from '../domain/medications.js';
import { HBA1C_TARGET_LIMITS } from '../domain/series.js';
import type { AnalyteSummary, DoctorSummary } from '../domain/summary.js';
import type { StoredImport } from '../storage.js';
import { chartSvg, mountChart, resultsTable } from '../ui/chart.js';
import { type Child, h } from '../ui/dom.js';
import type { ErrorMessage } from '../ui/errors.js';
import { formatDate, formatRange, formatStrength, formatValue, trendText } from '../ui/format.js';
import type { MessageKey } from '../ui/messages.js';
import type { ViewContext } from './context.js';
import { dailyText, statusText } from './medication-text.js';
import { summarySheet } from './summary-sheet.js';

export interface DiaryView {
  stored: StoredImport;
  summary: DoctorSummary;
  /** The disconnect confirmation is open. */
  confirming?: boolean;
  /** Disconnecting is under way. */
  working?: boolean;
  /** Where focus goes after this redraw, so keyboard and screen-reader users stay in place (WCAG 2.4.3). */
  focus?: 'confirm' | 'disconnect' | 'target';
  error?: ErrorMessage;
  onReimport: () => void;
  onDisconnect: () => void;
  onConfirm: () => void;
  onCancel: () => void;
  /** Her HbA1c target (%), which the HbA1c chart and table are read against. */
  hba1cTarget: number;
  /** Stores a new target; false when it is out of range. */
  onTargetChange: (value: number) => boolean;
  /** Only in a build for the sandbox's integration test: judge the platform's tampered test files. */
  testFiles?: { outcome: { correct: number; total: number } | 'running' | 'failed' | undefined; onRun: () => void };
}

/** The integration test's one action, for the organisation's developers (never in a production build). */
function testFilesSection({ t }: ViewContext, view: DiaryView): HTMLElement | null {
  const files = view.testFiles;
  if (!files) return null;
  const outcome = files.outcome;
  return h(
    'section',
    { class: 'manage screen-only', 'aria-labelledby': 'test-files-title' },
    h('h2', { id: 'test-files-title' }, t('testFiles.title')),
    h('p', {}, t('testFiles.lead')),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'data-action': 'test-files',
        disabled: outcome === 'running',
        onclick: files.onRun,
      },
      t('testFiles.run'),
    ),
    h(
      'p',
      { role: 'status', 'data-testid': 'test-files-outcome' },
      outcome === undefined || outcome === 'running'
        ? ''
        : outcome === 'failed'
          ? t('testFiles.failed')
          : t('testFiles.outcome', { correct: String(outcome.correct), total: String(outcome.total) }),
    ),
  );
}

function headline(context: ViewContext, label: string, a: AnalyteSummary, id: string): HTMLElement {
  const { t, locale } = context;
  const latest = a.trend.latest;
  const trend = trendText(t, locale, a.series.analyte, a.trend);
  return h(
    'div',
    { class: 'card', 'data-testid': id },
    h('p', { class: 'card-label' }, label),
    latest
      ? [
          h('p', { class: 'card-value' }, formatValue(a.series.analyte, latest.text)),
          h('p', { class: 'card-date' }, t('diary.on', { date: formatDate(locale, latest.date) })),
          trend ? h('p', { class: 'card-trend' }, trend) : null,
        ]
      : h('p', { class: 'card-value' }, t('diary.noValue')),
  );
}

/** Her own HbA1c target, editable here (no treatment target is one-size-fits-all). */
function targetForm({ t }: ViewContext, view: DiaryView): HTMLElement {
  const input = h('input', {
    id: 'hba1c-target',
    name: 'target',
    type: 'number',
    inputmode: 'decimal',
    step: '0.1',
    min: String(HBA1C_TARGET_LIMITS.min),
    max: String(HBA1C_TARGET_LIMITS.max),
    value: String(view.hba1cTarget),
    'aria-describedby': 'hba1c-target-error',
    'data-autofocus': view.focus === 'target',
  });
  const error = h('p', { class: 'error', id: 'hba1c-target-error', role: 'alert', hidden: true }, t('target.invalid'));
  return h(
    'form',
    {
      class: 'target',
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        const ok = view.onTargetChange(Number(input.value));
        error.hidden = ok;
        if (!ok) input.focus();
      },
    },
    h('label', { for: 'hba1c-target' }, t('target.label')),
    h('span', { class: 'target-input' }, input, ' %'),
    h('button', { type: 'submit', class: 'secondary', 'data-action': 'set-target' }, t('target.save')),
    error,
  );
}

function trendSection(context: ViewContext, a: AnalyteSummary, view?: DiaryView): HTMLElement {
  const { t } = context;
  const target = view?.hba1cTarget;
  const { analyte } = a.series;
  const name = t(`analyte.${analyte.id}`);
  const titleId = `${analyte.id}-title`;
  if (a.series.points.length === 0) {
    return h(
      'section',
      { 'aria-labelledby': titleId, class: 'trend' },
      h('h2', { id: titleId }, t('chart.title', { name })),
      h('p', {}, t('chart.empty', { name })),
    );
  }
  const holder = h('div', { class: 'chart-holder', 'data-testid': `${analyte.id}-chart` });
  mountChart(holder, (width) => chartSvg(context, a.series, { width, ...(target === undefined ? {} : { target }) }));
  return h(
    'section',
    { 'aria-labelledby': titleId, class: 'trend' },
    h('h2', { id: titleId }, t('chart.title', { name })),
    view ? targetForm(context, view) : null,
    h(
      'figure',
      {},
      holder,
      target === undefined
        ? null
        : h(
            'figcaption',
            {},
            h('span', { class: 'swatch target', 'aria-hidden': 'true' }),
            t('chart.target', { target: formatValue(a.series.analyte, target) }),
          ),
      a.series.referenceRange
        ? h(
            'figcaption',
            {},
            h('span', { class: 'swatch', 'aria-hidden': 'true' }),
            t('chart.legend', { range: formatRange(a.series.analyte, a.series.referenceRange) }),
          )
        : null,
    ),
    a.series.skipped > 0 ? h('p', { class: 'hint' }, t('chart.skipped', { count: a.series.skipped })) : null,
    h(
      'div',
      { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': `${analyte.id}-caption` },
      withCaptionId(resultsTable(context, a.series, target), `${analyte.id}-caption`),
    ),
  );
}

function withCaptionId(table: HTMLTableElement, id: string): HTMLTableElement {
  table.caption?.setAttribute('id', id);
  return table;
}

function medicationSection(context: ViewContext, summary: DoctorSummary): HTMLElement {
  const { t, locale } = context;
  const meds = summary.medications;
  const columns: [MessageKey, string | undefined][] = [
    ['meds.drug', undefined],
    ['meds.strength', undefined],
    ['meds.daily', undefined],
    ['meds.days', 'num'],
    ['meds.last', undefined],
    ['meds.status', undefined],
  ];
  return h(
    'section',
    { 'aria-labelledby': 'meds-title', class: 'meds' },
    h('h2', { id: 'meds-title' }, t('meds.title')),
    h(
      'p',
      {},
      t('meds.lead', {
        from: formatDate(locale, addDays(summary.asOf, -(RECENT_DAYS - 1))),
        to: formatDate(locale, summary.asOf),
      }),
    ),
    meds.length === 0
      ? h('p', { class: 'empty' }, t('meds.empty'))
      : h(
          'div',
          { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'meds-caption' },
          h(
            'table',
            { class: 'medications', role: 'table' },
            h('caption', { id: 'meds-caption' }, t('meds.caption')),
            h(
              'thead',
              { role: 'rowgroup' },
              h(
                'tr',
                { role: 'row' },
                columns.map(([key, className]) =>
                  h('th', { scope: 'col', role: 'columnheader', class: className }, t(key)),
                ),
              ),
            ),
            h(
              'tbody',
              { role: 'rowgroup' },
              meds.map((m) => {
                const cell = (key: MessageKey, text: string, className?: string) =>
                  h('td', { role: 'cell', 'data-label': t(key), class: className }, text);
                return h(
                  'tr',
                  { role: 'row', 'data-code': m.code, class: m.current ? 'current' : 'ended' },
                  h('th', { scope: 'row', role: 'rowheader' }, m.name),
                  cell('meds.strength', m.strength ? formatStrength(locale, m.strength) : t('meds.unknown')),
                  cell('meds.daily', dailyText(context, m)),
                  cell(
                    'meds.days',
                    m.days === undefined ? t('meds.unknown') : t('meds.daysValue', { days: m.days }),
                    'num',
                  ),
                  cell('meds.last', formatDate(locale, m.lastPrescribed)),
                  cell('meds.status', statusText(context, m)),
                );
              }),
            ),
          ),
        ),
  );
}

function manageSection({ t }: ViewContext, view: DiaryView): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'manage-title', class: 'manage screen-only' },
    h('h2', { id: 'manage-title' }, t('manage.title')),
    h('p', {}, t('manage.lead')),
    view.error ? h('p', { class: 'error', role: 'alert' }, t(view.error.key, view.error.params)) : null,
    view.confirming
      ? h(
          'div',
          {
            class: 'confirm',
            role: 'group',
            'aria-labelledby': 'confirm-text',
            tabindex: -1,
            'data-autofocus': view.focus === 'confirm',
          },
          h('p', { id: 'confirm-text' }, t('manage.confirmText')),
          h(
            'div',
            { class: 'actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                'data-action': 'confirm-disconnect',
                disabled: view.working === true,
                onclick: view.onConfirm,
              },
              view.working ? t('manage.working') : t('manage.confirm'),
            ),
            h(
              'button',
              { type: 'button', class: 'secondary', disabled: view.working === true, onclick: view.onCancel },
              t('manage.cancel'),
            ),
          ),
        )
      : h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', class: 'secondary', 'data-action': 'reimport', onclick: view.onReimport },
            t('manage.reimport'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'data-action': 'disconnect',
              'data-autofocus': view.focus === 'disconnect',
              onclick: view.onDisconnect,
            },
            t('manage.disconnect'),
          ),
        ),
  );
}

export function diaryScreen(context: ViewContext, view: DiaryView): Child[] {
  const { t, locale } = context;
  const { stored, summary } = view;
  const { from, to } = stored.period;
  return [
    h(
      'div',
      { class: 'screen-only' },
      h('h1', { tabindex: -1 }, t('diary.title')),
      h(
        'p',
        { class: 'meta', 'data-period-from': from ?? '', 'data-period-to': to ?? '' },
        from || to
          ? t('diary.period', {
              from: from ? formatDate(locale, from) : '…',
              to: to ? formatDate(locale, to) : formatDate(locale, summary.asOf),
            })
          : t('diary.periodAll'),
        h('br'),
        t('diary.counts', { lab: stored.counts.lab ?? 0, outpatient: stored.counts.outpatient ?? 0 }),
        h('br'),
        t('diary.imported', { date: formatDate(locale, stored.importedAt) }),
      ),
      h(
        'div',
        { class: 'cards' },
        headline(context, t('diary.latestHba1c'), summary.hba1c, 'latest-hba1c'),
        headline(context, t('diary.latestGlucose'), summary.fastingGlucose, 'latest-glucose'),
      ),
      trendSection(context, summary.hba1c, view),
      trendSection(context, summary.fastingGlucose),
      medicationSection(context, summary),
    ),
    summarySheet(context, summary),
    manageSection(context, view),
    testFilesSection(context, view),
  ];
}
