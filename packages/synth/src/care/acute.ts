/**
 * Acute illness and injury, the bulk of Taiwan's frequent outpatient visits: episodes of colds,
 * stomach upsets, aches, rashes and sprains, each seen at a clinic whose specialty fits it (the
 * usual family or internal-medicine clinic, or an ENT, paediatric, orthopaedic, dermatology or
 * obstetrics-and-gynaecology clinic), often with a return visit a few days later; some at the
 * emergency department. Women's complaints go to 婦產科 clinics, and only for women; gout flares
 * only for people with gout. A few days of drugs, from the verified code list only: conditions
 * without a verified drug for them are seen without one.
 */
import { drug, type Order } from '@healthbank/records';
import { type Chart, drugOrder, feeOrder, outpatientCopay } from '../chart.js';
import type { ConditionId } from '../conditions.js';
import { dayOfYmd, weekdayOf, yearOf } from '../days.js';
import type { Facility, Specialty } from '../institutions.js';
import { ageAt, hasOn, type Profile } from '../profile.js';
import { addReport, type ReportTopic } from '../reports.js';
import { type Rng, WeightedTable } from '../rng.js';
import { openDay } from '../schedule.js';

const D = {
  acetaminophen: 'A000076100',
  mefenamicAcid: 'AC19420100',
  amoxicillin: 'AC120511G0',
  erythromycin: 'A000106100',
  fexofenadine: 'BC230161G0',
} as const;

/** Where an illness is seen: `primary` is the person's usual clinic (or 衛生所). */
type Place = Specialty | 'primary';

interface Illness {
  readonly code: string;
  /** Relative frequency for children (0–12), adults (13–64) and the elderly (65+). */
  readonly weights: readonly [number, number, number];
  /** Drug pools: one drug is taken from each pool. */
  readonly drugs: readonly (readonly string[])[];
  readonly antibiotic?: readonly string[];
  readonly antibioticChance?: number;
  readonly days?: number;
  readonly emergency?: number;
  readonly woundCare?: string;
  readonly report?: ReportTopic;
  readonly reportChance?: number;
  /** Kinds of clinic that see it, as a weighted list (repeat to weigh). */
  readonly places: readonly Place[];
  readonly sex?: 'female';
  readonly minAge?: number;
  /** Only for people with this chronic condition (a gout flare). */
  readonly condition?: ConditionId;
}

const RESPIRATORY: readonly Place[] = ['primary', 'primary', 'ent', 'ent', 'paediatrics'];
const DIGESTIVE: readonly Place[] = ['primary', 'primary', 'primary', 'paediatrics'];
const MUSCULOSKELETAL: readonly Place[] = ['orthopaedics', 'orthopaedics', 'primary'];
const SKIN: readonly Place[] = ['dermatology', 'dermatology', 'primary', 'paediatrics'];
const GYNAECOLOGY: readonly Place[] = ['obstetrics', 'obstetrics', 'obstetrics', 'primary'];
const GENERAL: readonly Place[] = ['primary', 'primary', 'paediatrics'];
const COLD = [[D.acetaminophen], [D.fexofenadine]];
const PAIN = [[D.mefenamicAcid, D.acetaminophen]];

