/**
 * Acute illness and injury: several outpatient visits a year (more for young children and the
 * elderly), mostly at the neighbourhood clinic, a few at the emergency department; a few days
 * of symptomatic drugs, antibiotics where the diagnosis warrants them, wound care for cuts and
 * an X-ray for some back pain.
 */
import type { Order } from '@healthbank/records';
import { type Chart, drugOrder, feeOrder, outpatientCopay } from '../chart.js';
import { dayOfYmd, yearOf } from '../days.js';
import type { Facility } from '../institutions.js';
import { ageAt, hasOn, type Profile } from '../profile.js';
import { addReport, type ReportTopic } from '../reports.js';
import { type Rng, WeightedTable } from '../rng.js';

const D = {
  acetaminophen: 'AC38550100',
  ibuprofen: 'AC41260100',
  diclofenac: 'AC39012100',
  celecoxib: 'BC23160100',
  eperisone: 'AC45380100',
  prednisolone: 'AC37210100',
  amoxicillin: 'AC40012100',
  amoxiclav: 'BC22112100',
  cephalexin: 'AC40231100',
  azithromycin: 'AC47560100',
  levofloxacin: 'AC50080100',
  oseltamivir: 'BC24005100',
  dextromethorphan: 'AC38840100',
  acetylcysteine: 'AC41330100',
  ambroxol: 'AC40733100',
  cetirizine: 'AC44560100',
  fexofenadine: 'AC47950100',
  loratadine: 'AC42781100',
  chlorpheniramine: 'AC35110100',
  pseudoephedrine: 'AC36770100',
  domperidone: 'AC39910100',
  metoclopramide: 'AC35660100',
  loperamide: 'AC37890100',
  magnesiumOxide: 'AC33480100',
  butylscopolamine: 'AC36120100',
  famotidine: 'AC40550100',
  colchicine: 'AC35790100',
} as const;

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
}

const COLD = [
  [D.acetaminophen],
  [D.chlorpheniramine, D.cetirizine, D.pseudoephedrine],
  [D.dextromethorphan, D.ambroxol, D.acetylcysteine],
];
const GI = [
  [D.domperidone, D.metoclopramide],
  [D.butylscopolamine, D.famotidine],
];
const PAIN = [
  [D.diclofenac, D.ibuprofen, D.celecoxib],
  [D.eperisone, D.acetaminophen],
];

