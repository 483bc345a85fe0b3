/**
 * Lab values and measurements on a given day, drawn around the person's baselines so that a
 * series follows a believable personal trajectory: HbA1c falls after diagnosis and drifts up
 * over the years, statins lower LDL, eGFR declines, creatinine follows eGFR through the MDRD
 * equation, blood pressure is higher in hypertension and treated towards target.
 */
import { ageOn } from './days.js';
import { hasOn, type Profile } from './profile.js';
import type { Rng } from './rng.js';

const YEAR = 365.25;

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function yearsSince(profile: Profile, id: Parameters<typeof hasOn>[1], day: number): number {
  const c = profile.conditions.get(id);
  return c === undefined ? -1 : (day - c.onset) / YEAR;
}

export function hba1c(profile: Profile, day: number, rng: Rng): number {
  const p = profile.physiology;
  const years = yearsSince(profile, 'diabetes', day);
  if (years < 0) {
    // Before diagnosis, values creep up towards the diagnostic threshold.
    const lead = profile.conditions.has('diabetes') ? clamp(1 + years / 2, 0, 1) : 0;
    return clamp(p.nonDiabeticA1c + lead * 0.9 + rng.normal(0, 0.12), 4.5, 6.9);
  }
  const settled = p.a1cTarget + p.a1cDrift * years + 0.3 * Math.sin(p.a1cPhase + years * 2.1);
  // Treatment brings the value at diagnosis down to the personal target within about half a year.
  const weight = Math.exp(-years / 0.18);
  return clamp(weight * p.a1cAtDiagnosis + (1 - weight) * settled + rng.normal(0, 0.22), 5.4, 13.5);
}

export function fastingGlucose(profile: Profile, day: number, rng: Rng, a1c?: number): number {
  const a = a1c ?? hba1c(profile, day, rng);
  // ADAG estimated average glucose (28.7 × A1c − 46.7), fasting values a little lower.
  const eag = 28.7 * a - 46.7;
  return clamp(eag * 0.9 + rng.normal(0, 10), 68, 420);
}

export function egfr(profile: Profile, day: number, rng: Rng): number {
  const p = profile.physiology;
  const yearsBeforeEnd = (profile.end - day) / YEAR;
  return clamp(p.egfrNow + p.egfrDecline * yearsBeforeEnd + rng.normal(0, 2.5), 5, 150);
}

/** Serum creatinine from eGFR by inverting the MDRD equation used to report it. */
export function creatinineFromEgfr(egfrValue: number, age: number, sex: 'female' | 'male'): number {
  const factor = 175 * age ** -0.203 * (sex === 'female' ? 0.742 : 1);
  return (egfrValue / factor) ** (-1 / 1.154);
}

export function egfrFromCreatinine(creatinine: number, age: number, sex: 'female' | 'male'): number {
  return 175 * creatinine ** -1.154 * age ** -0.203 * (sex === 'female' ? 0.742 : 1);
}

export interface Lipids {
  readonly ldl: number;
  readonly hdl: number;
  readonly tg: number;
  readonly total: number;
}

export function lipids(profile: Profile, day: number, rng: Rng): Lipids {
  const p = profile.physiology;
  const treated = hasOn(profile, 'hyperlipidemia', day + 60) && yearsSince(profile, 'hyperlipidemia', day) > 0.15;
  const ldl = clamp(p.ldl * (treated ? 0.58 : 1) + rng.normal(0, 9), 35, 280);
  const hdl = clamp(p.hdl + rng.normal(0, 4), 22, 110);
  const tg = clamp(p.tg * Math.exp(rng.normal(0, 0.18)), 35, 900);
  return { ldl, hdl, tg, total: ldl + hdl + tg / 5 };
}

export interface BloodPressure {
  readonly systolic: number;
  readonly diastolic: number;
}

export function bloodPressure(profile: Profile, day: number, rng: Rng): BloodPressure {
  const years = yearsSince(profile, 'hypertension', day);
  let systolic = profile.physiology.sbp + rng.normal(0, 7);
  if (years >= 0) systolic = rng.normal(years < 0.2 ? 152 : 134, 9);
  else if (profile.conditions.has('hypertension')) systolic += clamp(1 + years / 3, 0, 1) * 12;
  systolic = clamp(systolic, 88, 210);
  return { systolic, diastolic: clamp(systolic * 0.58 + rng.normal(8, 5), 50, 125) };
}

/**
 * Values measured together on one day share one draw (a lipid panel's total cholesterol is the sum
 * of its parts; creatinine and eGFR come from the same sample).
 */
export class SampleDay {
  private a1cValue?: number;
  private egfrValue?: number;
  private lipidValues?: Lipids;

  constructor(
    readonly profile: Profile,
    readonly day: number,
    private readonly rng: Rng,
  ) {}

  get a1c(): number {
    this.a1cValue ??= hba1c(this.profile, this.day, this.rng);
    return this.a1cValue;
  }

  get egfr(): number {
    this.egfrValue ??= egfr(this.profile, this.day, this.rng);
    return this.egfrValue;
  }

  get lipids(): Lipids {
    this.lipidValues ??= lipids(this.profile, this.day, this.rng);
    return this.lipidValues;
  }
}

