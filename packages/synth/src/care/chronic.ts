/**
 * Chronic care: patients with chronic conditions see the doctor at their usual place of care every
 * month, or every three months with a refill prescription (慢性病連續處方箋) whose second and third
 * months a community pharmacy dispenses as its own claims; each claim supplies at most about a
 * month of drugs. Visits carry the labs each disease calls for; hepatitis B carriers and people
 * with osteoporosis are also followed at a hospital.
 */
import type { Order } from '@healthbank/records';
import { type Chart, drugOrder, feeOrder, outpatientCopay } from '../chart.js';
import type { ConditionId } from '../conditions.js';
import type { Facility } from '../institutions.js';
import { addLabs } from '../labs.js';
import { ckdStageCode, SampleDay } from '../physiology.js';
import { ageAt, hasOn, type Profile } from '../profile.js';
import { regimen } from '../regimen.js';
import { addReport } from '../reports.js';
import type { Rng } from '../rng.js';
import { openDay } from '../schedule.js';

/** Conditions followed at the usual place of chronic care, in the order diagnoses are listed. */
const MANAGED: readonly ConditionId[] = [
  'diabetes',
  'ckd',
  'hypertension',
  'heart_failure',
  'cad',
  'atrial_fibrillation',
  'stroke',
  'hyperlipidemia',
  'copd',
  'asthma',
  'gout',
  'bph',
  'hypothyroidism',
  'dementia',
  'depression',
  'insomnia',
  'gerd',
  'knee_oa',
];

function diagnosisCode(id: ConditionId, profile: Profile, sample: SampleDay, rng: Rng): string {
  switch (id) {
    case 'diabetes':
      if (hasOn(profile, 'ckd', sample.day)) return 'E11.22';
      return sample.a1c > 8.5 ? 'E11.65' : (profile.index * 7 + 3) % 11 === 0 ? 'E11.40' : 'E11.9';
    case 'ckd':
      return ckdStageCode(sample.egfr);
    case 'hypertension':
      return hasOn(profile, 'ckd', sample.day) ? (sample.egfr < 15 ? 'I12.0' : 'I12.9') : 'I10';
    case 'heart_failure':
      return profile.index % 2 === 0 ? 'I50.22' : 'I50.32';
    case 'cad':
      return 'I25.10';
    case 'atrial_fibrillation':
      return 'I48.91';
    case 'stroke':
      return profile.index % 3 === 0 ? 'I69.354' : 'I69.398';
    case 'hyperlipidemia':
      return profile.treatment.fibrate ? 'E78.2' : 'E78.5';
    case 'copd':
      return 'J44.9';
    case 'asthma':
      return 'J45.909';
    case 'gout':
      return 'M10.9';
    case 'bph':
      return 'N40.1';
    case 'hypothyroidism':
      return 'E03.9';
    case 'dementia':
      return 'F03.90';
    case 'depression':
      return rng.chance(0.5) ? 'F32.A' : 'F33.1';
    case 'insomnia':
      return 'G47.00';
    case 'gerd':
      return 'K21.9';
    case 'knee_oa':
      return 'M17.0';
    default:
      return 'Z76.0';
  }
}

/**
 * The consultation fee of a chronic-care visit at this kind of place: the refill-prescription
 * item when the visit writes one, the ordinary item (prescription filled at a pharmacy) when not.
 */
function chronicFee(facility: Facility, remote: boolean, refill: boolean): string {
  switch (facility.level) {
    case 'medical_center':
    case 'regional_hospital':
      return refill ? '00155A' : '00154A';
    case 'district_hospital':
      return remote ? (refill ? '00135B' : '00105B') : refill ? '00131B' : '00101B';
    default:
      return refill ? '00158C' : '00109C';
  }
}

interface LabClock {
  last: Map<string, number>;
}

function due(clock: LabClock, key: string, day: number, every: number): boolean {
  const last = clock.last.get(key);
  if (last !== undefined && day - last < every) return false;
  clock.last.set(key, day);
  return true;
}

