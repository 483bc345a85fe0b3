/**
 * The current medication list, derived from recent prescriptions: every drug ordered at an
 * outpatient visit in the last 90 days, one line per drug (its NHI drug code names one product
 * and strength), from its latest prescription.
 */
import { addDays, daysBetween } from './dates.js';
import type { Visit } from './types.js';

/** How far back a prescription counts as recent: a chronic refill (連續處方箋) covers up to 90 days. */
export const RECENT_DAYS = 90;

export interface Medication {
  /** NHI drug code (10 characters). */
  code: string;
  name: string;
  /** The strength as printed in the drug's name, e.g. `500 毫克`; absent when the name has none. */
  strength?: string;
  /** Units (tablets, capsules…) per day in the latest prescription: quantity ÷ days. */
  dailyUnits?: number;
  /** Total quantity of the latest prescription. */
  quantity: number;
  /** Days supplied by the latest prescription. */
  days?: number;
  atc?: string;
  /** Date of the latest prescription. */
  lastPrescribed: string;
  /** The last day the latest prescription lasts (inclusive), when its days are known. */
  suppliedUntil?: string;
  /** True while the latest prescription still lasts on `asOf`. */
  current: boolean;
  /** Prescriptions of this drug in the window. */
  prescriptions: number;
  /** Where it was last prescribed. */
  institution: string;
}

const STRENGTH = /(\d+(?:\.\d+)?)\s*(毫克|微克|公克|毫升|單位|mg|mcg|µg|g|ml|mL|IU|U)(?![a-zA-Z])/;

/** The strength printed in a drug's name (`Sitagliptin 100毫克膜衣錠` → `100 毫克`). */
export function strengthOf(name: string): string | undefined {
  const match = STRENGTH.exec(name);
  return match ? `${match[1]} ${match[2]}` : undefined;
}

/**
 * The drugs prescribed at visits within `RECENT_DAYS` up to `asOf` (inclusive), most recently
 * prescribed first; drugs still lasting on `asOf` before those whose supply has run out.
 *
 * @example
 * currentMedications(records.outpatient ?? [], '2025-06-30')[0]; // { name: 'Sitagliptin 100毫克膜衣錠', dailyUnits: 1, … }
 */
export function currentMedications(visits: readonly Visit[], asOf: string, windowDays = RECENT_DAYS): Medication[] {
  const since = addDays(asOf, -(windowDays - 1));
  const byCode = new Map<string, Medication>();
  const recent = visits
    .filter((v) => v.date >= since && v.date <= asOf)
    .sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1));
  for (const visit of recent) {
    for (const order of visit.orders) {
      if (order.kind !== 'drug') continue;
      const seen = byCode.get(order.code);
      const line: Medication = {
        code: order.code,
        name: order.name,
        quantity: order.quantity,
        lastPrescribed: visit.date,
        current: false,
        prescriptions: (seen?.prescriptions ?? 0) + 1,
        institution: visit.institution.name,
      };
      const strength = strengthOf(order.name);
      if (strength) line.strength = strength;
      if (order.atc) line.atc = order.atc;
      if (order.days !== undefined && order.days > 0) {
        line.days = order.days;
        line.dailyUnits = Math.round((order.quantity / order.days) * 100) / 100;
        line.suppliedUntil = addDays(visit.date, order.days - 1);
        line.current = daysBetween(asOf, line.suppliedUntil) >= 0;
      }
      // Visits are in date order, so the latest prescription wins.
      byCode.set(order.code, line);
    }
  }
  return [...byCode.values()].sort((a, b) => {
    if (a.current !== b.current) return a.current ? -1 : 1;
    if (a.lastPrescribed !== b.lastPrescribed) return a.lastPrescribed < b.lastPrescribed ? 1 : -1;
    return a.name.localeCompare(b.name);
  });
}
