/**
 * Preventive care: the adult preventive health check (成人預防保健: every three years from 40 to
 * 64, yearly from 65) with results consistent with the person's conditions, and the four
 * national cancer screenings by eligibility (Pap smear for women 30+ every three years,
 * mammography for women 45–69 every two years, FIT for 50–74 every two years, oral mucosa
 * examination for smokers and betel-nut chewers 30+ every two years).
 */
import type { AdultPreventiveRecord, Assessment, CancerScreeningRecord, ScreeningKind } from '@healthbank/records';
import { type Chart, drugOrder, feeOrder, institution, outpatientCopay } from '../chart.js';
import { addYears, isoOf } from '../days.js';
import type { Facility } from '../institutions.js';
import { bloodPressure, creatinineFromEgfr, egfrFromCreatinine, fastingGlucose, SampleDay } from '../physiology.js';
import { ageAt, hasOn, type Profile } from '../profile.js';
import { addReport } from '../reports.js';
import type { Rng } from '../rng.js';
import { openDay } from '../schedule.js';

const round = (x: number, d = 0) => Number(x.toFixed(d));
const assess = (ok: boolean, normal: string, abnormal: string, followUp = false): Assessment =>
  ok ? { status: 'normal', text: normal } : { status: followUp ? 'follow_up' : 'abnormal', text: abnormal };

/** The first day a person is `age` years old. */
function birthday(profile: Profile, age: number): number {
  return addYears(profile.birth, age);
}

/**
 * Offers a service every `years` years while a person is aged `fromAge`–`toAge`; each offer is
 * taken with probability `take`, and a taken one is never repeated within the interval.
 */
function cycles(
  profile: Profile,
  rng: Rng,
  fromAge: number,
  toAge: number,
  years: number,
  take: number,
  visit: (day: number) => void,
  place: Facility,
): void {
  const interval = Math.round(years * 365.25);
  const firstDay = Math.max(birthday(profile, fromAge), profile.start);
  const lastDay = Math.min(profile.end, birthday(profile, toAge + 1) - 1);
  // People already eligible when the history starts are at a random point of their cycle.
  let day = firstDay + rng.int(0, birthday(profile, fromAge) >= profile.start ? 180 : interval - 1);
  while (day <= lastDay) {
    if (rng.chance(take)) {
      // On a day the place is open, still within the ages the service is offered at.
      day = openDay(place, day, { start: firstDay, end: lastDay }, rng);
      visit(day);
      day += interval + rng.int(0, 120);
    } else {
      day += rng.int(Math.round(interval / 3), interval);
    }
  }
}

export function preventiveCare(chart: Chart, profile: Profile, rng: Rng): void {
  const participant = rng.chance(Math.min(0.95, 0.55 * profile.engagement));
  if (!participant) return;
  const place = profile.remote ? profile.places.healthStation : profile.places.clinic;
  let screenedHepatitis = false;
  const check = (day: number) => {
    const age = ageAt(profile, day);
    // Hepatitis B and C screening once in a lifetime for those aged 45–79, since 2020.
    const hepatitis = !screenedHepatitis && age >= 45 && age <= 79 && isoOf(day) >= '2020-09-01';
    if (hepatitis) screenedHepatitis = true;
    preventiveCheck(chart, profile, rng, day, place, hepatitis);
  };
  cycles(profile, rng, 40, 64, 3, 0.85, check, place);
  cycles(profile, rng, 65, 120, 1, 0.88, check, place);
}