function labsDue(profile: Profile, day: number, clock: LabClock, sample: SampleDay): string[] {
  const has = (id: ConditionId) => hasOn(profile, id, day);
  const codes: string[] = [];
  const dm = has('diabetes');
  const ckd = has('ckd');
  // Quarterly HbA1c: at every three-monthly visit, or every third monthly one.
  if (dm && due(clock, 'a1c', day, 60)) codes.push('09006C', '09005C');
  if ((dm || has('hyperlipidemia')) && due(clock, 'lipids', day, dm ? 160 : 300)) {
    codes.push('09001C', '09004C', '09043C', '09044C');
  }
  if ((dm || has('hypertension') || ckd) && due(clock, 'kidney', day, ckd && sample.egfr < 45 ? 75 : ckd ? 160 : 330)) {
    codes.push('09015C', '09002C');
    if (ckd) codes.push('09022C');
  }
  if ((dm || ckd) && due(clock, 'albuminuria', day, 330)) codes.push('12111C', '09016C', '06013C');
  if (dm && due(clock, 'alt', day, 330)) codes.push('09026C');
  if (!dm && has('hypertension') && due(clock, 'glucose', day, 330)) codes.push('09005C');
  if ((has('gout') || ckd) && due(clock, 'uric', day, 160)) codes.push('09013C');
  if ((ckd && sample.egfr < 45) || has('atrial_fibrillation')) {
    if (due(clock, 'cbc', day, 330)) codes.push('08011C');
  }
  if (has('hypothyroidism') && due(clock, 'tsh', day, 160)) codes.push('09112C', '09106C');
  if (has('bph') && due(clock, 'psa', day, 330)) codes.push('12081C');
  if (has('heart_failure') && due(clock, 'electrolytes', day, 160)) codes.push('09021C', '09022C');
  return [...new Set(codes)];
}

/** Chronic-care visits at the usual place, from the first diagnosis to the end of the history. */
export function chronicCare(chart: Chart, profile: Profile, rng: Rng): void {
  const managed = MANAGED.filter((id) => profile.conditions.has(id));
  if (managed.length > 0) routineVisits(chart, profile, rng, managed);
  hepatitisBSurveillance(chart, profile, rng);
  osteoporosisFollowUp(chart, profile, rng);
}

function routineVisits(chart: Chart, profile: Profile, rng: Rng, managed: readonly ConditionId[]): void {
  const firstOnset = Math.min(...managed.map((id) => profile.conditions.get(id)?.onset ?? profile.end));
  const site = profile.places.chronic;
  const { supplyDays, refills } = profile.treatment;
  const clock: LabClock = { last: new Map() };
  let enrolledAt = -1;
  let annualAt = -1;
  const inCareProgram =
    hasOn(profile, 'diabetes', profile.end) && (profile.index % 2 === 0 || profile.citizen.persona === 'A小姐');
  let day = openDay(site, Math.max(profile.start, firstOnset) + rng.int(0, 14), profile, rng);
  let first = true;
  while (day <= profile.end) {
    const sample = new SampleDay(profile, day, rng);
    const active = managed.filter((id) => hasOn(profile, id, day));
    const codes = active.map((id) => diagnosisCode(id, profile, sample, rng));
    const drugs = regimen(profile, day, sample.egfr);
    // A refill prescription is written once the regimen has settled (not at the first visit).
    const refill = refills && !first && drugs.length > 0;
    const orders: Order[] = [feeOrder(chronicFee(site, profile.remote, refill))];
    for (const p of drugs) orders.push(drugOrder(p.code, supplyDays, p.unitsPerDay));
    const labs = labsDue(profile, day, clock, sample);
    if (labs.length > 0) orders.push(...addLabs(chart, profile, rng, day, site, labs, sample));
    if (inCareProgram && labs.includes('09006C')) {
      if (enrolledAt < 0) {
        enrolledAt = day;
        annualAt = day;
        orders.push(feeOrder('P1407C'));
      } else if (day - annualAt >= 330) {
        annualAt = day;
        orders.push(feeOrder('P1409C'));
      } else {
        orders.push(feeOrder('P1408C'));
      }
    }
    const cardiac = active.some((id) => id === 'cad' || id === 'atrial_fibrillation' || id === 'heart_failure');
    const procedures: string[] = [];
    if (cardiac && due(clock, 'ecg', day, 330)) {
      orders.push(feeOrder('18001C'));
      procedures.push('4A02X4Z');
    }
    if (hasOn(profile, 'heart_failure', day) && due(clock, 'echo', day, 360)) {
      orders.push(feeOrder(addReport(chart, rng, day, site, 'echo_heart_failure', profile.end)));
    }
    if (hasOn(profile, 'knee_oa', day) && due(clock, 'knee', day, 99_999)) {
      orders.push(feeOrder(addReport(chart, rng, day, site, 'knee_oa', profile.end)));
    }
    if (codes.length === 0) codes.push('Z76.0');
    const serial = chart.visit('outpatient', day, site, codes, orders, {
      copay: outpatientCopay(site, profile.remote, true),
      procedures,
    });
    const next = refill ? pharmacyRefills(chart, profile, rng, day, codes, drugs, serial) : day + supplyDays;
    first = false;
    // The odd late visit; a few patients lapse for a while.
    day = openDay(site, next + rng.int(-3, 4) + (rng.chance(0.03) ? rng.int(20, 90) : 0), profile, rng);
  }
}

