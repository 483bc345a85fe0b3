/**
 * What the workplace programme counts for each employee, from the records they share (adult
 * preventive check-ups, lab results, cancer screening), using Taiwan's usual thresholds:
 * - **high blood pressure**: the latest check-up in 3 years at ≥ 140 systolic or ≥ 90 diastolic
 *   (Taiwan Society of Cardiology / Taiwan Hypertension Society 2022 keeps 140/90 for screening);
 * - **high HbA1c**: the latest HbA1c (LOINC 4548-4) in 3 years at ≥ 6.5 % (diabetes range);
 * - **high BMI**: the latest check-up BMI ≥ 27 (衛福部國健署's threshold for obesity);
 * - **overdue cancer screening**: aged 50 or more without colorectal screening (FIT) in 2 years,
 *   or a cervical smear on record whose latest is more than 3 years old (NHI's intervals).
 * An employee without the measurement is counted as not flagged: shares are of all participants.
 */
import type { AdultPreventiveRecord, CancerScreeningRecord, LabRecord, RecordsByCategory } from '@healthbank/sdk';

export const MEASURES = ['high_bp', 'high_hba1c', 'high_bmi', 'overdue_screening'] as const;
export type Measure = (typeof MEASURES)[number];
export type Flags = Record<Measure, boolean>;

/** Age bands the employee picks from (the employer knows them anyway). */
export const AGE_BANDS = ['20-29', '30-39', '40-49', '50-59', '60+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

const YEAR_MS = 365.25 * 86_400_000;

const within = (date: string, years: number, asOf: number) => asOf - Date.parse(date) <= years * YEAR_MS;

function latest<T extends { date: string }>(records: readonly T[]): T | undefined {
  return records.reduce<T | undefined>((best, r) => (!best || r.date > best.date ? r : best), undefined);
}

export function flagsOf(records: RecordsByCategory, band: AgeBand, asOf: number): Flags {
  const checkups = ((records.adult_preventive ?? []) as AdultPreventiveRecord[]).filter((r) => within(r.date, 3, asOf));
  const check = latest(checkups);
  const a1c = latest(
    ((records.lab ?? []) as LabRecord[]).filter((r) => r.loinc === '4548-4' && r.quantity && within(r.date, 3, asOf)),
  );
  const screenings = (records.cancer_screening ?? []) as CancerScreeningRecord[];
  const lastOf = (kind: CancerScreeningRecord['kind']) => latest(screenings.filter((r) => r.kind === kind));
  const colorectal = lastOf('colorectal');
  const cervical = lastOf('cervical');
  const fiftyPlus = band === '50-59' || band === '60+';
  return {
    high_bp: !!check && (check.measurements.systolic.value >= 140 || check.measurements.diastolic.value >= 90),
    high_hba1c: !!a1c && (a1c.quantity?.value ?? 0) >= 6.5,
    high_bmi: !!check && check.measurements.bmi.value >= 27,
    overdue_screening:
      (fiftyPlus && !(colorectal && within(colorectal.date, 2, asOf))) ||
      (!!cervical && !within(cervical.date, 3, asOf)),
  };
}
