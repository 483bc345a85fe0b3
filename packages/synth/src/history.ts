/**
 * A person's whole record history: every care generator run over the profile, each with its own
 * random stream so that one kind of care can change without reshuffling the others.
 */
import type { HealthRecord } from '@healthbank/records';
import { acuteCare } from './care/acute.js';
import { chronicCare } from './care/chronic.js';
import { dentalCare } from './care/dental.js';
import { immunizations } from './care/immunization.js';
import { hospitalStays, type StayKind } from './care/inpatient.js';
import { cancerScreening, preventiveCare } from './care/prevention.js';
import { allergies, careWishes } from './care/registrations.js';
import { tcmCare } from './care/tcm.js';
import { Chart } from './chart.js';
import type { Profile } from './profile.js';
import { Rng } from './rng.js';

export interface HistoryOptions {
  /** Hospital stays that must happen (personas). */
  readonly plannedStays?: readonly (readonly [day: number, kind: StayKind])[];
  /** Care a persona's story needs that the generators would not make by chance; runs last. */
  readonly plannedCare?: (chart: Chart) => void;
}

export function careHistory(profile: Profile, streamSeed: string, opts: HistoryOptions = {}): HealthRecord[] {
  const chart = new Chart(profile.key);
  const stream = (name: string) => new Rng(`${streamSeed}/${name}`);
  chronicCare(chart, profile, stream('chronic'));
  acuteCare(chart, profile, stream('acute'));
  tcmCare(chart, profile, stream('tcm'));
  dentalCare(chart, profile, stream('dental'));
  hospitalStays(chart, profile, stream('inpatient'), opts.plannedStays);
  preventiveCare(chart, profile, stream('preventive'));
  cancerScreening(chart, profile, stream('screening'));
  immunizations(chart, profile, stream('immunization'));
  allergies(chart, profile, stream('allergy'));
  careWishes(chart, profile, stream('care-wishes'));
  opts.plannedCare?.(chart);
  return chart.records;
}