const ILLNESSES: readonly Illness[] = [
  { code: 'J00', weights: [18, 14, 8], drugs: COLD, places: RESPIRATORY },
  { code: 'J06.9', weights: [22, 14, 10], drugs: COLD, places: RESPIRATORY },
  {
    code: 'J02.9',
    weights: [8, 7, 3],
    drugs: COLD,
    antibiotic: [D.amoxicillin],
    antibioticChance: 0.25,
    places: RESPIRATORY,
  },
  {
    code: 'J03.90',
    weights: [6, 3, 1],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.amoxicillin, D.erythromycin],
    antibioticChance: 0.6,
    days: 7,
    places: RESPIRATORY,
  },
  {
    code: 'J20.9',
    weights: [6, 5, 7],
    drugs: COLD,
    antibiotic: [D.erythromycin, D.amoxicillin],
    antibioticChance: 0.3,
    days: 5,
    places: ['primary', 'primary', 'primary', 'ent', 'paediatrics'],
  },
  {
    code: 'J01.90',
    weights: [2, 3, 2],
    drugs: COLD,
    antibiotic: [D.amoxicillin],
    antibioticChance: 0.6,
    days: 7,
    places: ['ent', 'ent', 'primary'],
  },
  { code: 'J30.9', weights: [4, 4, 2], drugs: [[D.fexofenadine]], days: 7, places: RESPIRATORY },
  { code: 'J32.9', weights: [0, 1, 0.5], drugs: [[D.fexofenadine]], days: 7, places: ['ent'] },
  { code: 'R05.9', weights: [3, 3, 4], drugs: [[D.fexofenadine]], places: RESPIRATORY },
  { code: 'J11.1', weights: [3, 2, 2], drugs: [[D.acetaminophen]], days: 5, emergency: 0.12, places: RESPIRATORY },
  { code: 'J21.9', weights: [3, 0, 0], drugs: [[D.acetaminophen]], emergency: 0.2, places: ['paediatrics'] },
  { code: 'J05.0', weights: [1, 0, 0], drugs: [[D.acetaminophen]], emergency: 0.35, places: ['paediatrics'] },
  { code: 'B08.4', weights: [2, 0, 0], drugs: [[D.acetaminophen]], places: ['paediatrics', 'primary'] },
  { code: 'B08.5', weights: [2, 0, 0], drugs: [[D.acetaminophen]], places: ['paediatrics', 'primary'] },
  { code: 'R50.9', weights: [3, 0.5, 1], drugs: [[D.acetaminophen]], emergency: 0.35, places: GENERAL },
  {
    code: 'H66.90',
    weights: [3, 0.5, 0.3],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.amoxicillin],
    antibioticChance: 0.8,
    days: 7,
    places: ['ent', 'ent', 'paediatrics'],
  },
  { code: 'H61.23', weights: [0.5, 0.5, 1], drugs: [], places: ['ent'] },
  { code: 'H10.9', weights: [2, 1.5, 1], drugs: [[D.fexofenadine]], places: GENERAL },
  // No drug for the gut has a verified code yet: these visits carry the consultation only.
  { code: 'A09', weights: [6, 4, 3], drugs: [], emergency: 0.1, places: DIGESTIVE },
  { code: 'A08.4', weights: [4, 1, 0.5], drugs: [[D.acetaminophen]], places: DIGESTIVE },
  { code: 'K52.9', weights: [1, 2, 2], drugs: [], places: DIGESTIVE },
  { code: 'K29.70', weights: [0.2, 3, 3], drugs: [], places: DIGESTIVE },
  { code: 'K30', weights: [0.3, 3, 3], drugs: [], places: DIGESTIVE },
  { code: 'K59.00', weights: [1, 1.5, 4], drugs: [], places: DIGESTIVE },
  { code: 'R10.13', weights: [0.5, 1.5, 1.5], drugs: [], emergency: 0.2, places: DIGESTIVE },
  {
    code: 'M54.50',
    weights: [0, 4, 5],
    drugs: PAIN,
    days: 5,
    report: 'spine',
    reportChance: 0.15,
    places: MUSCULOSKELETAL,
  },
  { code: 'M54.2', weights: [0, 3, 2], drugs: PAIN, days: 5, places: MUSCULOSKELETAL },
  { code: 'M79.10', weights: [0, 2, 2], drugs: PAIN, places: MUSCULOSKELETAL },
  { code: 'M75.01', weights: [0, 0.8, 1], drugs: PAIN, days: 7, places: MUSCULOSKELETAL },
  { code: 'M77.11', weights: [0, 0.8, 0.4], drugs: PAIN, days: 7, places: MUSCULOSKELETAL },
  { code: 'M72.2', weights: [0, 0.8, 0.5], drugs: PAIN, days: 7, places: MUSCULOSKELETAL },
  { code: 'S93.401A', weights: [1, 2, 0.5], drugs: PAIN, emergency: 0.15, places: MUSCULOSKELETAL },
  { code: 'S33.5XXA', weights: [0, 1, 0.5], drugs: PAIN, places: MUSCULOSKELETAL },
  {
    code: 'S01.81XA',
    weights: [1, 0.5, 0.5],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.amoxicillin],
    antibioticChance: 0.5,
    emergency: 0.55,
    woundCare: '0HQ1XZZ',
    places: ['primary', 'orthopaedics'],
  },
  {
    code: 'S61.411A',
    weights: [0.5, 1, 0.3],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.amoxicillin],
    antibioticChance: 0.6,
    emergency: 0.35,
    woundCare: '0HQFXZZ',
    places: ['primary', 'orthopaedics'],
  },
  { code: 'L30.9', weights: [3, 3, 3], drugs: [[D.fexofenadine]], days: 7, places: SKIN },
  { code: 'L20.9', weights: [3, 1, 0.3], drugs: [[D.fexofenadine]], days: 7, places: SKIN },
  { code: 'L50.9', weights: [1.5, 1.5, 1], drugs: [[D.fexofenadine]], emergency: 0.12, places: SKIN },
  { code: 'L23.9', weights: [0.5, 1, 0.5], drugs: [[D.fexofenadine]], days: 7, places: SKIN },
  { code: 'L70.0', weights: [0, 1.2, 0], drugs: [], minAge: 12, places: ['dermatology'] },
  { code: 'B35.3', weights: [0, 1, 1], drugs: [], places: SKIN },
  { code: 'B02.9', weights: [0, 0.5, 1.5], drugs: [[D.acetaminophen]], days: 7, places: SKIN },
  {
    code: 'L03.115',
    weights: [0.2, 0.5, 1.5],
    drugs: [[D.mefenamicAcid]],
    antibiotic: [D.amoxicillin],
    antibioticChance: 1,
    days: 7,
    emergency: 0.25,
    places: ['primary', 'dermatology'],
  },
  {
    code: 'N39.0',
    weights: [0.5, 1.5, 3],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.amoxicillin],
    antibioticChance: 0.9,
    days: 7,
    places: ['primary'],
  },
  {
    code: 'N30.00',
    weights: [0.2, 1.5, 1],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.amoxicillin],
    antibioticChance: 0.9,
    days: 5,
    places: ['primary', 'primary', 'obstetrics'],
    sex: 'female',
  },
  { code: 'R51.9', weights: [0.5, 2, 1], drugs: [[D.acetaminophen, D.mefenamicAcid]], places: GENERAL },
  { code: 'G43.909', weights: [0, 1.2, 0.2], drugs: [[D.mefenamicAcid]], places: ['primary'] },
  { code: 'R42', weights: [0, 1, 3], drugs: [], emergency: 0.25, places: ['primary', 'primary', 'ent'] },
  { code: 'H81.10', weights: [0, 0.5, 1], drugs: [], places: ['ent', 'primary'] },
  { code: 'R07.9', weights: [0, 0.5, 1], drugs: [[D.acetaminophen]], emergency: 0.75, places: ['primary'] },
  {
    code: 'M10.9',
    weights: [0, 40, 40],
    drugs: [[D.mefenamicAcid]],
    condition: 'gout',
    emergency: 0.04,
    places: ['primary', 'primary', 'orthopaedics'],
  },
  { code: 'N94.6', weights: [0.1, 1.5, 0], drugs: [[D.mefenamicAcid]], sex: 'female', minAge: 11, places: GYNAECOLOGY },
  { code: 'N76.0', weights: [0, 1.5, 0.3], drugs: [], sex: 'female', minAge: 15, places: GYNAECOLOGY },
  { code: 'N92.6', weights: [0, 1.2, 0], drugs: [], sex: 'female', minAge: 12, places: GYNAECOLOGY },
  { code: 'N95.1', weights: [0, 1, 0.3], drugs: [], sex: 'female', minAge: 45, places: GYNAECOLOGY },
];