function preventiveCheck(
  chart: Chart,
  profile: Profile,
  rng: Rng,
  day: number,
  place: Facility,
  hepatitis: boolean,
): void {
  const sample = new SampleDay(profile, day, rng);
  const age = ageAt(profile, day);
  const female = profile.sex === 'female';
  const ph = profile.physiology;
  const height = round(ph.heightCm + rng.normal(0, 0.4), 1);
  const bmiNow = Math.max(15, ph.bmi + rng.normal(0, 0.5));
  const weight = round((bmiNow * height * height) / 10_000, 1);
  const bmi = round(weight / (height / 100) ** 2, 1);
  const waist = round((female ? 2.45 : 2.6) * bmi + (female ? 16 : 20) + rng.normal(0, 3), 1);
  const bp = bloodPressure(profile, day, rng);
  const systolic = Math.round(bp.systolic);
  const diastolic = Math.round(bp.diastolic);
  const { total, tg, hdl, ldl } = sample.lipids;
  const glucose = Math.round(fastingGlucose(profile, day, rng, sample.a1c));
  const creatinine = round(creatinineFromEgfr(sample.egfr, Math.max(18, age), profile.sex), 2);
  const egfr = round(egfrFromCreatinine(creatinine, Math.max(18, age), profile.sex), 1);
  const bun = Math.round(11 + Math.max(0, 90 - egfr) * 0.45 + rng.normal(0, 2.5));
  const alt = Math.round(Math.max(5, ph.liverEnzymes + rng.normal(0, 5)));
  const ast = Math.round(Math.max(8, ph.liverEnzymes * 0.9 + rng.normal(0, 4)));
  const kidneyDisease = hasOn(profile, 'ckd', day) || egfr < 60;
  const urineProtein =
    kidneyDisease && rng.chance(0.6)
      ? rng.chance(0.5)
        ? 'trace'
        : 'positive'
      : rng.chance(0.03)
        ? 'trace'
        : 'negative';
  const htn = hasOn(profile, 'hypertension', day);
  const dm = hasOn(profile, 'diabetes', day);
  const metabolic =
    [
      waist >= (female ? 80 : 90),
      systolic >= 130 || diastolic >= 85 || htn,
      glucose >= 100 || dm,
      tg >= 150,
      hdl < (female ? 50 : 40),
    ].filter(Boolean).length >= 3;
  const qty = (value: number, unit: string) => ({ value, unit });
  const record: AdultPreventiveRecord = {
    id: chart.nextId(),
    date: isoOf(day),
    category: 'adult_preventive',
    institution: institution(place),
    phone: place.phone,
    measurements: {
      height: qty(height, 'cm'),
      weight: qty(weight, 'kg'),
      bmi: qty(bmi, 'kg/m2'),
      waist: qty(waist, 'cm'),
      systolic: qty(systolic, 'mm[Hg]'),
      diastolic: qty(diastolic, 'mm[Hg]'),
      totalCholesterol: qty(Math.round(total), 'mg/dL'),
      triglycerides: qty(Math.round(tg), 'mg/dL'),
      hdl: qty(Math.round(hdl), 'mg/dL'),
      ldl: qty(Math.round(ldl), 'mg/dL'),
      fastingGlucose: qty(glucose, 'mg/dL'),
      bun: qty(bun, 'mg/dL'),
      creatinine: qty(creatinine, 'mg/dL'),
      egfr: qty(egfr, 'mL/min/{1.73_m2}'),
      ast: qty(ast, 'U/L'),
      alt: qty(alt, 'U/L'),
    },
    urineProtein,
    metabolicSyndrome: metabolic,
    assessments: {
      bloodPressure: assess(
        systolic < 130 && diastolic < 85,
        '血壓正常',
        htn ? '高血壓，請持續規則服藥並追蹤' : '血壓偏高，建議追蹤',
        !htn,
      ),
      lipids: assess(
        total < 200 && tg < 150 && ldl < 130 && hdl >= 40,
        '血脂正常',
        '血脂異常，建議飲食控制並追蹤',
        true,
      ),
      glucose: assess(
        glucose < 100,
        '血糖正常',
        dm ? '糖尿病，請持續追蹤治療' : glucose >= 126 ? '血糖偏高，建議進一步檢查' : '空腹血糖偏高，建議追蹤',
        !dm,
      ),
      kidney: assess(
        egfr >= 60 && urineProtein === 'negative',
        '腎功能正常',
        kidneyDisease ? '腎功能異常，建議腎臟科追蹤' : '尿蛋白異常，建議複檢',
        !kidneyDisease,
      ),
      liver: assess(alt <= 40 && ast <= 40, '肝功能正常', '肝功能指數偏高，建議追蹤', true),
    },
  };
  if (hepatitis) {
    const hbsag = profile.conditions.has('hbv') ? 'positive' : 'negative';
    const antiHcv = ph.antiHcv ? 'positive' : 'negative';
    record.hbsag = hbsag;
    record.antiHcv = antiHcv;
    record.assessments.hepatitisB = assess(
      hbsag === 'negative',
      'B型肝炎表面抗原陰性',
      'B型肝炎帶原，建議定期追蹤腹部超音波',
      true,
    );
    record.assessments.hepatitisC = assess(
      antiHcv === 'negative',
      'C型肝炎抗體陰性',
      'C型肝炎抗體陽性，建議轉診治療',
      true,
    );
  }
  chart.push(record);
}

const ITEMS: Readonly<Record<ScreeningKind, string>> = {
  cervical: '子宮頸抹片檢查',
  breast: '乳房X光攝影檢查',
  colorectal: '定量免疫法糞便潛血檢查',
  oral: '口腔黏膜檢查',
};

interface Outcome {
  readonly result: 'negative' | 'positive' | 'inadequate';
  readonly text: string;
  readonly note?: string;
}

