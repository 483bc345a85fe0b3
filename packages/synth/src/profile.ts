/**
 * A citizen's profile: everything the care generators decide once per person (demographics,
 * residence, lifestyle, chronic conditions, personal physiology, usual places of care, and the
 * propensities that make their history hang together).
 */
import type { Citizen } from '@healthbank/records';
import { type ConditionId, type ConditionState, sampleConditions } from './conditions.js';
import { addYears, ageOn, isoOf, yearOf } from './days.js';
import { TOWNSHIPS, type Township } from './geography.js';
import { type Directory, type Facility, facilitiesOf, medicalCentersFor } from './institutions.js';
import { type Rng, WeightedTable } from './rng.js';

/** Years of history generated before `asOf`. */
export const HISTORY_YEARS = 11;

export interface CarePlaces {
  /** Usual primary-care clinic (or the 衛生所 where there is no clinic). */
  readonly clinic: Facility;
  readonly dental: Facility;
  readonly tcm: Facility;
  /** District or regional hospital of the county. */
  readonly hospital: Facility;
  readonly medicalCenter: Facility;
  readonly healthStation: Facility;
  /** Where chronic conditions are followed. */
  readonly chronic: Facility;
}

/** Personal physiology: baselines the lab values and measurements are drawn around. */
export interface Physiology {
  readonly heightCm: number;
  readonly bmi: number;
  readonly a1cTarget: number;
  readonly a1cAtDiagnosis: number;
  readonly a1cDrift: number;
  readonly a1cPhase: number;
  readonly nonDiabeticA1c: number;
  readonly ldl: number;
  readonly hdl: number;
  readonly tg: number;
  /** eGFR at the end of the history, and its yearly decline. */
  readonly egfrNow: number;
  readonly egfrDecline: number;
  readonly sbp: number;
  readonly uricAcid: number;
  readonly liverEnzymes: number;
  /** Hepatitis C antibody status (Taiwan: a few percent of older adults). */
  readonly antiHcv: boolean;
}

/** Per-person treatment choices and timings, in years after diagnosis. */
export interface Treatment {
  readonly metformin: string;
  readonly secondDiabetesDrug: string;
  readonly secondDiabetesAt: number;
  readonly sglt2: string;
  readonly sglt2At: number;
  readonly insulinAt: number;
  readonly firstBp: string;
  readonly secondBp: string;
  readonly secondBpAt: number;
  readonly thirdBpAt: number;
  readonly statin: string;
  readonly ezetimibeAt: number;
  readonly fibrate: boolean;
  /** Days of drugs per chronic visit (28, 56 or 84). */
  readonly refillDays: number;
}

export interface Profile {
  readonly index: number;
  readonly key: string;
  readonly citizen: Citizen;
  readonly sex: 'female' | 'male';
  readonly birth: number;
  readonly township: Township;
  readonly remote: boolean;
  /** First and last day of the generated history. */
  readonly start: number;
  readonly end: number;
  readonly smoker: boolean;
  readonly formerSmoker: boolean;
  readonly betel: boolean;
  readonly conditions: ReadonlyMap<ConditionId, ConditionState>;
  readonly physiology: Physiology;
  readonly treatment: Treatment;
  readonly places: CarePlaces;
  /** How readily this person uses services (visits, screening, vaccines): around 1. */
  readonly engagement: number;
  readonly usesTcm: boolean;
  readonly usesDental: boolean;
}

/** Share of the population (percent) by five-year age band, Taiwan 2023. */
const AGE_BANDS = [3.5, 4.4, 4.5, 4.5, 5.3, 6.2, 6.5, 7.3, 8.3, 7.7, 7.4, 7.6, 7.1, 6.3, 4.8, 3.0, 2.2, 1.3, 0.6, 0.2];
const ageBandTable = new WeightedTable(
  AGE_BANDS.map((_, i) => i),
  AGE_BANDS,
);
const townshipTable = new WeightedTable(
  TOWNSHIPS,
  TOWNSHIPS.map((t) => t.population),
);

