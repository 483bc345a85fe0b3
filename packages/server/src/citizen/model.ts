/**
 * The portal's rules, pure: a consent's status as a citizen reads it, the history filter, page
 * numbers, and the lab trends drawn from records. No I/O here; `repository.ts` reads, `pages/`
 * renders.
 */
import { type AdultPreventiveRecord, isIsoDate, type LabRecord } from '@healthbank/records';
import type { Consent } from '../consent/model.js';
import { taiwanDateOf } from '../pages/dates.js';
import { MAX_PAGE } from './limits.js';

/** What the citizen sees: revoked wins over expired (it is the citizen's own act). */
export type ConsentStatus = 'active' | 'expired' | 'revoked';

/**
 * @example
 * ```ts
 * consentStatus(consent, Date.now()); // 'active' | 'expired' | 'revoked'
 * ```
 */
export function consentStatus(consent: Pick<Consent, 'status' | 'expiresAt'>, nowMs: number): ConsentStatus {
  if (consent.status === 'revoked') return 'revoked';
  return nowMs < consent.expiresAt ? 'active' : 'expired';
}

/** The history page's filter (a GET form): one app, and Taiwan calendar dates, each optional. */
export interface HistoryFilter {
  app?: string;
  from?: string;
  to?: string;
}

export type HistoryFilterError = 'app' | 'from' | 'to' | 'order';

const CLIENT_ID = /^[a-z0-9][a-z0-9_-]{2,63}$/;

/**
 * Reads the filter from a query; empty fields mean "any". Returns what it could read and every
 * problem, so the page can show both.
 *
 * @example
 * ```ts
 * parseHistoryFilter({ app: 'diabetes-diary', from: '2025-01-01', to: '' });
 * // { filter: { app: 'diabetes-diary', from: '2025-01-01' }, errors: [] }
 * ```
 */
export function parseHistoryFilter(query: Record<string, unknown>): {
  filter: HistoryFilter;
  errors: HistoryFilterError[];
} {
  const filter: HistoryFilter = {};
  const errors: HistoryFilterError[] = [];
  const text = (name: string) => {
    const value = query[name];
    return typeof value === 'string' ? value.trim() : value === undefined ? '' : undefined;
  };
  const app = text('app');
  if (app === undefined || (app !== '' && !CLIENT_ID.test(app))) errors.push('app');
  else if (app) filter.app = app;
  for (const name of ['from', 'to'] as const) {
    const value = text(name);
    if (value === undefined || (value !== '' && !isIsoDate(value))) errors.push(name);
    else if (value) filter[name] = value;
  }
  if (filter.from && filter.to && filter.from > filter.to) errors.push('order');
  return { filter, errors };
}

/** Whether an instant falls inside the filter's Taiwan calendar dates. */
function inDates(ms: number, filter: HistoryFilter): boolean {
  const date = taiwanDateOf(ms);
  return !((filter.from && date < filter.from) || (filter.to && date > filter.to));
}

/**
 * What the filter keeps of a history list (exports, consents, deletion requests): by app, and by
 * the Taiwan calendar day each was made.
 *
 * @example
 * ```ts
 * filterHistory(await listExports(db, citizenId), { app: 'diabetes-diary', from: '2025-01-01' });
 * ```
 */
export function filterHistory<T extends { clientId: string; createdAt: number }>(
  items: readonly T[],
  filter: HistoryFilter,
): T[] {
  return items.filter((i) => (!filter.app || i.clientId === filter.app) && inDates(i.createdAt, filter));
}

/** A page number from a query value: 1 when absent, undefined when it is not a page. */
export function parsePage(value: unknown): number | undefined {
  if (value === undefined || value === '') return 1;
  if (typeof value !== 'string' || !/^[1-9]\d{0,3}$/.test(value)) return undefined;
  const page = Number(value);
  return page <= MAX_PAGE ? page : undefined;
}

/** The trends the portal charts (SPEC §4.2: HbA1c, glucose, lipids, eGFR, blood pressure). */
export const TRENDS = ['hba1c', 'glucose', 'lipids', 'egfr', 'bloodPressure'] as const;
export type TrendId = (typeof TRENDS)[number];