/**
 * The second and third months of a refill prescription, each dispensed by the patient's
 * community pharmacy as its own claim (藥事服務費 05210B, no copay), about a month apart: a refill
 * may be collected up to ten days before the last supply runs out. Returns the day the next
 * doctor's visit falls due.
 */
function pharmacyRefills(
  chart: Chart,
  profile: Profile,
  rng: Rng,
  written: number,
  codes: readonly string[],
  drugs: readonly { code: string; unitsPerDay?: number }[],
  serial: string,
): number {
  const pharmacy = profile.places.pharmacy;
  const { supplyDays } = profile.treatment;
  let last = written;
  for (let refill = 0; refill < 2; refill++) {
    const planned = last + supplyDays - rng.int(0, 7) + (rng.chance(0.1) ? rng.int(1, 10) : 0);
    const day = openDay(pharmacy, planned, profile, rng, 'later');
    if (day > profile.end) return day;
    const orders: Order[] = [feeOrder(supplyDays >= 28 ? '05210B' : '05206B')];
    for (const p of drugs) orders.push(drugOrder(p.code, supplyDays, p.unitsPerDay));
    chart.visit('outpatient', day, pharmacy, codes, orders, { copay: 0, serial });
    last = day;
  }
  return last + supplyDays - rng.int(0, 5);
}

function hepatitisBSurveillance(chart: Chart, profile: Profile, rng: Rng): void {
  const hbv = profile.conditions.get('hbv');
  if (!hbv || profile.index % 20 >= 11) return;
  const site =
    profile.places.hospital.level === 'district_hospital' ? profile.places.medicalCenter : profile.places.hospital;
  for (let planned = Math.max(profile.start, hbv.onset) + rng.int(0, 120); planned <= profile.end; ) {
    const day = openDay(site, planned, profile, rng);
    const active = profile.physiology.liverEnzymes > 40;
    const orders = [feeOrder('00156A')];
    orders.push(...addLabs(chart, profile, rng, day, site, ['09025C', '09026C', '12007C']));
    orders.push(feeOrder(addReport(chart, rng, day, site, 'abdomen_hbv', profile.end)));
    chart.visit('outpatient', day, site, [active ? 'B18.1' : 'Z22.51'], orders, {
      copay: outpatientCopay(site, profile.remote, false),
      procedures: ['BW40ZZZ'],
    });
    planned = day + rng.int(160, 380);
  }
}

function osteoporosisFollowUp(chart: Chart, profile: Profile, rng: Rng): void {
  const c = profile.conditions.get('osteoporosis');
  if (!c) return;
  const site = profile.places.hospital;
  for (let planned = Math.max(profile.start, c.onset) + rng.int(0, 60); planned <= profile.end; ) {
    const day = openDay(site, planned, profile, rng);
    // No osteoporosis drug has a verified NHI code here; the visit carries the bone-density report.
    const orders = [feeOrder('00156A'), feeOrder(addReport(chart, rng, day, site, 'dxa_osteoporosis', profile.end))];
    chart.visit('outpatient', day, site, ['M81.0'], orders, { copay: outpatientCopay(site, profile.remote, false) });
    planned = day + rng.int(700, 800);
    if (ageAt(profile, planned) > 95) break;
  }
}
