/**
 * A citizen's profile: everything the care generators decide once per person (demographics,
 * residence, lifestyle, chronic conditions, personal physiology, usual places of care, and the
 * propensities that make their history hang together).
 */
import type { Citizen } from '@healthbank/records';
import { type ConditionId, type ConditionState, sampleConditions } from './conditions.js';
import { addYears, ageOn, isoOf, yearOf } from './days.js';
import { TOWNSHIPS, type Township } from './geography.js';
import {
  CLINIC_SPECIALTIES,
  type Directory,
  type Facility,
  facilitiesOf,
  medicalCentersFor,
  type Specialty,
} from './institutions.js';
import { type Rng, WeightedTable } from './rng.js';

/** Years of history generated before `asOf`. */
export const HISTORY_YEARS = 11;

export interface CarePlaces {
  /** Usual primary-care clinic: family medicine, internal medicine or a 聯合診所 (or the 衛生所). */
  readonly clinic: Facility;
  /** The clinic of each specialty this person would go to, near home where there is one. */
  readonly specialists: Readonly<Record<Specialty, Facility>>;
  /** The community pharmacy that fills refill prescriptions (the 衛生所 where there is none). */
  readonly pharmacy: Facility;
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
  readonly firstBp: string;
  readonly secondBp: string;
  readonly secondBpAt: number;
  readonly thirdBpAt: number;
  readonly statin: string;
  /** Mixed hyperlipidaemia (E78.2) rather than hypercholesterolaemia alone. */
  readonly fibrate: boolean;
  /**
   * Whether chronic drugs come on a refill prescription (慢性病連續處方箋): a doctor's visit every
   * three months with the first month's drugs, then two refills at a pharmacy a month apart.
   * Otherwise the patient sees the doctor every month.
   */
  readonly refills: boolean;
  /** Days of drugs per dispensing (28 or 30: NHI pays at most about a month per claim). */
  readonly supplyDays: number;
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
  /**
   * How often this person brings an illness to a doctor, on top of engagement: 1 on average but
   * skewed, as utilisation is (a tenth of people make a large share of visits).
   */
  readonly frequency: number;
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

/** Specialties a person's usual clinic can have. */
const PRIMARY: readonly Specialty[] = ['family', 'internal', 'general'];

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
  const nearby = (own: readonly Facility[], all: readonly Facility[]) =>
    own.length > 0 && rng.chance(0.8) ? rng.pick(own) : pickFrom(rng, all, healthStation);
  const inTown = local.townshipClinicsBySpecialty.get(township.name);
  const specialist = (sp: Specialty) => nearby(inTown?.get(sp) ?? [], local.clinicsBySpecialty.get(sp) ?? []);
  const remote = township.mountain || township.island;
  const specialists = {} as Record<Specialty, Facility>;
  for (const sp of CLINIC_SPECIALTIES) specialists[sp] = specialist(sp);
  const primary = specialists[rng.pick(PRIMARY)];
  const clinic = remote && rng.chance(0.7) ? healthStation : primary;
  const dental = nearby(local.dentalByTownship.get(township.name) ?? [], local.allDental);
  const tcm = nearby(local.tcmByTownship.get(township.name) ?? [], local.allTcm);
  const pharmacies = local.pharmaciesByTownship.get(township.name) ?? [];
  const pharmacy = remote && pharmacies.length === 0 ? healthStation : nearby(pharmacies, local.allPharmacies);
  let chronic: Facility;
  const complex = conditions.has('heart_failure') || conditions.has('stroke') || (conditions.get('ckd') && age >= 60);
  if (remote && age >= 60) chronic = rng.chance(0.85) ? healthStation : hospital;
  else if (complex) chronic = rng.chance(0.5) ? medicalCenter : hospital;
  else {
    const x = rng.next();
    chronic = x < 0.58 ? clinic : x < 0.86 ? hospital : medicalCenter;
  }
  return { clinic, specialists, pharmacy, dental, tcm, hospital, medicalCenter, healthStation, chronic };
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
    // Control varies widely and leans high: Taiwan's treated type 2 diabetics have a median HbA1c
    // a little above 7% and about a quarter at 8% or more (docs/synthetic-population.md).
    a1cTarget: clamp(5.7 + Math.exp(rng.normal(Math.log(1.15), 0.75)), 6, 11.5),
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

/** Drug choices by role; every code is a verified one (`drugOrder` refuses any other). */
const METFORMINS = ['BC241891G0', 'AC585341G0'];
/** Second-line: linagliptin, glimepiride, pioglitazone, acarbose. */
const SECOND_DM = ['BC25537100', 'BC25537100', 'AB46766100', 'AB46766100', 'AA48333100', 'AB57312100'];
/** Dapagliflozin with saxagliptin (Qtern): the SGLT2 inhibitor the verified list has. */
const SGLT2 = 'BC27467100';
/** First-line for hypertension: amlodipine, olmesartan, irbesartan, nifedipine. */
const FIRST_BP = ['BC21571100', 'BC25005100', 'AB57178100', 'AB58075100'];
const CALCIUM_CHANNEL = new Set(['BC21571100', 'AB58075100']);
const ARBS = ['BC25005100', 'AB57178100'];
const STATINS = ['BC22889100', 'AC57805100', 'BC24131100', 'AC58316100'];

function sampleTreatment(rng: Rng, site: Facility, remote: boolean): Treatment {
  const firstBp = rng.pick(FIRST_BP);
  // The second drug is of the other class: an ARB with a calcium-channel blocker and vice versa.
  const secondBp = CALCIUM_CHANNEL.has(firstBp) ? rng.pick(ARBS) : 'BC21571100';
  const never = 99;
  // Hospitals give refill prescriptions more readily than clinics, which prefer monthly visits;
  // a 衛生所 in the mountains dispenses itself.
  const refillChance = site.level === 'health_station' || remote ? 0.05 : site.level === 'clinic' ? 0.35 : 0.75;
  return {
    metformin: rng.pick(METFORMINS),
    secondDiabetesDrug: rng.pick(SECOND_DM),
    secondDiabetesAt: rng.uniform(1.5, 4.5),
    sglt2: SGLT2,
    sglt2At: rng.chance(0.55) ? rng.uniform(4, 8) : never,
    firstBp,
    secondBp,
    secondBpAt: rng.chance(0.55) ? rng.uniform(1.5, 6) : never,
    thirdBpAt: rng.chance(0.25) ? rng.uniform(5, 10) : never,
    statin: rng.pick(STATINS),
    fibrate: rng.chance(0.3),
    refills: rng.chance(refillChance),
    supplyDays: rng.chance(0.75) ? 28 : 30,
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
    readonly frequency?: number;
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
  const places = { ...choosePlaces(rng, input.directory, d.township, d.age, conditions), ...o.places };
  const treatment = { ...sampleTreatment(rng, places.chronic, remote), ...o.treatment };
  const engagement = o.engagement ?? clamp(rng.normal(1, 0.35), 0.3, 1.8);
  const usesTcm = o.usesTcm ?? rng.chance(d.age < 12 ? 0.1 : d.sex === 'female' ? 0.32 : 0.22);
  const usesDental = o.usesDental ?? rng.chance(d.age < 3 ? 0.1 : d.age >= 75 ? 0.45 : 0.7);
  // Log-normal with mean 1 (σ = 0.55): the heaviest few in a hundred see doctors three times as often.
  const frequency = o.frequency ?? clamp(Math.exp(rng.normal(-0.151, 0.55)), 0.15, 6);
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
    frequency,
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