const ILLNESSES: readonly Illness[] = [
  { code: 'J00', weights: [18, 14, 8], drugs: COLD },
  { code: 'J06.9', weights: [22, 14, 10], drugs: COLD },
  { code: 'J02.9', weights: [8, 7, 3], drugs: COLD, antibiotic: [D.amoxicillin], antibioticChance: 0.25 },
  {
    code: 'J03.90',
    weights: [6, 3, 1],
    drugs: COLD,
    antibiotic: [D.amoxicillin, D.amoxiclav],
    antibioticChance: 0.6,
    days: 7,
  },
  {
    code: 'J20.9',
    weights: [6, 5, 7],
    drugs: COLD,
    antibiotic: [D.azithromycin, D.amoxiclav],
    antibioticChance: 0.3,
    days: 5,
  },
  { code: 'J01.90', weights: [2, 3, 2], drugs: COLD, antibiotic: [D.amoxiclav], antibioticChance: 0.6, days: 7 },
  {
    code: 'J30.9',
    weights: [4, 4, 2],
    drugs: [[D.cetirizine, D.fexofenadine, D.loratadine], [D.pseudoephedrine]],
    days: 7,
  },
  { code: 'R05.9', weights: [3, 3, 4], drugs: [[D.dextromethorphan], [D.ambroxol, D.acetylcysteine]] },
  { code: 'J11.1', weights: [3, 2, 2], drugs: [[D.oseltamivir], [D.acetaminophen]], days: 5, emergency: 0.1 },
  { code: 'J21.9', weights: [3, 0, 0], drugs: [[D.acetaminophen], [D.ambroxol]], emergency: 0.15 },
  { code: 'J05.0', weights: [1, 0, 0], drugs: [[D.prednisolone], [D.acetaminophen]], emergency: 0.3 },
  { code: 'B08.4', weights: [2, 0, 0], drugs: [[D.acetaminophen]] },
  { code: 'B08.5', weights: [2, 0, 0], drugs: [[D.acetaminophen]] },
  { code: 'R50.9', weights: [3, 0.5, 1], drugs: [[D.acetaminophen]], emergency: 0.3 },
  {
    code: 'H66.90',
    weights: [3, 0.5, 0.3],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.amoxicillin],
    antibioticChance: 0.8,
    days: 7,
  },
  { code: 'H10.9', weights: [2, 1.5, 1], drugs: [[D.cetirizine, D.loratadine]] },
  { code: 'A09', weights: [6, 4, 3], drugs: [[D.loperamide], ...GI], emergency: 0.08 },
  { code: 'A08.4', weights: [4, 1, 0.5], drugs: [[D.domperidone], [D.acetaminophen]] },
  { code: 'K52.9', weights: [1, 2, 2], drugs: GI },
  { code: 'K29.70', weights: [0.2, 3, 3], drugs: [[D.famotidine], [D.domperidone]], days: 7 },
  { code: 'K30', weights: [0.3, 3, 3], drugs: GI, days: 7 },
  { code: 'K59.00', weights: [1, 1.5, 4], drugs: [[D.magnesiumOxide]], days: 7 },
  { code: 'R10.13', weights: [0.5, 1.5, 1.5], drugs: GI, emergency: 0.15 },
  { code: 'M54.50', weights: [0, 4, 5], drugs: PAIN, days: 5, report: 'spine', reportChance: 0.15 },
  { code: 'M54.2', weights: [0, 3, 2], drugs: PAIN, days: 5 },
  { code: 'M79.10', weights: [0, 2, 2], drugs: PAIN },
  { code: 'M75.01', weights: [0, 0.8, 1], drugs: PAIN, days: 7 },
  { code: 'M77.11', weights: [0, 0.8, 0.4], drugs: PAIN, days: 7 },
  { code: 'M72.2', weights: [0, 0.8, 0.5], drugs: PAIN, days: 7 },
  { code: 'S93.401A', weights: [1, 2, 0.5], drugs: PAIN, emergency: 0.15 },
  { code: 'S33.5XXA', weights: [0, 1, 0.5], drugs: PAIN },
  {
    code: 'S01.81XA',
    weights: [1, 0.5, 0.5],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.cephalexin],
    antibioticChance: 0.5,
    emergency: 0.5,
    woundCare: '0HQ1XZZ',
  },
  {
    code: 'S61.411A',
    weights: [0.5, 1, 0.3],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.cephalexin],
    antibioticChance: 0.6,
    emergency: 0.3,
    woundCare: '0HQFXZZ',
  },
  { code: 'L30.9', weights: [3, 3, 3], drugs: [[D.cetirizine, D.fexofenadine]], days: 7 },
  { code: 'L20.9', weights: [3, 1, 0.3], drugs: [[D.cetirizine, D.loratadine]], days: 7 },
  { code: 'L50.9', weights: [1.5, 1.5, 1], drugs: [[D.fexofenadine, D.cetirizine], [D.prednisolone]], emergency: 0.1 },
  { code: 'L23.9', weights: [0.5, 1, 0.5], drugs: [[D.cetirizine]], days: 7 },
  { code: 'B35.3', weights: [0, 1, 1], drugs: [[D.loratadine]], days: 7 },
  { code: 'B02.9', weights: [0, 0.5, 1.5], drugs: [[D.acetaminophen], [D.ibuprofen]], days: 7 },
  {
    code: 'L03.115',
    weights: [0.2, 0.5, 1.5],
    drugs: [[D.ibuprofen]],
    antibiotic: [D.cephalexin, D.amoxiclav],
    antibioticChance: 1,
    days: 7,
    emergency: 0.2,
  },
  {
    code: 'N39.0',
    weights: [0.5, 1.5, 3],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.cephalexin, D.levofloxacin],
    antibioticChance: 0.9,
    days: 7,
  },
  {
    code: 'N30.00',
    weights: [0.2, 1.5, 1],
    drugs: [[D.acetaminophen]],
    antibiotic: [D.cephalexin],
    antibioticChance: 0.9,
    days: 5,
  },
  { code: 'R51.9', weights: [0.5, 2, 1], drugs: [[D.acetaminophen, D.ibuprofen]] },
  { code: 'G43.909', weights: [0, 1.2, 0.2], drugs: [[D.ibuprofen], [D.metoclopramide]] },
  { code: 'R42', weights: [0, 1, 3], drugs: [[D.metoclopramide]], emergency: 0.2 },
  { code: 'H81.10', weights: [0, 0.5, 1], drugs: [[D.metoclopramide]] },
  { code: 'R07.9', weights: [0, 0.5, 1], drugs: [[D.acetaminophen]], emergency: 0.7 },
  { code: 'M10.9', weights: [0, 0.6, 0.6], drugs: [[D.colchicine], [D.diclofenac]] },
  { code: 'N94.6', weights: [0.1, 1, 0], drugs: [[D.ibuprofen], [D.butylscopolamine]] },
];

