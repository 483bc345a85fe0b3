/**
 * Lab results as the educator reads them: one series per analyte (LOINC), newest first, each
 * result marked high or low against the laboratory's own reference range.
 */
import type { LabRecord } from '@healthbank/sdk';

export type Mark = 'high' | 'low' | 'normal' | 'abnormal' | undefined;

export interface LabPoint {
  date: string;
  value: number | undefined;
  text: string;
  unit: string;
  mark: Mark;
}

export interface LabSeries {
  loinc: string;
  name: string;
  range: string | undefined;
  /** Oldest first. */
  points: LabPoint[];
  latest: LabPoint;
}

/** The laboratory's interpretation, or the reference range's verdict when it gave none. */
export function markOf(record: LabRecord): Mark {
  if (record.interpretation) return record.interpretation;
  const value = record.quantity?.value;
  const range = record.referenceRange;
  if (value === undefined || !range) return undefined;
  if (range.high !== undefined && value > range.high) return 'high';
  if (range.low !== undefined && value < range.low) return 'low';
  return 'normal';
}

/** Series per analyte, the most recently measured first. */
export function labSeries(labs: readonly LabRecord[]): LabSeries[] {
  const byLoinc = new Map<string, LabRecord[]>();
  for (const r of labs) {
    const list = byLoinc.get(r.loinc) ?? [];
    list.push(r);
    byLoinc.set(r.loinc, list);
  }
  const series: LabSeries[] = [];
  for (const [loinc, records] of byLoinc) {
    records.sort((a, b) => a.date.localeCompare(b.date));
    const points = records.map((r) => ({
      date: r.date,
      value: r.quantity?.value,
      text: r.value,
      unit: r.quantity?.unit ?? '',
      mark: markOf(r),
    }));
    const last = records[records.length - 1] as LabRecord;
    series.push({
      loinc,
      name: last.item,
      range: last.referenceRange?.text,
      points,
      latest: points[points.length - 1] as LabPoint,
    });
  }
  return series.sort((a, b) => b.latest.date.localeCompare(a.latest.date) || a.name.localeCompare(b.name));
}
