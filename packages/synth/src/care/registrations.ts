/**
 * Registrations: allergies (about 7% of people, mostly to drugs, as clinicians register them in
 * the NHI cloud) and care wishes noted on the NHI card (organ donation, hospice and palliative
 * care, refusal of life-sustaining treatment, advance decisions under the Patient Right to
 * Autonomy Act), more common with age; a few are withdrawn later.
 */
import type { AllergyRecord, CareWish, CareWishesRecord, Coding } from '@healthbank/records';
import { type Chart, institution } from '../chart.js';
import { dayOfYmd, isoOf } from '../days.js';
import { ageAt, type Profile } from '../profile.js';
import { type Rng, WeightedTable } from '../rng.js';

interface Allergen {
  readonly kind: AllergyRecord['allergenKind'];
  readonly coding: Coding;
  readonly symptoms: readonly string[];
  readonly severe?: readonly string[];
}

const ALLERGENS: readonly (readonly [Allergen, number])[] = [
  [
    {
      kind: 'drug',
      coding: { code: 'J01CA04', display: '安莫西林(盤尼西林類)', displayEn: 'amoxicillin' },
      symptoms: ['皮疹', '蕁麻疹', '搔癢'],
      severe: ['呼吸困難', '過敏性休克'],
    },
    20,
  ],
  [
    {
      kind: 'drug',
      coding: { code: 'J01DB01', display: '頭孢力欣', displayEn: 'cefalexin' },
      symptoms: ['皮疹', '搔癢'],
    },
    6,
  ],
  [
    {
      kind: 'drug',
      coding: { code: 'M01AE01', display: '布洛芬', displayEn: 'ibuprofen' },
      symptoms: ['眼皮腫脹', '蕁麻疹'],
      severe: ['血管性水腫'],
    },
    12,
  ],
  [
    {
      kind: 'drug',
      coding: { code: 'M01AB05', display: '待克菲那', displayEn: 'diclofenac' },
      symptoms: ['蕁麻疹', '眼皮腫脹'],
    },
    8,
  ],
  [
    {
      kind: 'drug',
      coding: { code: 'N02BA01', display: '阿斯匹靈', displayEn: 'acetylsalicylic acid' },
      symptoms: ['氣喘發作', '蕁麻疹'],
    },
    6,
  ],
  [
    {
      kind: 'drug',
      coding: { code: 'J01EE01', display: '磺胺甲基異噁唑/甲氧苄啶', displayEn: 'sulfamethoxazole and trimethoprim' },
      symptoms: ['皮疹', '發燒'],
      severe: ['史蒂文生氏-強生症候群'],
    },
    6,
  ],
  [
    {
      kind: 'drug',
      coding: { code: 'M04AA01', display: '異嘌呤醇', displayEn: 'allopurinol' },
      symptoms: ['皮疹'],
      severe: ['史蒂文生氏-強生症候群', '毒性表皮溶解症'],
    },
    5,
  ],
  [
    {
      kind: 'drug',
      coding: { code: 'N03AF01', display: '卡馬西平', displayEn: 'carbamazepine' },
      symptoms: ['皮疹'],
      severe: ['史蒂文生氏-強生症候群'],
    },
    4,
  ],
  [
    {
      kind: 'drug',
      coding: { code: 'V08AB02', display: '碘海醇(含碘顯影劑)', displayEn: 'iohexol' },
      symptoms: ['蕁麻疹', '噁心'],
      severe: ['呼吸困難'],
    },
    6,
  ],
  [
    {
      kind: 'drug',
      coding: { code: 'J01MA12', display: '左氧氟沙星', displayEn: 'levofloxacin' },
      symptoms: ['皮疹', '搔癢'],
    },
    4,
  ],
  [
    {
      kind: 'food',
      coding: { code: 'FOOD-SHELLFISH', display: '甲殼類海鮮(蝦、蟹)', displayEn: 'Shellfish' },
      symptoms: ['蕁麻疹', '嘴唇腫脹'],
      severe: ['呼吸困難'],
    },
    6,
  ],
  [
    {
      kind: 'food',
      coding: { code: 'FOOD-PEANUT', display: '花生', displayEn: 'Peanut' },
      symptoms: ['蕁麻疹', '嘔吐'],
      severe: ['過敏性休克'],
    },
    3,
  ],
  [{ kind: 'food', coding: { code: 'FOOD-EGG', display: '蛋', displayEn: 'Egg' }, symptoms: ['皮疹'] }, 2],
  [
    {
      kind: 'environment',
      coding: { code: 'ENV-MITE', display: '塵蟎', displayEn: 'House dust mite' },
      symptoms: ['打噴嚏', '鼻塞', '氣喘發作'],
    },
    6,
  ],
  [
    {
      kind: 'environment',
      coding: { code: 'ENV-LATEX', display: '乳膠', displayEn: 'Latex' },
      symptoms: ['接觸性皮膚炎'],
    },
    2,
  ],
];