const tables = [0, 1, 2].map(
  (group) =>
    new WeightedTable(
      ILLNESSES,
      ILLNESSES.map((i) => i.weights[group] as number),
    ),
);

/** Acute visits a year by age, before the person's own propensity. */
function yearlyRate(age: number): number {
  if (age < 7) return 7;
  if (age < 13) return 4.5;
  if (age < 20) return 2.5;
  if (age < 40) return 2.5;
  if (age < 65) return 3;
  if (age < 80) return 4;
  return 5;
}

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
    const n = rng.poisson((yearlyRate(age) * profile.engagement * (to - from + 1)) / 365);
    for (let i = 0; i < n; i++) acuteVisit(chart, profile, rng, rng.int(from, to));
  }
}

function acuteVisit(chart: Chart, profile: Profile, rng: Rng, day: number): void {
  const age = ageAt(profile, day);
  let illness = (tables[age < 13 ? 0 : age < 65 ? 1 : 2] as WeightedTable<Illness>).draw(rng);
  if (illness.code === 'N94.6' && profile.sex === 'male') illness = ILLNESSES[1] as Illness;
  const covid = day >= COVID_FROM && day <= COVID_TO && rng.chance(0.08);
  const code = covid ? 'U07.1' : illness.code;
  const emergency = rng.chance(illness.emergency ?? 0.01);
  const p = profile.places;
  const place: Facility = emergency
    ? rng.chance(0.7)
      ? p.hospital
      : p.medicalCenter
    : profile.remote && rng.chance(0.7)
      ? p.healthStation
      : rng.chance(0.82)
        ? p.clinic
        : rng.chance(0.75)
          ? p.hospital
          : p.medicalCenter;
  const days = illness.days ?? 3;
  const orders: Order[] = [
    feeOrder(emergency ? rng.pick(['00203B', '00204B', '00204B', '00225B']) : generalFee(place, profile.remote)),
  ];
  for (const pool of illness.drugs) orders.push(drugOrder(rng.pick(pool), days));
  if (illness.antibiotic && rng.chance(illness.antibioticChance ?? 0))
    orders.push(drugOrder(rng.pick(illness.antibiotic), days));
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
  if (hasOn(profile, 'hypertension', day)) diagnoses.push('I10');
  chart.visit('outpatient', day, place, diagnoses, orders, {
    copay: emergency ? (place.level === 'medical_center' ? 750 : 300) : outpatientCopay(place, profile.remote, false),
    procedures,
    emergency,
  });
}
