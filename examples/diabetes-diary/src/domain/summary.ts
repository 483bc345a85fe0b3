/**
 * The one-page summary A小姐 prints for her doctor: latest HbA1c and its trend, latest fasting
 * glucose, the current medication list, and how many visits the imported period holds.
 */
import { addDays } from './dates.js';
import { currentMedications, type Medication } from './medications.js';
import { ANALYTES, extractSeries, type Measurement, type Series, type Trend, trendOf } from './series.js';
import type { DiaryRecords, Period } from './types.js';

/** How many of the latest results the printed summary lists under each test. */
export const RECENT_RESULTS = 4;

export interface AnalyteSummary {
  series: Series;
  trend: Trend;
  /** The latest `RECENT_RESULTS` results, newest first. */
  recent: Measurement[];
}

export interface VisitSummary {
  /** Outpatient and emergency visits in the imported period. */
  total: number;
  /** Of which in the twelve months up to `asOf`. */
  lastTwelveMonths: number;
  emergencies: number;
  /** Institutions visited in the twelve months up to `asOf`, most visits first. */
  institutions: { name: string; visits: number }[];
  lastVisit?: string;
}

export interface DoctorSummary {
  asOf: string;
  period: Period;
  hba1c: AnalyteSummary;
  fastingGlucose: AnalyteSummary;
  medications: Medication[];
  visits: VisitSummary;
}

function analyteSummary(series: Series): AnalyteSummary {
  return { series, trend: trendOf(series), recent: series.points.slice(-RECENT_RESULTS).reverse() };
}

function visitSummary(records: DiaryRecords, asOf: string): VisitSummary {
  const visits = (records.outpatient ?? []).filter((v) => v.date <= asOf);
  const yearStart = addDays(asOf, -364);
  const lastYear = visits.filter((v) => v.date >= yearStart);
  const counts = new Map<string, number>();
  for (const v of lastYear) counts.set(v.institution.name, (counts.get(v.institution.name) ?? 0) + 1);
  const summary: VisitSummary = {
    total: visits.length,
    lastTwelveMonths: lastYear.length,
    emergencies: visits.filter((v) => v.visitType === 'emergency').length,
    institutions: [...counts]
      .map(([name, n]) => ({ name, visits: n }))
      .sort((a, b) => b.visits - a.visits || a.name.localeCompare(b.name)),
  };
  const last = visits.reduce<string | undefined>(
    (max, v) => (max === undefined || v.date > max ? v.date : max),
    undefined,
  );
  if (last) summary.lastVisit = last;
  return summary;
}

/**
 * Everything the diary shows and the printed summary holds, computed from the imported records
 * as of `asOf` (her today, `YYYY-MM-DD`).
 *
 * @example
 * const summary = doctorSummary(stored.records, stored.period, taiwanToday(Date.now()));
 * summary.hba1c.trend.latest?.value; // 7.5
 */
export function doctorSummary(records: DiaryRecords, period: Period, asOf: string): DoctorSummary {
  const labs = records.lab ?? [];
  return {
    asOf,
    period,
    hba1c: analyteSummary(extractSeries(labs, ANALYTES.hba1c)),
    fastingGlucose: analyteSummary(extractSeries(labs, ANALYTES.fasting_glucose)),
    medications: currentMedications(records.outpatient ?? [], asOf),
    visits: visitSummary(records, asOf),
  };
}