const tables = [0, 1, 2].map(
  (group) =>
    new WeightedTable(
      ILLNESSES,
      ILLNESSES.map((i) => i.weights[group] as number),
    ),
);

/**
 * Episodes of acute illness a year, by age and sex, before the person's own propensity. Each
 * episode is one visit and sometimes a return visit; the rates are set so that visits of every
 * kind together meet the published rates by age and sex (docs/synthetic-population.md).
 */
export function episodeRate(age: number, sex: 'female' | 'male'): number {
  const female = sex === 'female';
  if (age < 5) return 14;
  if (age < 15) return 6.6;
  if (age < 25) return female ? 4.8 : 3.2;
  if (age < 45) return female ? 5.6 : 3.6;
  if (age < 65) return female ? 6.6 : 4.6;
  if (age < 75) return 11;
  return 14;
}

/** Chance that an episode brings a return visit a few days later: older patients come back more. */
const returnVisit = (age: number) => (age >= 65 ? 0.4 : 0.3);

/** Emergency departments see the youngest and the oldest more often, whatever the illness. */
const emergencyFactor = (age: number) => (age < 5 ? 1.1 : age >= 75 ? 1.1 : age >= 65 ? 0.95 : 0.85);

function generalFee(facility: Facility, remote: boolean): string {
  switch (facility.level) {
    case 'medical_center':
    case 'regional_hospital':
      return '00154A';
    case 'district_hospital':
      return remote ? '00105B' : '00101B';
    default:
      return '00109C';
  }
}

const COVID_FROM = dayOfYmd(2022, 4, 1);
const COVID_TO = dayOfYmd(2023, 12, 31);

export function acuteCare(chart: Chart, profile: Profile, rng: Rng): void {
  for (let year = yearOf(profile.start); year <= yearOf(profile.end); year++) {
    const from = Math.max(profile.start, dayOfYmd(year, 1, 1));
    const to = Math.min(profile.end, dayOfYmd(year, 12, 31));
    if (to < from) continue;
    const age = ageAt(profile, from);
    const rate = episodeRate(age, profile.sex) * profile.engagement * profile.frequency;
    const n = rng.poisson((rate * (to - from + 1)) / 365);
    for (let i = 0; i < n; i++) episode(chart, profile, rng, rng.int(from, to));
  }
}