function outcome(kind: ScreeningKind, rng: Rng): Outcome {
  const x = rng.next();
  switch (kind) {
    case 'cervical':
      if (x < 0.006) return { result: 'inadequate', text: '檢體不適當', note: '建議三個月內重新採檢' };
      if (x < 0.026)
        return {
          result: 'positive',
          text: rng.pick(['ASC-US', 'LSIL', 'LSIL', 'HSIL']),
          note: '抹片異常，建議陰道鏡檢查',
        };
      return { result: 'negative', text: '無上皮內病變或惡性病變 (NILM)' };
    case 'breast':
      if (x < 0.08)
        return {
          result: 'positive',
          text: rng.pick(['BI-RADS 0，需進一步評估', 'BI-RADS 4，可疑異常']),
          note: '請至乳房外科接受進一步檢查',
        };
      return { result: 'negative', text: rng.pick(['BI-RADS 1，陰性', 'BI-RADS 2，良性發現']) };
    case 'colorectal':
      if (x < 0.005) return { result: 'inadequate', text: '檢體不適當', note: '請重新採檢' };
      if (x < 0.055) {
        return { result: 'positive', text: `陽性 (${rng.int(25, 900)} ng/mL)`, note: '建議接受大腸鏡檢查' };
      }
      return { result: 'negative', text: '陰性' };
    case 'oral':
      if (x < 0.05)
        return {
          result: 'positive',
          text: rng.pick(['白斑', '紅斑', '口腔黏膜下纖維化']),
          note: '建議轉診耳鼻喉科或口腔外科',
        };
      return { result: 'negative', text: '未發現異常' };
  }
}

function screen(chart: Chart, profile: Profile, rng: Rng, day: number, kind: ScreeningKind, place: Facility): void {
  const o = outcome(kind, rng);
  const record: CancerScreeningRecord = {
    id: chart.nextId(),
    date: isoOf(day),
    category: 'cancer_screening',
    kind,
    institution: institution(place),
    item: ITEMS[kind],
    result: o.result,
    resultText: o.text,
    ...(o.note ? { note: o.note } : {}),
  };
  chart.push(record);
  if (o.result === 'positive') followUp(chart, profile, rng, day, kind);
}

/** Positive screens lead to a diagnostic work-up a few weeks later. */
function followUp(chart: Chart, profile: Profile, rng: Rng, screened: number, kind: ScreeningKind): void {
  const site = profile.places.hospital;
  const day = openDay(site, screened + rng.int(14, 60), profile, rng);
  if (day > profile.end || !rng.chance(0.8)) return;
  const copay = outpatientCopay(site, profile.remote, false);
  if (kind === 'colorectal') {
    const polyp = rng.chance(0.55);
    const orders = [
      feeOrder('00156A'),
      feeOrder(addReport(chart, rng, day, site, polyp ? 'colonoscopy_polyp' : 'colonoscopy_normal', profile.end)),
    ];
    const procedures = ['0DJD8ZZ'];
    if (polyp) {
      orders.push(feeOrder(addReport(chart, rng, day, site, 'pathology_adenoma', profile.end)));
      procedures.push('0DBK8ZZ');
    }
    chart.visit('outpatient', day, site, [polyp ? 'K63.5' : 'R19.5', 'Z12.11'], orders, { copay, procedures });
  } else if (kind === 'breast') {
    const orders = [
      feeOrder('00156A'),
      feeOrder(addReport(chart, rng, day, site, 'mammography_diagnostic', profile.end)),
      feeOrder(addReport(chart, rng, day, site, 'breast_followup', profile.end)),
    ];
    chart.visit('outpatient', day, site, ['R92.8'], orders, { copay, procedures: ['BH02ZZZ', 'BH42ZZZ'] });
  } else if (kind === 'cervical') {
    chart.visit(
      'outpatient',
      day,
      site,
      [rng.chance(0.5) ? 'R87.610' : 'R87.612'],
      [feeOrder('00156A'), feeOrder('15021C')],
      { copay },
    );
  } else {
    chart.visit('outpatient', day, site, ['K13.21'], [feeOrder('00156A'), drugOrder('A000076100', 3)], { copay });
  }
}

export function cancerScreening(chart: Chart, profile: Profile, rng: Rng): void {
  const e = profile.engagement;
  const p = profile.places;
  const place = profile.remote ? p.healthStation : p.clinic;
  const hospital = p.hospital;
  if (profile.sex === 'female') {
    // Smears are taken by gynaecologists, family doctors and the 衛生所: never at, say, an
    // orthopaedic clinic.
    const smear = profile.remote ? p.healthStation : rng.chance(0.55) ? p.specialists.obstetrics : place;
    if (rng.chance(Math.min(0.9, 0.55 * e)))
      cycles(profile, rng, 30, 120, 3, 0.85, (d) => screen(chart, profile, rng, d, 'cervical', smear), smear);
    if (rng.chance(Math.min(0.9, 0.42 * e)))
      cycles(profile, rng, 45, 69, 2, 0.85, (d) => screen(chart, profile, rng, d, 'breast', hospital), hospital);
  }
  if (rng.chance(Math.min(0.9, 0.42 * e)))
    cycles(profile, rng, 50, 74, 2, 0.85, (d) => screen(chart, profile, rng, d, 'colorectal', place), place);
  if ((profile.smoker || profile.formerSmoker || profile.betel) && rng.chance(Math.min(0.9, 0.35 * e))) {
    cycles(profile, rng, 30, 120, 2, 0.8, (d) => screen(chart, profile, rng, d, 'oral', place), place);
  }
}
