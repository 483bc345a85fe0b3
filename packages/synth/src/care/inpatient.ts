/**
 * Hospital stays: rare, and more frequent with age and with heart failure or COPD; a stroke or a
 * myocardial infarction diagnosed during the history begins with an admission. Each stay has
 * daily fees, drugs and tests as orders with start and end dates, the lab and imaging results,
 * and for surgical stays the operation with its ICD-10-PCS code and pathology.
 */
import type { InpatientOrder, InpatientRecord } from '@healthbank/records';
import {
  type Chart,
  drugOrder,
  dx,
  feeOrder,
  institution,
  orderPoints,
  outpatientCopay,
  px,
  uniqueCodes,
} from '../chart.js';
import { isoOf, yearOf } from '../days.js';
import type { Facility } from '../institutions.js';
import { addLabs } from '../labs.js';
import { ageAt, hasOn, type Profile } from '../profile.js';
import { addReport, type ReportTopic } from '../reports.js';
import type { Rng } from '../rng.js';
import { openDay } from '../schedule.js';

interface Stay {
  readonly diagnosis: string | ((rng: Rng) => string);
  readonly los: readonly [number, number];
  readonly drugs: readonly string[];
  readonly labs: readonly string[];
  readonly reports?: readonly ReportTopic[];
  /** Surgery: NHI order code and ICD-10-PCS code(s). */
  readonly surgery?: readonly [order: string, pcs: string | ((rng: Rng) => string)];
  readonly procedures?: readonly string[];
  readonly secondary?: readonly string[];
}

// Drugs from the verified code list only (no injectable antibiotics or inhalers are in it yet).
const AMOXICILLIN = 'AC120511G0';
const ERYTHROMYCIN = 'A000106100';
const ACETAMINOPHEN = 'A000076100';
const MEFENAMIC_ACID = 'AC19420100';
const FUROSEMIDE = 'AB307491G0';
const BISOPROLOL = 'BC171251G0';
const ASPIRIN = 'AC373441G0';
const DIPYRIDAMOLE = 'AC198951G0';
const ATORVASTATIN = 'BC22889100';
const TAMSULOSIN = 'BC24403100';
const BASIC_LABS = ['08011C', '12015C', '09015C', '09002C', '09021C', '09022C'];