function fits(illness: Illness, profile: Profile, age: number, day: number): boolean {
  return (
    (illness.sex === undefined || illness.sex === profile.sex) &&
    age >= (illness.minAge ?? 0) &&
    (illness.condition === undefined || hasOn(profile, illness.condition, day))
  );
}

/** The clinic an illness is seen at: one whose specialty fits it, paediatric ones for children only. */
function clinicFor(profile: Profile, illness: Illness, age: number, rng: Rng): Facility {
  const p = profile.places;
  if (profile.remote && rng.chance(0.7)) return p.healthStation;
  // Young children go to a paediatrician when the illness is one a paediatrician sees.
  const paediatric = illness.places.includes('paediatrics');
  if (age < 13 && paediatric && rng.chance(0.55)) return p.specialists.paediatrics;
  let place = rng.pick(illness.places);
  for (let tries = 0; place === 'paediatrics' && age >= 13 && tries < 4; tries++) place = rng.pick(illness.places);
  if (place === 'paediatrics' && age >= 13) place = 'primary';
  if (place === 'primary') {
    // Now and then the hospital's outpatient department instead of the usual clinic.
    return rng.chance(0.85) ? p.clinic : rng.chance(0.75) ? p.hospital : p.medicalCenter;
  }
  return p.specialists[place];
}

function episode(chart: Chart, profile: Profile, rng: Rng, planned: number): void {
  const age = ageAt(profile, planned);
  const table = tables[age < 13 ? 0 : age < 65 ? 1 : 2] as WeightedTable<Illness>;
  let illness = table.draw(rng);
  for (let tries = 0; tries < 6 && !fits(illness, profile, age, planned); tries++) illness = table.draw(rng);
  if (!fits(illness, profile, age, planned)) illness = ILLNESSES[1] as Illness;
  // In 2022–2023 some respiratory illnesses were COVID-19.
  const respiratory = illness.places.includes('ent');
  const covid = respiratory && planned >= COVID_FROM && planned <= COVID_TO && rng.chance(0.15);
  const code = covid ? 'U07.1' : illness.code;
  // Emergency departments see more at weekends, when clinics are shut.
  const weekday = weekdayOf(planned);
  const weekend = weekday === 0 ? 1.6 : weekday === 6 ? 1.2 : 1;
  const emergency = rng.chance((illness.emergency ?? 0.013) * emergencyFactor(age) * weekend);
  if (emergency) {
    const place = rng.chance(0.7) ? profile.places.hospital : profile.places.medicalCenter;
    acuteVisit(chart, profile, rng, planned, place, illness, code, true);
    return;
  }
  const place = clinicFor(profile, illness, age, rng);
  const day = openDay(place, planned, profile, rng);
  acuteVisit(chart, profile, rng, day, place, illness, code, false);
  if (rng.chance(returnVisit(age))) {
    const back = openDay(place, day + rng.int(2, 7), profile, rng, 'later');
    if (back <= profile.end) acuteVisit(chart, profile, rng, back, place, illness, code, false);
  }
}

function acuteVisit(
  chart: Chart,
  profile: Profile,
  rng: Rng,
  day: number,
  place: Facility,
  illness: Illness,
  code: string,
  emergency: boolean,
): void {
  const age = ageAt(profile, day);
  const days = illness.days ?? 3;
  // Children take a fraction of an adult's tablets.
  const dose = age < 7 ? 0.34 : age < 13 ? 0.5 : 1;
  const orders: Order[] = [
    feeOrder(emergency ? rng.pick(['00203B', '00204B', '00204B', '00225B']) : generalFee(place, profile.remote)),
  ];
  for (const pool of illness.drugs) orders.push(childDrugOrder(rng.pick(pool), days, dose));
  if (illness.antibiotic && rng.chance(illness.antibioticChance ?? 0)) {
    orders.push(childDrugOrder(rng.pick(illness.antibiotic), days, dose));
  }
  const procedures: string[] = [];
  if (illness.woundCare) {
    orders.push(feeOrder('48001C'));
    procedures.push(illness.woundCare);
  }
  if (illness.report && rng.chance(illness.reportChance ?? 0)) {
    orders.push(feeOrder(addReport(chart, rng, day, place, illness.report, profile.end)));
  }
  const diagnoses = [code];
  // Chronic patients' acute visits list their chronic conditions too.
  if (hasOn(profile, 'hypertension', day) && place.specialty !== 'orthopaedics') diagnoses.push('I10');
  chart.visit('outpatient', day, place, diagnoses, orders, {
    copay: emergency ? (place.level === 'medical_center' ? 750 : 300) : outpatientCopay(place, profile.remote, false),
    procedures,
    emergency,
  });
}

/** A drug order at a fraction of the adult daily dose. */
function childDrugOrder(code: string, days: number, dose: number): Order {
  return drugOrder(code, days, dose === 1 ? undefined : dose * drug(code).unitsPerDay);
}