export function sampleAge(rng: Rng): number {
  return ageBandTable.draw(rng) * 5 + rng.int(0, 4);
}

/** Share of men by age: balanced when young, women outlive men. */
export function maleShare(age: number): number {
  return age < 50 ? 0.515 : age < 65 ? 0.49 : age < 80 ? 0.46 : 0.42;
}

export function sampleTownship(rng: Rng): Township {
  return townshipTable.draw(rng);
}

export interface Demographics {
  readonly sex: 'female' | 'male';
  readonly age: number;
  readonly township: Township;
  /** Days before the `asOf` anniversary of the birth date (0–364). */
  readonly birthdayOffset: number;
}

export function sampleDemographics(rng: Rng): Demographics {
  const age = sampleAge(rng);
  return {
    age,
    sex: rng.chance(maleShare(age)) ? 'male' : 'female',
    township: sampleTownship(rng),
    birthdayOffset: rng.int(0, 364),
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function pickFrom(rng: Rng, list: readonly Facility[], fallback: Facility): Facility {
  return list.length > 0 ? rng.pick(list) : fallback;
}

export function choosePlaces(
  rng: Rng,
  directory: Directory,
  township: Township,
  age: number,
  conditions: ReadonlyMap<ConditionId, ConditionState>,
): CarePlaces {
  const local = facilitiesOf(directory, township.county);
  const healthStation = local.healthStations.get(township.name) as Facility;
  const hospital = rng.pick(local.hospitals);
  const medicalCenter = rng.pick(medicalCentersFor(directory, township.county));
  const nearby = (byTownship: ReadonlyMap<string, readonly Facility[]>, all: readonly Facility[]) => {
    const own = byTownship.get(township.name) ?? [];
    return own.length > 0 && rng.chance(0.8) ? rng.pick(own) : pickFrom(rng, all, healthStation);
  };
  const remote = township.mountain || township.island;
  const clinic = remote && rng.chance(0.7) ? healthStation : nearby(local.clinicsByTownship, local.allClinics);
  const dental = nearby(local.dentalByTownship, local.allDental);
  const tcm = nearby(local.tcmByTownship, local.allTcm);
  let chronic: Facility;
  const complex = conditions.has('heart_failure') || conditions.has('stroke') || (conditions.get('ckd') && age >= 60);
  if (remote && age >= 60) chronic = rng.chance(0.85) ? healthStation : hospital;
  else if (complex) chronic = rng.chance(0.5) ? medicalCenter : hospital;
  else {
    const x = rng.next();
    chronic = x < 0.58 ? clinic : x < 0.86 ? hospital : medicalCenter;
  }
  return { clinic, dental, tcm, hospital, medicalCenter, healthStation, chronic };
}

function samplePhysiology(
  rng: Rng,
  sex: 'female' | 'male',
  age: number,
  conditions: ReadonlyMap<ConditionId, ConditionState>,
  bmi: number,
): Physiology {
  const has = (id: ConditionId) => conditions.has(id);
  const baseEgfr = clamp(rng.normal(sex === 'female' ? 98 : 102, 10) - Math.max(0, age - 40) * 0.8, 62, 130);
  let egfrNow = baseEgfr;
  let egfrDecline = 0.8;
  if (has('ckd')) {
    const x = rng.next();
    egfrNow =
      x < 0.08
        ? rng.uniform(90, 105)
        : x < 0.3
          ? rng.uniform(60, 89)
          : x < 0.6
            ? rng.uniform(45, 59)
            : x < 0.8
              ? rng.uniform(30, 44)
              : x < 0.94
                ? rng.uniform(15, 29)
                : rng.uniform(8, 14.9);
    egfrDecline = rng.uniform(1.2, 3.5);
  }
  const heightCm = clamp(rng.normal(sex === 'male' ? 170.5 : 158.5, 6) - Math.max(0, age - 55) * 0.12, 135, 195);
  return {
    heightCm,
    bmi,
    a1cTarget: clamp(rng.normal(6.9, 0.45), 6.1, 8.4),
    a1cAtDiagnosis: clamp(rng.normal(8.8, 1.1), 7, 12.5),
    a1cDrift: rng.uniform(0.01, 0.06),
    a1cPhase: rng.uniform(0, Math.PI * 2),
    nonDiabeticA1c: age >= 40 && rng.chance(0.15) ? rng.uniform(5.7, 6.3) : clamp(rng.normal(5.4, 0.2), 4.7, 5.8),
    ldl: has('hyperlipidemia') ? clamp(rng.normal(168, 22), 130, 240) : clamp(rng.normal(108, 20), 55, 150),
    hdl: clamp(rng.normal(sex === 'female' ? 58 : 47, 9) - (has('diabetes') ? 5 : 0) - (bmi > 27 ? 4 : 0), 28, 95),
    tg:
      has('hyperlipidemia') && rng.chance(0.35)
        ? clamp(rng.normal(230, 45), 150, 450)
        : clamp(rng.normal(110, 35), 40, 190),
    egfrNow,
    egfrDecline,
    sbp: clamp(rng.normal(108 + Math.max(0, age - 25) * 0.45, 8), 95, 139),
    uricAcid: clamp(rng.normal(sex === 'male' ? 6.1 : 4.7, 0.9) + (has('gout') ? 1.8 : 0), 2.5, 11),
    liverEnzymes: clamp(rng.normal(22, 6) + (bmi > 27 ? 12 : 0) + (has('hbv') && rng.chance(0.3) ? 20 : 0), 8, 90),
    antiHcv: rng.chance(age >= 45 ? 0.035 : 0.008),
  };
}

const METFORMINS = ['AC46185100', 'BC241891G0'];
const SECOND_DM = ['BC24862100', 'BC25397100', 'AC49521100', 'AC47130100'];
const SGLT2 = ['BC26325100', 'BC26014100'];
const FIRST_BP = ['AC45012100', 'AC45887100', 'AC48722100', 'BC24131100'];
const STATINS = ['AC45856100', 'AC48850100', 'BC23488100'];

function sampleTreatment(rng: Rng): Treatment {
  const firstBp = rng.pick(FIRST_BP);
  const secondBp = firstBp === 'AC45012100' ? rng.pick(FIRST_BP.slice(1)) : 'AC45012100';
  const never = 99;
  const x = rng.next();
  return {
    metformin: rng.pick(METFORMINS),
    secondDiabetesDrug: rng.pick(SECOND_DM),
    secondDiabetesAt: rng.uniform(1.5, 4.5),
    sglt2: rng.pick(SGLT2),
    sglt2At: rng.chance(0.65) ? rng.uniform(4, 8) : never,
    insulinAt: rng.chance(0.18) ? rng.uniform(7, 12) : never,
    firstBp,
    secondBp,
    secondBpAt: rng.chance(0.55) ? rng.uniform(1.5, 6) : never,
    thirdBpAt: rng.chance(0.25) ? rng.uniform(5, 10) : never,
    statin: rng.pick(STATINS),
    ezetimibeAt: rng.chance(0.15) ? rng.uniform(2, 6) : never,
    fibrate: rng.chance(0.3),
    refillDays: x < 0.3 ? 28 : x < 0.45 ? 56 : 84,
  };
}

export interface ProfileInput {
  readonly index: number;
  readonly key: string;
  readonly endDay: number;
  readonly directory: Directory;
  readonly demographics: Demographics;
  readonly identity: (sex: 'female' | 'male', letter: string) => { nationalId: string; nhiCardNumber: string };
  readonly name: string;
  readonly persona?: Citizen['persona'];
  readonly employerUbn?: string;
  /** Fixed conditions instead of sampled ones (personas). */
  readonly conditions?: ReadonlyMap<ConditionId, ConditionState>;
  readonly overrides?: {
    readonly physiology?: Partial<Physiology>;
    readonly treatment?: Partial<Treatment>;
    readonly places?: Partial<CarePlaces>;
    readonly smoker?: boolean;
    readonly betel?: boolean;
    readonly engagement?: number;
    readonly usesTcm?: boolean;
    readonly usesDental?: boolean;
  };
}

/** Builds a profile; every random decision comes from `rng`, in a fixed order. */
export function buildProfile(rng: Rng, input: ProfileInput): Profile {
  const { demographics: d, endDay } = input;
  const birth = addYears(endDay, -d.age) - d.birthdayOffset;
  const birthYear = yearOf(birth);
  const start = Math.max(birth, addYears(endDay, -HISTORY_YEARS) + 1);
  const adult = d.age >= 18;
  const o = input.overrides ?? {};
  const smoker = o.smoker ?? (adult && rng.chance(d.sex === 'male' ? (d.age >= 40 ? 0.28 : 0.2) : 0.03));
  const formerSmoker = !smoker && adult && rng.chance(d.sex === 'male' ? 0.15 : 0.02);
  const remote = d.township.mountain || d.township.island;
  const betel =
    o.betel ??
    (d.age >= 20 && rng.chance(d.sex === 'male' ? (remote || d.township.county === '臺東縣' ? 0.15 : 0.06) : 0.005));
  const bmi = adult
    ? clamp(rng.normal(d.age >= 40 ? 24.6 : 23.2, 3.6), 16.5, 42)
    : clamp(rng.normal(17 + d.age * 0.25, 2.5), 13, 30);
  const conditions =
    input.conditions ??
    sampleConditions(
      rng,
      { sex: d.sex, age: d.age, birthYear, smoker: smoker || formerSmoker, bmi },
      (age) => birth + Math.round(age * 365.25),
      endDay,
    );
  const physiology = { ...samplePhysiology(rng, d.sex, d.age, conditions, bmi), ...o.physiology };
  const treatment = { ...sampleTreatment(rng), ...o.treatment };
  const places = { ...choosePlaces(rng, input.directory, d.township, d.age, conditions), ...o.places };
  const engagement = o.engagement ?? clamp(rng.normal(1, 0.35), 0.3, 1.8);
  const usesTcm = o.usesTcm ?? rng.chance(d.age < 12 ? 0.1 : d.sex === 'female' ? 0.32 : 0.22);
  const usesDental = o.usesDental ?? rng.chance(d.age < 3 ? 0.1 : d.age >= 75 ? 0.4 : 0.62);
  const letter = birthYear >= 2011 ? d.township.letterNow : d.township.letter;
  const { nationalId, nhiCardNumber } = input.identity(d.sex, letter);
  const citizen: Citizen = {
    nationalId,
    nhiCardNumber,
    name: input.name,
    sex: d.sex,
    birthDate: isoOf(birth),
    county: d.township.county,
    township: d.township.name,
    ...(input.persona ? { persona: input.persona } : {}),
    ...(input.employerUbn ? { employerUbn: input.employerUbn } : {}),
  };
  return {
    index: input.index,
    key: input.key,
    citizen,
    sex: d.sex,
    birth,
    township: d.township,
    remote,
    start,
    end: endDay,
    smoker,
    formerSmoker,
    betel,
    conditions,
    physiology,
    treatment,
    places,
    engagement,
    usesTcm,
    usesDental,
  };
}

/** Age of the profile's person on a day. */
export function ageAt(profile: Profile, day: number): number {
  return ageOn(profile.birth, day);
}

/** Whether a condition has been diagnosed by a day. */
export function hasOn(profile: Profile, id: ConditionId, day: number): boolean {
  const c = profile.conditions.get(id);
  return c !== undefined && c.onset <= day;
}