/** The value of a lab analyte (by its key in `LAB_PANELS`) on a sample day; NaN for qualitative keys. */
export function analyteValue(key: string, sample: SampleDay, rng: Rng): number {
  const { profile, day } = sample;
  const p = profile.physiology;
  const age = Math.max(18, ageOn(profile.birth, day));
  const female = profile.sex === 'female';
  switch (key) {
    case 'hba1c':
      return sample.a1c;
    case 'fastingGlucose':
      return fastingGlucose(profile, day, rng, sample.a1c);
    case 'postprandialGlucose':
      return fastingGlucose(profile, day, rng, sample.a1c) * 1.35 + rng.normal(15, 10);
    case 'totalCholesterol':
      return sample.lipids.total;
    case 'triglycerides':
      return sample.lipids.tg;
    case 'hdl':
      return sample.lipids.hdl;
    case 'ldl':
      return sample.lipids.ldl;
    case 'egfr':
      return sample.egfr;
    case 'creatinine':
      return creatinineFromEgfr(sample.egfr, age, profile.sex);
    case 'bun':
      return clamp(11 + Math.max(0, 90 - sample.egfr) * 0.45 + rng.normal(0, 2.5), 5, 140);
    case 'urineCreatinine':
      return clamp(rng.normal(female ? 95 : 130, 40), 20, 320);
    case 'urineMicroalbumin':
      return clamp(
        Math.exp(rng.normal(hasOn(profile, 'diabetes', day) || hasOn(profile, 'ckd', day) ? 3.2 : 1.8, 0.9)),
        1,
        3000,
      );
    case 'uacr':
      return clamp(
        Math.exp(rng.normal(hasOn(profile, 'ckd', day) ? 4.3 : hasOn(profile, 'diabetes', day) ? 3.1 : 2, 0.9)),
        2,
        5000,
      );
    case 'ast':
      return clamp(p.liverEnzymes * 0.9 + rng.normal(0, 4), 8, 400);
    case 'alt':
      return clamp(p.liverEnzymes + rng.normal(0, 5), 5, 500);
    case 'alp':
      return clamp(rng.normal(75, 18), 30, 300);
    case 'bilirubin':
      return clamp(rng.normal(0.7, 0.2), 0.2, 3);
    case 'albumin':
      return clamp(rng.normal(4.3, 0.25) - (sample.egfr < 30 ? 0.5 : 0), 2.2, 5.4);
    case 'uricAcid': {
      const treated = hasOn(profile, 'gout', day - 90);
      return clamp(p.uricAcid - (treated ? 1.6 : 0) + rng.normal(0, 0.5), 2, 13);
    }
    case 'sodium':
      return clamp(rng.normal(139.5, 2), 126, 150);
    case 'potassium':
      return clamp(rng.normal(4.1, 0.3) + (sample.egfr < 30 ? 0.5 : 0), 2.9, 6.5);
    case 'wbc':
      return clamp(rng.normal(6.6, 1.5), 2.5, 18);
    case 'rbc':
      return clamp(rng.normal(female ? 4.5 : 5, 0.35) - anaemia(sample) * 0.12, 2.5, 6.5);
    case 'hemoglobin':
      return clamp(rng.normal(female ? 13.2 : 14.8, 0.9) - anaemia(sample), 6.5, 18.5);
    case 'hematocrit':
      return clamp(rng.normal(female ? 39.5 : 44, 2.5) - anaemia(sample) * 3, 20, 55);
    case 'mcv':
      return clamp(rng.normal(89, 4.5), 65, 110);
    case 'mch':
      return clamp(rng.normal(29.5, 1.6), 20, 36);
    case 'mchc':
      return clamp(rng.normal(33.5, 1), 29, 37);
    case 'platelets':
      return clamp(rng.normal(245, 55), 60, 600);
    case 'urinePh':
      return clamp(Math.round(rng.normal(6, 0.7) * 2) / 2, 5, 8.5);
    case 'urineSpecificGravity':
      return clamp(rng.normal(1.017, 0.006), 1.003, 1.035);
    case 'tsh':
      return clamp(Math.exp(rng.normal(hasOn(profile, 'hypothyroidism', day) ? 1.05 : 0.55, 0.45)), 0.05, 30);
    case 'freeT4':
      return clamp(rng.normal(1.2, 0.18), 0.4, 2.5);
    case 'psa':
      return clamp(
        Math.exp(
          rng.normal(Math.log(0.6 + Math.max(0, age - 40) * 0.04) + (hasOn(profile, 'bph', day) ? 0.5 : 0), 0.45),
        ),
        0.1,
        40,
      );
    case 'crp':
      return clamp(Math.exp(rng.normal(-1.8, 0.9)), 0.01, 25);
    case 'afp':
      return clamp(Math.exp(rng.normal(1.1, 0.45)), 0.5, 400);
    case 'pt':
      return clamp(rng.normal(11, 0.6), 9, 20);
    case 'inr':
      return clamp(rng.normal(1, 0.06), 0.8, 4);
    default:
      return Number.NaN;
  }
}

/** Haemoglobin lost to chronic kidney disease, in g/dL. */
function anaemia(sample: SampleDay): number {
  if (!hasOn(sample.profile, 'ckd', sample.day)) return 0;
  return Math.max(0, (60 - sample.egfr) * 0.06);
}

/** The ICD-10-CM stage code of chronic kidney disease for an eGFR. */
export function ckdStageCode(egfrValue: number): string {
  if (egfrValue >= 90) return 'N18.1';
  if (egfrValue >= 60) return 'N18.2';
  if (egfrValue >= 45) return 'N18.31';
  if (egfrValue >= 30) return 'N18.32';
  if (egfrValue >= 15) return 'N18.4';
  return 'N18.5';
}
