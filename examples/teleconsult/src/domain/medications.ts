/**
 * What the health educator checks first in an elderly patient's medicines: which are active, and
 * two flags pharmacists look for in Taiwan's 重複用藥 reviews:
 * - **duplicate class**: the same ATC class (level 4, the chemical subgroup, e.g. C09CA angiotensin
 *   II receptor blockers) prescribed by two institutions in overlapping supply periods;
 * - **refill overlap**: the same drug supplied again while more than 7 days of the last supply were
 *   left (the overlap NHI's cloud medication review also uses).
 */
import type { OutpatientRecord } from '@healthbank/sdk';

/** One drug order as a supply period. */
export interface Supply {
  recordId: string;
  code: string;
  name: string;
  atc: string;
  /** ATC level 4: the first five characters. */
  atcClass: string;
  institution: string;
  institutionCode: string;
  /** First and last day covered, inclusive (`YYYY-MM-DD`). */
  start: string;
  end: string;
  days: number;
}

export interface DuplicateClassFlag {
  kind: 'duplicate_class';
  atcClass: string;
  /** The two supplies from different institutions whose periods overlap. */
  first: Supply;
  second: Supply;
  overlapDays: number;
}

export interface RefillOverlapFlag {
  kind: 'refill_overlap';
  code: string;
  first: Supply;
  second: Supply;
  overlapDays: number;
}

export type MedicationFlag = DuplicateClassFlag | RefillOverlapFlag;

const DAY = 86_400_000;
export const REFILL_OVERLAP_DAYS = 7;

export const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY);
const dateOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/** Every drug order with an ATC code and days supplied, as a supply period. */
export function supplies(visits: readonly OutpatientRecord[]): Supply[] {
  const out: Supply[] = [];
  for (const visit of visits) {
    for (const order of visit.orders) {
      if (order.kind !== 'drug' || !order.atc || !order.days) continue;
      const start = dayNumber(visit.date);
      out.push({
        recordId: visit.id,
        code: order.code,
        name: order.name,
        atc: order.atc,
        atcClass: order.atc.slice(0, 5),
        institution: visit.institution.name,
        institutionCode: visit.institution.code,
        start: visit.date,
        end: dateOf(start + order.days - 1),
        days: order.days,
      });
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start) || a.code.localeCompare(b.code));
}

/** Days both periods cover (0 when they do not meet). */
export function overlapDays(a: Supply, b: Supply): number {
  return Math.max(
    0,
    Math.min(dayNumber(a.end), dayNumber(b.end)) - Math.max(dayNumber(a.start), dayNumber(b.start)) + 1,
  );
}

/**
 * The medicines taken lately: per drug and institution, the latest supply, if it lasts to within
 * `recentDays` of `asOf`. Sorted by ATC code, so a class's drugs stand together.
 */
export function activeMedications(all: readonly Supply[], asOf: string, recentDays = 30): Supply[] {
  const latest = new Map<string, Supply>();
  for (const s of all) {
    const key = `${s.code}|${s.institutionCode}`;
    const seen = latest.get(key);
    if (!seen || s.start >= seen.start) latest.set(key, s);
  }
  const from = dayNumber(asOf) - recentDays;
  return [...latest.values()]
    .filter((s) => dayNumber(s.end) >= from && s.start <= asOf)
    .sort((a, b) => a.atc.localeCompare(b.atc) || a.institution.localeCompare(b.institution));
}

/**
 * The flags over the supplies that reach into the window (`since` … `asOf`). One duplicate-class
 * flag per class and pair of institutions, and one refill flag per drug, each the latest occurrence.
 */
export function medicationFlags(all: readonly Supply[], since: string, asOf: string): MedicationFlag[] {
  const recent = all.filter((s) => s.end >= since && s.start <= asOf);
  const duplicates = new Map<string, DuplicateClassFlag>();
  const refills = new Map<string, RefillOverlapFlag>();
  for (let i = 0; i < recent.length; i++) {
    const a = recent[i] as Supply;
    for (let j = i + 1; j < recent.length; j++) {
      const b = recent[j] as Supply;
      const overlap = overlapDays(a, b);
      if (overlap === 0) continue;
      if (a.atcClass === b.atcClass && a.institutionCode !== b.institutionCode) {
        const key = `${a.atcClass}|${[a.institutionCode, b.institutionCode].sort().join('|')}`;
        duplicates.set(key, {
          kind: 'duplicate_class',
          atcClass: a.atcClass,
          first: a,
          second: b,
          overlapDays: overlap,
        });
      }
      if (a.code === b.code && overlap > REFILL_OVERLAP_DAYS) {
        refills.set(a.code, { kind: 'refill_overlap', code: a.code, first: a, second: b, overlapDays: overlap });
      }
    }
  }
  return [...duplicates.values(), ...refills.values()].sort((x, y) => y.second.start.localeCompare(x.second.start));
}
