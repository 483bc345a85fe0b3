/**
 * The week as places of care keep it: most clinics close on Sundays and many on Saturday
 * afternoons, hospital outpatient departments see patients from Monday to Friday and on some
 * Saturday mornings, health stations keep office hours, community pharmacies open six days and
 * some on Sundays. Emergency departments never close, so emergency visits keep their day.
 *
 * A visit planned for a day its place does not open moves to the nearest day it does, as often
 * earlier as later (an appointment booked, an illness seen the day before or after); a visit that
 * cannot come earlier (a pharmacy refill, a return visit) moves only later. Either way it stays
 * within the history.
 */
import { weekdayOf } from './days.js';
import type { Facility, InstitutionLevel } from './institutions.js';
import type { Rng } from './rng.js';

/**
 * Chance that a visit planned for a weekday (Sunday first) finds its kind of place open. Saturday
 * values below one stand for the afternoons a clinic is shut; Sunday values for the few that open.
 */
const OPEN: Readonly<Record<InstitutionLevel, readonly number[]>> = {
  clinic: [0.06, 1, 1, 1, 1, 1, 0.62],
  dental_clinic: [0.1, 1, 1, 1, 1, 1, 0.7],
  tcm_clinic: [0.06, 1, 1, 1, 1, 1, 0.62],
  health_station: [0, 1, 1, 1, 1, 1, 0],
  district_hospital: [0, 1, 1, 1, 1, 1, 0.4],
  regional_hospital: [0, 1, 1, 1, 1, 1, 0.3],
  medical_center: [0, 1, 1, 1, 1, 1, 0.25],
  pharmacy: [0.3, 1, 1, 1, 1, 1, 0.9],
};

function isOpen(open: readonly number[], day: number, rng: Rng): boolean {
  const p = open[weekdayOf(day)] as number;
  return p >= 1 || (p > 0 && rng.chance(p));
}

/**
 * The day a visit planned for `day` at `facility` happens. A day past `end` comes back unchanged
 * (the caller stops there), as does a `later` visit pushed past it; otherwise the result stays
 * within [start, end].
 */
export function openDay(
  facility: Facility,
  day: number,
  bounds: { readonly start: number; readonly end: number },
  rng: Rng,
  direction: 'nearest' | 'later' = 'nearest',
): number {
  if (day > bounds.end) return day;
  const open = OPEN[facility.level];
  if (isOpen(open, day, rng)) return day;
  const step = direction === 'later' || rng.chance(0.5) ? 1 : -1;
  let d = day + step;
  for (let i = 0; i < 6 && !isOpen(open, d, rng); i++) d += step;
  // A visit that can only come later may fall past the end: the caller drops it.
  if (direction === 'later' || (d >= bounds.start && d <= bounds.end)) return d;
  // Off either end of the history: the nearest full working day inside it instead.
  for (d = Math.min(Math.max(day, bounds.start), bounds.end); d > bounds.start && open[weekdayOf(d)] !== 1; ) d--;
  return d;
}