const STAYS = {
  pneumonia: {
    diagnosis: 'J18.9',
    los: [5, 10],
    drugs: [AMOXICILLIN, ACETAMINOPHEN],
    labs: BASIC_LABS,
    reports: ['chest_pneumonia'],
  },
  aspiration: {
    diagnosis: 'J69.0',
    los: [7, 14],
    drugs: [AMOXICILLIN],
    labs: BASIC_LABS,
    reports: ['chest_pneumonia'],
    procedures: ['0DH67UZ'],
  },
  pyelonephritis: {
    diagnosis: (rng) => (rng.chance(0.5) ? 'N10' : 'N39.0'),
    los: [4, 7],
    drugs: [AMOXICILLIN, ACETAMINOPHEN],
    labs: [...BASIC_LABS, '06013C'],
  },
  cellulitis: {
    diagnosis: (rng) => (rng.chance(0.5) ? 'L03.115' : 'L03.116'),
    los: [5, 8],
    drugs: [AMOXICILLIN, ACETAMINOPHEN],
    labs: ['08011C', '12015C'],
  },
  heartFailure: {
    diagnosis: (rng) => (rng.chance(0.5) ? 'I50.23' : 'I50.33'),
    los: [5, 9],
    drugs: [FUROSEMIDE, BISOPROLOL],
    labs: [...BASIC_LABS],
    reports: ['chest_heart_failure', 'echo_heart_failure'],
  },
  copd: {
    diagnosis: 'J44.1',
    los: [5, 9],
    drugs: [ERYTHROMYCIN, ACETAMINOPHEN],
    labs: ['08011C', '12015C'],
    reports: ['chest_normal'],
  },
  stroke: {
    diagnosis: 'I63.9',
    los: [7, 14],
    drugs: [ASPIRIN, DIPYRIDAMOLE, ATORVASTATIN],
    labs: [...BASIC_LABS, '09005C', '09001C', '09044C'],
    reports: ['ct_brain_infarct', 'chest_normal'],
    procedures: ['B020ZZZ'],
  },
  infarction: {
    diagnosis: 'I21.4',
    los: [4, 6],
    drugs: [ASPIRIN, BISOPROLOL, ATORVASTATIN],
    labs: [...BASIC_LABS, '08026C'],
    reports: ['echo_normal'],
    surgery: ['33076B', '027034Z'],
    procedures: ['4A023N7', 'B2111ZZ'],
  },
  hipFracture: {
    diagnosis: (rng) => rng.pick(['S72.001A', 'S72.002A', 'S72.141A']),
    los: [7, 12],
    drugs: [MEFENAMIC_ACID, ACETAMINOPHEN, AMOXICILLIN],
    labs: [...BASIC_LABS, '08026C'],
    reports: ['hip_fracture', 'chest_normal'],
    surgery: ['64029B', (rng) => (rng.chance(0.5) ? '0QS634Z' : '0SRR0J9')],
  },
  kneeReplacement: {
    diagnosis: (rng) => (rng.chance(0.5) ? 'M17.11' : 'M17.12'),
    los: [5, 7],
    drugs: [MEFENAMIC_ACID, AMOXICILLIN],
    labs: ['08011C', '09015C', '08026C'],
    reports: ['knee_oa'],
    surgery: ['64164B', (rng) => (rng.chance(0.5) ? '0SRC0J9' : '0SRD0J9')],
  },
  appendicitis: {
    diagnosis: 'K35.80',
    los: [3, 4],
    drugs: [AMOXICILLIN, ACETAMINOPHEN],
    labs: ['08011C', '12015C'],
    reports: ['pathology_appendix'],
    surgery: ['74004B', '0DTJ4ZZ'],
  },
  cholecystitis: {
    diagnosis: 'K80.00',
    los: [4, 6],
    drugs: [AMOXICILLIN, ACETAMINOPHEN],
    labs: ['08011C', '12015C', '09025C', '09026C', '09029C'],
    reports: ['abdomen_gallstone', 'pathology_gallbladder'],
    surgery: ['75215B', '0FT44ZZ'],
  },
  gastroenteritis: {
    diagnosis: 'A09',
    los: [2, 4],
    drugs: [ACETAMINOPHEN],
    labs: ['08011C', '09021C', '09022C'],
    secondary: ['E86.0'],
  },
  bronchiolitis: {
    diagnosis: 'J21.9',
    los: [3, 5],
    drugs: [ACETAMINOPHEN],
    labs: ['08011C', '12015C'],
    reports: ['chest_normal'],
  },
  sepsis: {
    diagnosis: 'A41.9',
    los: [8, 16],
    drugs: [AMOXICILLIN],
    labs: [...BASIC_LABS, '08026C'],
    reports: ['chest_normal'],
    procedures: ['02HV33Z', '0T9B70Z'],
  },
  turp: {
    diagnosis: 'N40.1',
    los: [3, 4],
    drugs: [TAMSULOSIN, AMOXICILLIN],
    labs: ['08011C', '09015C', '12081C'],
    surgery: ['79411B', '0VT08ZZ'],
  },
  cataract: {
    diagnosis: 'H25.13',
    los: [1, 1],
    drugs: [ACETAMINOPHEN],
    labs: [],
    surgery: ['86008C', (rng) => (rng.chance(0.5) ? '08RJ3JZ' : '08RK3JZ')],
  },
  delivery: {
    diagnosis: (rng) => (rng.chance(0.65) ? 'O80' : 'O82'),
    los: [3, 5],
    drugs: [ACETAMINOPHEN],
    labs: ['08011C'],
  },
} as const satisfies Record<string, Stay>;
type StayKind = keyof typeof STAYS;

/**
 * General admissions a year by age (stays for heart failure, COPD and childbirth come on top), set
 * so that all admissions together meet the published rate of about 0.13 a person-year, most of
 * them among young children and the elderly (docs/synthetic-population.md).
 */
export function admissionRate(age: number): number {
  if (age < 3) return 0.2;
  if (age < 15) return 0.05;
  if (age < 45) return 0.06;
  if (age < 65) return 0.12;
  if (age < 75) return 0.27;
  if (age < 85) return 0.42;
  return 0.58;
}

