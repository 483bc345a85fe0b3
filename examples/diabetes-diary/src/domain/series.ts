/**
 * Lab series for the diary's charts: HbA1c and fasting glucose over time, each point with the
 * reference range its laboratory reported.
 */
import { addDays, daysBetween } from './dates.js';
import type { LabResult } from './types.js';

export const ANALYTE_IDS = ['hba1c', 'fasting_glucose'] as const;
export type AnalyteId = (typeof ANALYTE_IDS)[number];

export interface Analyte {
  id: AnalyteId;
  /** NHI payment code of the test. */
  orderCode: string;
  /** LOINC code of the analyte. */
  loinc: string;
  /** The unit the chart draws in (UCUM). */
  unit: string;
  /**
   * The smallest change reported as a rise or fall rather than "steady": about the analytical and
   * biological variation of the test between two visits (HbA1c ~0.3 percentage points, fasting
   * glucose ~10 mg/dL), so noise is not shown to her as a trend.
   */
  steadyWithin: number;
}

export const ANALYTES: Record<AnalyteId, Analyte> = {
  hba1c: { id: 'hba1c', orderCode: '09006C', loinc: '4548-4', unit: '%', steadyWithin: 0.3 },
  fasting_glucose: { id: 'fasting_glucose', orderCode: '09005C', loinc: '1558-6', unit: 'mg/dL', steadyWithin: 10 },
};

export interface Measurement {
  /** The lab record's id. */
  id: string;
  date: string;
  value: number;
  /** As reported, e.g. `7.5`. */
  text: string;
  low?: number;
  high?: number;
  interpretation?: LabResult['interpretation'];
  institution?: string;
}

export interface Series {
  analyte: Analyte;
  /** Oldest first; results on the same day keep the order of their record ids. */
  points: Measurement[];
  /** The reference range of the latest result that reports one. */
  referenceRange?: { low?: number; high?: number };
  /** Results of this test that could not be plotted (not numeric, or in another unit). */
  skipped: number;
}

/** True when the lab result is this analyte: by its NHI order code or by its LOINC code. */
export function isAnalyte(lab: LabResult, analyte: Analyte): boolean {
  return lab.order.code === analyte.orderCode || lab.loinc === analyte.loinc;
}

const NUMERIC = /^\s*\d+(?:\.\d+)?\s*$/;

function numericValue(lab: LabResult, unit: string): number | undefined {
  if (lab.quantity) {
    return lab.quantity.unit.toLowerCase() === unit.toLowerCase() ? lab.quantity.value : undefined;
  }
  // Without a parsed quantity the reported text is trusted only when it is a bare number.
  return NUMERIC.test(lab.value) ? Number(lab.value) : undefined;
}

/**
 * The analyte's results as a series, oldest first.
 *
 * @example
 * const hba1c = extractSeries(records.lab ?? [], ANALYTES.hba1c);
 * hba1c.points.at(-1)?.value; // 7.5
 */
export function extractSeries(labs: readonly LabResult[], analyte: Analyte): Series {
  const points: Measurement[] = [];
  let skipped = 0;
  for (const lab of labs) {
    if (!isAnalyte(lab, analyte)) continue;
    const value = numericValue(lab, analyte.unit);
    if (value === undefined || !Number.isFinite(value)) {
      skipped++;
      continue;
    }
    const point: Measurement = { id: lab.id, date: lab.date, value, text: lab.value.trim() };
    if (lab.referenceRange?.low !== undefined) point.low = lab.referenceRange.low;
    if (lab.referenceRange?.high !== undefined) point.high = lab.referenceRange.high;
    if (lab.interpretation) point.interpretation = lab.interpretation;
    if (lab.institution) point.institution = lab.institution.name;
    points.push(point);
  }
  points.sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.date < b.date ? -1 : 1));
  const series: Series = { analyte, points, skipped };
  const ranged = points.findLast((p) => p.low !== undefined || p.high !== undefined);
  if (ranged) {
    series.referenceRange = {};
    if (ranged.low !== undefined) series.referenceRange.low = ranged.low;
    if (ranged.high !== undefined) series.referenceRange.high = ranged.high;
  }
  return series;
}

/** Where a value lies against its own reference range. */
export function rangeStatus(
  point: Pick<Measurement, 'value' | 'low' | 'high'>,
): 'low' | 'high' | 'in_range' | 'unknown' {
  if (point.low === undefined && point.high === undefined) return 'unknown';
  if (point.high !== undefined && point.value > point.high) return 'high';
  if (point.low !== undefined && point.value < point.low) return 'low';
  return 'in_range';
}

/**
 * The HbA1c target most adults with diabetes agree with their doctor: below 7% (ADA Standards of
 * Care 2025, §6; the Diabetes Association of the R.O.C. guideline alike). Hers may differ: she can
 * set her own, which the diary then colours against instead of the non-diabetic reference range.
 */
export const DEFAULT_HBA1C_TARGET = 7;
/** The targets the diary accepts (%): anything outside is a typing slip. */
export const HBA1C_TARGET_LIMITS = { min: 5, max: 10 } as const;

/** Whether a value meets a "below this" target. */
export function targetStatus(value: number, target: number): 'at_target' | 'above_target' {
  return value < target ? 'at_target' : 'above_target';
}

export type Direction = 'up' | 'down' | 'steady';

export interface Change {
  from: Measurement;
  to: Measurement;
  /** `to.value - from.value`, rounded to the analyte's reporting precision. */
  delta: number;
  direction: Direction;
}

export interface Trend {
  latest?: Measurement;
  /** Against the measurement before the latest. */
  sincePrevious?: Change;
  /**
   * Against the measurement closest to one year before the latest (within three months of that
   * day): the comparison a doctor makes at an annual review.
   */
  sinceYearAgo?: Change;
}

/** How far from "one year before" a measurement may lie and still count as a year ago. */
const YEAR_AGO_TOLERANCE_DAYS = 92;

function change(analyte: Analyte, from: Measurement, to: Measurement): Change {
  const delta = Math.round((to.value - from.value) * 100) / 100;
  const direction: Direction = Math.abs(delta) < analyte.steadyWithin ? 'steady' : delta > 0 ? 'up' : 'down';
  return { from, to, delta, direction };
}

/** The latest value and how it moved, for the diary's headline and the doctor's summary. */
export function trendOf(series: Series): Trend {
  const { points, analyte } = series;
  const latest = points.at(-1);
  if (!latest) return {};
  const trend: Trend = { latest };
  const previous = points.at(-2);
  if (previous) trend.sincePrevious = change(analyte, previous, latest);
  const target = addDays(latest.date, -365);
  let best: Measurement | undefined;
  for (const p of points) {
    if (p === latest) continue;
    const distance = Math.abs(daysBetween(p.date, target));
    if (distance > YEAR_AGO_TOLERANCE_DAYS) continue;
    if (!best || distance < Math.abs(daysBetween(best.date, target))) best = p;
  }
  if (best) trend.sinceYearAgo = change(analyte, best, latest);
  return trend;
}
