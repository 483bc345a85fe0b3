/**
 * The chronic drugs a person takes on a given day: each condition's regimen as it escalates over
 * the years since diagnosis, with each drug ingredient listed once. Only drugs whose NHI codes
 * are verified are prescribed; a condition with no verified drug for it (COPD and asthma
 * inhalers, proton-pump inhibitors, antidepressants, thyroxine, anticoagulants, insulin,
 * donepezil) is followed at its visits without one (docs/synthetic-population.md).
 */
import { drug } from '@healthbank/records';
import type { ConditionId } from './conditions.js';
import type { Profile } from './profile.js';

const YEAR = 365.25;

/** Drug codes by role; checked against the verified code list when this module loads. */
export const DRUG = {
  aspirin: 'AC373441G0',
  dipyridamole: 'AC198951G0',
  bisoprolol: 'BC171251G0',
  furosemide: 'AB307491G0',
  amlodipine: 'BC21571100',
  acarbose: 'AB57312100',
  allopurinol: 'AC40106100',
  febuxostat: 'AC61850100',
  tamsulosin: 'BC24403100',
  zolpidem: 'BC215311G0',
  fludiazepam: 'AC415191G0',
  acetaminophen: 'A000076100',
  metformin500: 'AC585341G0',
  linagliptin: 'BC25537100',
} as const;
for (const code of Object.values(DRUG)) {
  if (drug(code).verification !== 'public-document') throw new Error(`${code} is not a verified NHI drug code`);
}

export interface Prescription {
  readonly code: string;
  readonly unitsPerDay?: number;
}

function years(profile: Profile, id: ConditionId, day: number): number {
  const c = profile.conditions.get(id);
  return c === undefined ? -1 : (day - c.onset) / YEAR;
}

/** Collects prescriptions, each ingredient once (a combination counts for its parts too). */
class Prescriptions {
  readonly out: Prescription[] = [];
  private readonly seen: string[] = [];

  add(code: string, unitsPerDay?: number): void {
    const entry = drug(code);
    if (this.seen.includes(entry.ingredient)) return;
    this.seen.push(entry.ingredient);
    if (entry.ingredient.includes('+')) this.seen.push(...entry.ingredient.split('+'));
    this.out.push(unitsPerDay === undefined ? { code } : { code, unitsPerDay });
  }
}

/** The chronic prescriptions on a day, for the conditions diagnosed by then. */
export function regimen(profile: Profile, day: number, egfr: number): Prescription[] {
  const t = profile.treatment;
  const rx = new Prescriptions();
  const dm = years(profile, 'diabetes', day);
  if (dm >= 0) {
    if (egfr >= 30) rx.add(t.metformin, t.metformin === DRUG.metformin500 ? (dm > 3 ? 3 : 2) : dm > 3 ? 2 : 1);
    // Dapagliflozin with saxagliptin takes the place of a DPP-4 inhibitor taken before it.
    const sglt2 = dm >= t.sglt2At && egfr >= 25;
    if (sglt2) rx.add(t.sglt2);
    if (dm >= t.secondDiabetesAt && !(sglt2 && t.secondDiabetesDrug === DRUG.linagliptin)) rx.add(t.secondDiabetesDrug);
    // Without verified insulin, long-standing poor control adds acarbose as a third oral drug.
    if (dm >= 7 && profile.physiology.a1cTarget >= 8) rx.add(DRUG.acarbose);
  }
  const htn = years(profile, 'hypertension', day);
  if (htn >= 0) {
    rx.add(t.firstBp);
    if (htn >= t.secondBpAt) rx.add(t.secondBp);
    if (htn >= t.thirdBpAt) rx.add(profile.conditions.has('ckd') && egfr < 45 ? DRUG.furosemide : DRUG.bisoprolol);
  }
  if (years(profile, 'hyperlipidemia', day) >= 0.15) rx.add(t.statin);
  if (years(profile, 'cad', day) >= 0) {
    rx.add(DRUG.aspirin);
    rx.add(DRUG.bisoprolol);
    rx.add(t.statin);
  }
  if (years(profile, 'stroke', day) >= 0) {
    rx.add(DRUG.aspirin);
    rx.add(DRUG.dipyridamole);
    rx.add(t.statin);
  }
  if (years(profile, 'atrial_fibrillation', day) >= 0) {
    rx.add(DRUG.bisoprolol);
    rx.add(DRUG.aspirin);
  }
  if (years(profile, 'heart_failure', day) >= 0) {
    rx.add(DRUG.furosemide);
    rx.add(DRUG.bisoprolol);
  }
  if (years(profile, 'gout', day) >= 0.3) rx.add(egfr < 45 ? DRUG.febuxostat : DRUG.allopurinol);
  if (years(profile, 'insomnia', day) >= 0) rx.add(DRUG.zolpidem);
  if (years(profile, 'depression', day) >= 0) rx.add(DRUG.fludiazepam);
  if (years(profile, 'bph', day) >= 0) rx.add(DRUG.tamsulosin);
  if (years(profile, 'knee_oa', day) >= 0) rx.add(DRUG.acetaminophen, 3);
  return rx.out;
}
