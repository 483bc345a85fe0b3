/**
 * A trend chart drawn as SVG, with the same numbers as a table: the chart is an image with a
 * spoken summary (role="img"), the table is what a screen reader or a careful reader uses.
 * The SVG is laid out at the container's CSS width, so its text stays at reading size when the
 * page is zoomed or the screen is narrow.
 */
import { layoutChart } from '../domain/chart-layout.js';
import { rangeStatus, type Series, targetStatus } from '../domain/series.js';
import { h, s } from './dom.js';
import { formatDate, formatRange, formatValue } from './format.js';
import type { Locale, Translate } from './messages.js';

export interface ChartContext {
  t: Translate;
  locale: Locale;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function tickLabel(locale: Locale, date: string, kind: 'year' | 'month'): string {
  const [y, m] = date.split('-');
  if (kind === 'year') return String(y);
  return locale === 'zh-TW' ? `${y}/${m}` : `${MONTHS_EN[Number(m) - 1]} ${y}`;
}

/** The sentence a screen reader hears for the chart. */
export function chartSummary({ t, locale }: ChartContext, series: Series): string {
  const { points, analyte } = series;
  const first = points[0];
  const latest = points.at(-1);
  const name = t(`analyte.${analyte.id}`);
  if (!first || !latest) return t('chart.empty', { name });
  const values = points.map((p) => p.value);
  const range = formatRange(analyte, series.referenceRange);
  return t('chart.summary', {
    name,
    from: formatDate(locale, first.date),
    to: formatDate(locale, latest.date),
    count: points.length,
    latest: formatValue(analyte, latest.text),
    latestDate: formatDate(locale, latest.date),
    max: formatValue(analyte, Math.max(...values)),
    min: formatValue(analyte, Math.min(...values)),
    range: range ? t('chart.rangeSummary', { range }) : '',
  }).trim();
}

/** The chart as an SVG element `width` CSS pixels wide. */
export function chartSvg(
  context: ChartContext,
  series: Series,
  { width, compact = false, target }: { width: number; compact?: boolean; target?: number },
): SVGSVGElement {
  const fontSize = compact ? 13 : 16;
  const height = compact ? 190 : Math.round(Math.min(340, Math.max(240, width * 0.5)));
  const margin = { top: fontSize * 2, right: fontSize * 3, bottom: fontSize * 2.6, left: fontSize * 3.4 };
  const layout = layoutChart(series.points, {
    width,
    height,
    margin,
    ...(series.referenceRange ? { band: series.referenceRange } : {}),
    ...(target === undefined ? {} : { target }),
  });
  const { plot } = layout;
  const unit = series.analyte.unit;

  // Keep date labels apart: at most one per ~4.5 characters of space.
  const minGap = fontSize * 4.5;
  let lastX = Number.NEGATIVE_INFINITY;
  const xTicks = layout.xTicks.filter((tick) => {
    if (tick.x - lastX < minGap) return false;
    lastX = tick.x;
    return true;
  });
  const latest = layout.points.at(-1);

  return s(
    'svg',
    {
      class: compact ? 'chart compact' : 'chart',
      role: 'img',
      'aria-label': chartSummary(context, series),
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      'font-size': fontSize,
      'data-analyte': series.analyte.id,
    },
    layout.band
      ? s('rect', {
          class: 'band',
          x: plot.left,
          y: layout.band.top,
          width: plot.right - plot.left,
          height: layout.band.bottom - layout.band.top,
        })
      : null,
    layout.yTicks.map((tick) => [
      s('line', { class: 'grid', x1: plot.left, x2: plot.right, y1: tick.y, y2: tick.y }),
      s(
        'text',
        { class: 'tick', x: plot.left - 8, y: tick.y, 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        tick.value,
      ),
    ]),
    // At the left edge, reading rightwards: anchored at the axis it was clipped on a 390 px phone.
    s('text', { class: 'unit', x: 2, y: fontSize, 'text-anchor': 'start' }, unit),
    layout.targetY === undefined
      ? null
      : s('line', { class: 'target', x1: plot.left, x2: plot.right, y1: layout.targetY, y2: layout.targetY }),
    s('line', { class: 'axis', x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom }),
    xTicks.map((tick) => [
      s('line', { class: 'axis', x1: tick.x, x2: tick.x, y1: plot.bottom, y2: plot.bottom + 6 }),
      s(
        'text',
        { class: 'tick', x: tick.x, y: plot.bottom + fontSize * 1.4, 'text-anchor': 'middle' },
        tickLabel(context.locale, tick.date, tick.kind),
      ),
    ]),
    s('path', { class: 'line', d: layout.path, fill: 'none' }),
    layout.points.map((p, i) => {
      const m = series.points[i];
      return s('circle', {
        class: `point ${m ? (target === undefined ? rangeStatus(m) : targetStatus(m.value, target)) : ''}`,
        cx: p.x,
        cy: p.y,
        r: compact ? 3.5 : 5,
        'data-date': p.date,
        'data-value': p.value,
      });
    }),
    latest
      ? s(
          'text',
          // In the right margin, beside the last point, clear of the line.
          { class: 'latest', x: latest.x + 9, y: latest.y, 'dominant-baseline': 'middle' },
          series.points.at(-1)?.text ?? '',
        )
      : null,
  );
}

/** The results as a table, newest first. */
export function resultsTable({ t, locale }: ChartContext, series: Series, target?: number): HTMLTableElement {
  const name = t(`analyte.${series.analyte.id}`);
  return h(
    'table',
    { class: 'results', 'data-analyte': series.analyte.id },
    h('caption', {}, t('table.caption', { name })),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('table.date')),
        h('th', { scope: 'col', class: 'num' }, t('table.result')),
        h('th', { scope: 'col' }, t('table.range')),
        h('th', { scope: 'col' }, t('table.status')),
        h('th', { scope: 'col' }, t('table.institution')),
      ),
    ),
    h(
      'tbody',
      {},
      [...series.points].reverse().map((p) => {
        const status = target === undefined ? rangeStatus(p) : targetStatus(p.value, target);
        return h(
          'tr',
          { 'data-date': p.date, 'data-value': p.value },
          h('td', {}, formatDate(locale, p.date)),
          h('td', { class: 'num' }, formatValue(series.analyte, p.text)),
          h('td', {}, formatRange(series.analyte, { low: p.low, high: p.high }) || '—'),
          h(
            'td',
            { class: `status ${status}` },
            t(`status.${status}`, { target: target === undefined ? '' : formatValue(series.analyte, target) }),
          ),
          h('td', {}, p.institution ?? '—'),
        );
      }),
    ),
  );
}

/**
 * Puts the chart in `container` and redraws it when the container's width changes (zoom, rotation,
 * window size), so text never shrinks below reading size.
 */
export function mountChart(container: HTMLElement, draw: (width: number) => SVGSVGElement): void {
  let drawnWidth = 0;
  const redraw = () => {
    const width = Math.max(280, Math.floor(container.clientWidth));
    if (Math.abs(width - drawnWidth) < 8) return;
    drawnWidth = width;
    container.replaceChildren(draw(width));
  };
  redraw();
  new ResizeObserver(redraw).observe(container);
}