/** What a general admission is for, by age and conditions. */
function chooseStay(profile: Profile, age: number, day: number, rng: Rng): StayKind {
  const options: [StayKind, number][] = [];
  const push = (k: StayKind, w: number) => {
    if (w > 0) options.push([k, w]);
  };
  if (age < 3) {
    push('bronchiolitis', 4);
    push('gastroenteritis', 3);
    push('pneumonia', 2);
  } else if (age < 18) {
    push('appendicitis', 3);
    push('pneumonia', 3);
    push('gastroenteritis', 3);
    push('cellulitis', 1);
  } else {
    push('pneumonia', age >= 65 ? 6 : 2);
    push('pyelonephritis', profile.sex === 'female' ? 3 : 1.5);
    push('cellulitis', 2);
    push('appendicitis', age < 50 ? 3 : 0.5);
    push('cholecystitis', age >= 40 ? 2 : 0.5);
    push('gastroenteritis', age >= 75 ? 2 : 0.5);
    push('hipFracture', age >= 70 ? (hasOn(profile, 'osteoporosis', day) ? 4 : 2) : 0);
    push('kneeReplacement', age >= 60 && age < 82 && hasOn(profile, 'knee_oa', day) ? 3 : 0);
    push('turp', profile.sex === 'male' && hasOn(profile, 'bph', day) ? 1.5 : 0);
    push('cataract', age >= 60 ? 3 : 0);
    push('aspiration', age >= 80 && (hasOn(profile, 'dementia', day) || hasOn(profile, 'stroke', day)) ? 4 : 0);
    push('sepsis', age >= 75 ? 1 : 0);
  }
  let total = 0;
  for (const [, w] of options) total += w;
  let x = rng.next() * total;
  for (const [k, w] of options) {
    x -= w;
    if (x < 0) return k;
  }
  return options[0]?.[0] ?? 'pneumonia';
}

function levelFees(f: Facility): { doctor: string; ward: string; nursing: string } {
  switch (f.level) {
    case 'medical_center':
      return { doctor: '02006K', ward: '03001K', nursing: '03026K' };
    case 'regional_hospital':
      return { doctor: '02007A', ward: '03002A', nursing: '03027A' };
    default:
      return { doctor: '02008B', ward: '03004B', nursing: '03029B' };
  }
}

/** Chronic comorbidities listed after the principal diagnosis. */
const COMORBIDITY_CODES: readonly [Parameters<typeof hasOn>[1], string][] = [
  ['diabetes', 'E11.9'],
  ['hypertension', 'I10'],
  ['ckd', 'N18.30'],
  ['heart_failure', 'I50.9'],
  ['atrial_fibrillation', 'I48.91'],
  ['hyperlipidemia', 'E78.5'],
  ['copd', 'J44.9'],
  ['dementia', 'F03.90'],
];

function admit(chart: Chart, profile: Profile, rng: Rng, day: number, kind: StayKind): boolean {
  const stay: Stay = STAYS[kind];
  const los = Math.min(rng.int(stay.los[0], stay.los[1]), profile.end - day);
  if (los < 1 || day < profile.start) return false;
  const discharge = day + los;
  const p = profile.places;
  const facility = rng.chance(0.6) ? p.hospital : p.medicalCenter;
  const fees = levelFees(facility);
  const principal = typeof stay.diagnosis === 'string' ? stay.diagnosis : stay.diagnosis(rng);
  const start = isoOf(day);
  const end = isoOf(Math.max(day, discharge - 1));
  const orders: InpatientOrder[] = [
    { ...feeOrder(fees.doctor, los), start, end },
    { ...feeOrder(fees.ward, los), start, end },
  ];
  if (los >= 2) orders.push({ ...feeOrder(fees.nursing, los - 1), start: isoOf(day + 1), end });
  const drugDays = Math.max(1, los);
  for (const code of stay.drugs) orders.push({ ...drugOrder(code, drugDays), start, end });
  if (stay.labs.length > 0) {
    for (const o of addLabs(chart, profile, rng, day, facility, stay.labs)) orders.push({ ...o, start, end: start });
  }
  for (const topic of stay.reports ?? []) {
    const reportDay = topic.startsWith('pathology') ? Math.min(discharge, day + 1) : day;
    const code = addReport(chart, rng, reportDay, facility, topic, profile.end);
    orders.push({ ...feeOrder(code), start: isoOf(reportDay), end: isoOf(reportDay) });
  }
  const procedures: string[] = [];
  if (stay.surgery) {
    const [order, pcs] = stay.surgery;
    const surgeryDay = isoOf(Math.min(discharge, day + (los > 2 ? 1 : 0)));
    orders.push({ ...feeOrder(order), start: surgeryDay, end: surgeryDay });
    procedures.push(typeof pcs === 'string' ? pcs : pcs(rng));
  }
  if (kind === 'delivery') procedures.push(principal === 'O80' ? '10E0XZZ' : '10D00Z1');
  procedures.push(...(stay.procedures ?? []));
  if (ageAt(profile, day) >= 65) orders.push({ ...feeOrder('02025B'), start: end, end });
  const comorbid = COMORBIDITY_CODES.filter(([id]) => hasOn(profile, id, day)).map(([, code]) => code);
  let points = 0;
  for (const o of orders) points += orderPoints(o);
  points = Math.round(points + los * 1200);
  const record: InpatientRecord = {
    id: chart.nextId(),
    date: start,
    category: 'inpatient',
    institution: institution(facility),
    admissionDate: start,
    dischargeDate: isoOf(discharge),
    serial: chart.nextSerial(day),
    diagnoses: uniqueCodes([principal, ...(stay.secondary ?? []), ...comorbid], 20).map(dx),
    procedures: uniqueCodes(procedures, 20).map(px),
    copay: Math.min(49_000, Math.round(points * 0.1)),
    points,
    orders,
  };
  chart.push(record);
  return true;
}