/** The series of each trend: lab results by LOINC, and the adult preventive check's measurements. */
export const TREND_SERIES = {
  hba1c: [{ key: 'hba1c', loinc: '4548-4' }],
  glucose: [{ key: 'fastingGlucose', loinc: '1558-6', preventive: 'fastingGlucose' }],
  lipids: [
    { key: 'ldl', loinc: '2089-1', preventive: 'ldl' },
    { key: 'totalCholesterol', loinc: '2093-3', preventive: 'totalCholesterol' },
    { key: 'hdl', loinc: '2085-9', preventive: 'hdl' },
    { key: 'triglycerides', loinc: '2571-8', preventive: 'triglycerides' },
  ],
  egfr: [{ key: 'egfr', loinc: '33914-3', preventive: 'egfr' }],
  bloodPressure: [
    { key: 'systolic', preventive: 'systolic' },
    { key: 'diastolic', preventive: 'diastolic' },
  ],
} as const satisfies Record<
  TrendId,
  readonly { key: string; loinc?: string; preventive?: keyof AdultPreventiveRecord['measurements'] }[]
>;

export type SeriesKey = (typeof TREND_SERIES)[TrendId][number]['key'];

/** One measured value, with where it came from. */
export interface TrendPoint {
  date: string;
  value: number;
  text: string;
  institution: string;
  source: 'lab' | 'adult_preventive';
  interpretation?: LabRecord['interpretation'];
}

export interface Trend {
  id: TrendId;
  unit: string;
  /** The reference range of the first series, for the chart's band. */
  band?: { low?: number; high?: number };
  series: { key: SeriesKey; points: TrendPoint[] }[];
}

/**
 * The trends in a citizen's lab results and adult preventive checks, each series oldest first;
 * trends without a single value are left out.
 *
 * @example
 * ```ts
 * const [hba1c] = trendsOf(labRecords, preventiveRecords);
 * hba1c?.series[0]?.points.at(-1)?.value; // the latest HbA1c
 * ```
 */
export function trendsOf(labs: readonly LabRecord[], preventive: readonly AdultPreventiveRecord[]): Trend[] {
  const byLoinc = new Map<string, LabRecord[]>();
  for (const r of labs) {
    if (!r.quantity) continue;
    const list = byLoinc.get(r.loinc);
    if (list) list.push(r);
    else byLoinc.set(r.loinc, [r]);
  }
  const trends: Trend[] = [];
  for (const id of TRENDS) {
    let unit = '';
    let band: Trend['band'];
    const series = TREND_SERIES[id].map((spec) => {
      const points: TrendPoint[] = [];
      const loinc = 'loinc' in spec ? spec.loinc : undefined;
      for (const r of loinc ? (byLoinc.get(loinc) ?? []) : []) {
        if (!r.quantity) continue;
        unit ||= r.quantity.unit;
        if (!band && r.referenceRange && (r.referenceRange.low !== undefined || r.referenceRange.high !== undefined)) {
          band = { low: r.referenceRange.low, high: r.referenceRange.high };
        }
        const point: TrendPoint = {
          date: r.date,
          value: r.quantity.value,
          text: r.value,
          institution: r.institution.name,
          source: 'lab',
        };
        if (r.interpretation) point.interpretation = r.interpretation;
        points.push(point);
      }
      const measurement = 'preventive' in spec ? spec.preventive : undefined;
      if (measurement) {
        for (const r of preventive) {
          const q = r.measurements[measurement];
          unit ||= q.unit;
          points.push({
            date: r.date,
            value: q.value,
            text: String(q.value),
            institution: r.institution.name,
            source: 'adult_preventive',
          });
        }
      }
      points.sort((a, b) => a.date.localeCompare(b.date));
      return { key: spec.key, points };
    });
    if (series.some((s) => s.points.length > 0)) {
      const trend: Trend = { id, unit, series: series.filter((s) => s.points.length > 0) };
      if (band && id !== 'lipids') trend.band = band;
      trends.push(trend);
    }
  }
  return trends;
}
