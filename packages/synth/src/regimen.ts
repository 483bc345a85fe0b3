/**
 * The chronic drugs a person takes on a given day: each condition's regimen as it escalates over
 * the years since diagnosis, with each drug ingredient listed once.
 */
import { drug } from '@healthbank/records';
import type { ConditionId } from './conditions.js';
import type { Profile } from './profile.js';

const YEAR = 365.25;

/** Drug codes by role; checked against the code list when this module loads. */
export const DRUG = {
  aspirin: 'AC43920100',
  clopidogrel: 'AC48993100',
  apixaban: 'BC25681100',
  bisoprolol: 'AC45598100',
  carvedilol: 'AC47765100',
  hctz: 'AC39880100',
  furosemide: 'AC38715100',
  spironolactone: 'AC40311100',
  ezetimibe: 'BC23710100',
  fenofibrate: 'AC47311100',
  insulin: 'KC00927238',
  allopurinol: 'AC37420100',
  febuxostat: 'BC25380100',
  tiotropium: 'BC23230100',
  budesonideFormoterol: 'BC22780100',
  esomeprazole: 'BC23015100',
  celecoxib: 'BC23160100',
  acetaminophen: 'AC38550100',
  zolpidem: 'AC46670100',
  sertraline: 'AC47422100',
  alprazolam: 'AC39420100',
  levothyroxine: 'BC20581100',
  tamsulosin: 'BC22010100',
  calciumCarbonate: 'AC36812100',
  donepezil: 'AC47021100',
  metformin500: 'AC46185100',
} as const;
for (const code of Object.values(DRUG)) drug(code);

export interface Prescription {
  readonly code: string;
  readonly unitsPerDay?: number;
}

function years(profile: Profile, id: ConditionId, day: number): number {
  const c = profile.conditions.get(id);
  return c === undefined ? -1 : (day - c.onset) / YEAR;
}

/** The chronic prescriptions on a day, for the conditions diagnosed by then. */
export function regimen(profile: Profile, day: number, egfr: number): Prescription[] {
  const t = profile.treatment;
  const out: Prescription[] = [];
  const seen = new Set<string>();
  const add = (code: string, unitsPerDay?: number) => {
    const ingredient = drug(code).ingredient;
    if (seen.has(ingredient)) return;
    seen.add(ingredient);
    out.push(unitsPerDay === undefined ? { code } : { code, unitsPerDay });
  };
  const y = (id: ConditionId) => years(profile, id, day);

  const dm = y('diabetes');
  if (dm >= 0) {
    if (egfr >= 30) add(t.metformin, t.metformin === DRUG.metformin500 ? (dm > 3 ? 3 : 2) : dm > 3 ? 2 : 1);
    if (dm >= t.secondDiabetesAt) add(t.secondDiabetesDrug);
    if (dm >= t.sglt2At && egfr >= 25) add(t.sglt2);
    if (dm >= t.insulinAt) add(DRUG.insulin);
  }
  const htn = y('hypertension');
  if (htn >= 0) {
    add(t.firstBp);
    if (htn >= t.secondBpAt) add(t.secondBp);
    if (htn >= t.thirdBpAt) add(profile.conditions.has('heart_failure') ? DRUG.bisoprolol : DRUG.hctz);
  }
  const lipid = y('hyperlipidemia');
  if (lipid >= 0.15) {
    add(t.statin);
    if (lipid >= t.ezetimibeAt) add(DRUG.ezetimibe);
    if (t.fibrate && lipid >= 1) add(DRUG.fenofibrate);
  }
  if (y('cad') >= 0) {
    add(DRUG.aspirin);
    add(DRUG.bisoprolol);
    add(t.statin);
  }
  if (y('stroke') >= 0) {
    add(profile.conditions.has('atrial_fibrillation') ? DRUG.apixaban : DRUG.clopidogrel);
    add(t.statin);
  }
  if (y('atrial_fibrillation') >= 0) {
    add(DRUG.apixaban);
    add(DRUG.bisoprolol);
  }
  if (y('heart_failure') >= 0) {
    add(DRUG.furosemide);
    add(DRUG.bisoprolol);
    add(DRUG.spironolactone);
  }
  const ckd = y('ckd');
  if (ckd >= 0 && egfr < 30) add(DRUG.calciumCarbonate);
  if (y('gout') >= 0.3) add(egfr < 45 ? DRUG.febuxostat : DRUG.allopurinol);
  if (y('copd') >= 0) {
    add(DRUG.tiotropium);
    if (profile.index % 5 < 2) add(DRUG.budesonideFormoterol);
  }
  if (y('asthma') >= 0) add(DRUG.budesonideFormoterol);
  if (y('gerd') >= 0) add(DRUG.esomeprazole);
  if (y('insomnia') >= 0) add(DRUG.zolpidem);
  if (y('depression') >= 0) {
    add(DRUG.sertraline);
    if (profile.index % 3 === 0) add(DRUG.alprazolam);
  }
  if (y('hypothyroidism') >= 0) add(DRUG.levothyroxine);
  if (y('bph') >= 0) add(DRUG.tamsulosin);
  if (y('dementia') >= 0) add(DRUG.donepezil);
  if (y('knee_oa') >= 0) add(DRUG.acetaminophen, 2);
  if (y('osteoporosis') >= 0) add(DRUG.calciumCarbonate, 2);
  return out;
}