/** Hospital stays over the history; `planned` stays (the personas') are admitted first. */
export function hospitalStays(
  chart: Chart,
  profile: Profile,
  rng: Rng,
  planned: readonly (readonly [day: number, kind: StayKind])[] = [],
): void {
  const occupied: [number, number][] = [];
  const tryAdmit = (day: number, kind: StayKind): boolean => {
    if (occupied.some(([a, b]) => day >= a - 3 && day <= b + 3)) return false;
    if (!admit(chart, profile, rng, day, kind)) return false;
    occupied.push([day, day + STAYS[kind].los[1]]);
    return true;
  };
  for (const [day, kind] of planned) tryAdmit(day, kind);
  // A stroke or infarction diagnosed during the history starts with an admission.
  for (const [id, kind] of [
    ['stroke', 'stroke'],
    ['cad', 'infarction'],
  ] as const) {
    const c = profile.conditions.get(id);
    if (c && c.onset >= profile.start && rng.chance(0.75)) tryAdmit(c.onset, kind);
  }
  for (let year = yearOf(profile.start); year <= yearOf(profile.end); year++) {
    const from = Math.max(profile.start, Date.UTC(year, 0, 1) / 86_400_000);
    const to = Math.min(profile.end, Date.UTC(year, 11, 31) / 86_400_000);
    if (to < from) continue;
    const fraction = (to - from + 1) / 365;
    const age = ageAt(profile, from);
    for (let n = rng.poisson(admissionRate(age) * fraction); n > 0; n--) {
      const day = rng.int(from, to);
      tryAdmit(day, chooseStay(profile, ageAt(profile, day), day, rng));
    }
    if (hasOn(profile, 'heart_failure', from) && rng.chance(0.25 * fraction))
      tryAdmit(rng.int(from, to), 'heartFailure');
    if (hasOn(profile, 'copd', from) && rng.chance(0.12 * fraction)) tryAdmit(rng.int(from, to), 'copd');
    if (profile.sex === 'female' && age >= 22 && age <= 40 && rng.chance(0.055 * fraction)) {
      const day = rng.int(from, to);
      if (tryAdmit(day, 'delivery')) prenatalCare(chart, profile, rng, day);
    }
  }
}

export type { StayKind };

/**
 * Prenatal check-ups (產前檢查) at an obstetrics clinic before a delivery: NHI pays for about
 * fourteen, from the first trimester to term; most mothers attend ten or more.
 */
function prenatalCare(chart: Chart, profile: Profile, rng: Rng, delivery: number): void {
  const clinic = profile.remote ? profile.places.hospital : profile.places.specialists.obstetrics;
  const visits = rng.int(8, 13);
  const first = delivery - rng.int(230, 250);
  for (let i = 0; i < visits; i++) {
    // Monthly at first, then every two weeks, weekly near term.
    const planned = first + Math.round((delivery - 7 - first) * (1 - (1 - i / visits) ** 1.6));
    if (planned < profile.start) continue;
    const day = openDay(clinic, planned, profile, rng);
    if (day >= delivery) break;
    chart.visit('outpatient', day, clinic, ['Z34.90'], [feeOrder(clinic.level === 'clinic' ? '00110C' : '00156A')], {
      copay: outpatientCopay(clinic, profile.remote, false),
    });
  }
}