const allergenTable = new WeightedTable(
  ALLERGENS.map(([a]) => a),
  ALLERGENS.map(([, w]) => w),
);

export function allergies(chart: Chart, profile: Profile, rng: Rng): void {
  if (!rng.chance(0.075)) return;
  const count = rng.chance(0.15) ? 2 : 1;
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const a = allergenTable.draw(rng);
    if (seen.has(a.coding.code)) continue;
    seen.add(a.coding.code);
    const day = rng.int(profile.start, profile.end);
    const severe = a.severe !== undefined && rng.chance(0.12);
    const byInstitution = a.kind === 'drug' ? rng.chance(0.85) : rng.chance(0.4);
    const symptoms = severe && a.severe ? [rng.pick(a.severe)] : [rng.pick(a.symptoms)];
    if (!severe && rng.chance(0.4)) {
      const other = rng.pick(a.symptoms);
      if (!symptoms.includes(other)) symptoms.push(other);
    }
    const place = rng.chance(0.6) ? profile.places.clinic : profile.places.hospital;
    const record: AllergyRecord = {
      id: chart.nextId(),
      date: isoOf(day),
      category: 'allergy',
      allergenKind: a.kind,
      allergen: a.coding,
      severity: severe ? 'severe' : rng.chance(0.7) ? 'mild' : 'moderate',
      symptoms,
      source: byInstitution ? 'institution' : 'self_reported',
      ...(byInstitution ? { institution: institution(place) } : {}),
      ...(severe ? { note: '嚴重藥物過敏，禁止再次使用同類藥物' } : {}),
    };
    chart.push(record);
  }
}

const ADVANCE_DECISION_FROM = dayOfYmd(2019, 1, 6);

const NOTES: Readonly<Record<CareWish, string>> = {
  organ_donation: '器官捐贈同意書',
  hospice_palliative: '安寧緩和醫療意願書',
  life_sustaining_refusal: '不施行心肺復甦術及維生醫療抉擇意願書',
  advance_decision: '預立醫療決定書',
};

function register(chart: Chart, profile: Profile, rng: Rng, wish: CareWish, from: number): void {
  const start = Math.max(profile.start, from);
  if (start > profile.end) return;
  const day = rng.int(start, profile.end);
  const record: CareWishesRecord = {
    id: chart.nextId(),
    date: isoOf(day),
    category: 'care_wishes',
    wish,
    status: 'registered',
    note: NOTES[wish],
  };
  chart.push(record);
  if (rng.chance(0.03) && day < profile.end) {
    chart.push({
      ...record,
      id: chart.nextId(),
      date: isoOf(rng.int(day + 1, profile.end)),
      status: 'withdrawn',
      note: `撤回${NOTES[wish]}`,
    });
  }
}

export function careWishes(chart: Chart, profile: Profile, rng: Rng): void {
  const age = ageAt(profile, profile.end);
  if (age < 18) return;
  const adultFrom = profile.birth + Math.round(18 * 365.25);
  if (rng.chance(age < 50 ? 0.03 : 0.02)) register(chart, profile, rng, 'organ_donation', adultFrom);
  const hospice = age < 40 ? 0.01 : age < 50 ? 0.02 : age < 65 ? 0.05 : age < 80 ? 0.12 : 0.2;
  if (rng.chance(hospice)) {
    register(chart, profile, rng, 'hospice_palliative', adultFrom);
    if (rng.chance(0.5)) register(chart, profile, rng, 'life_sustaining_refusal', adultFrom);
  }
  if (age >= 30 && rng.chance(age >= 65 ? 0.02 : 0.006))
    register(chart, profile, rng, 'advance_decision', ADVANCE_DECISION_FROM);
}
