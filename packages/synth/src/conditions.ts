/**
 * Chronic conditions: prevalence by age and sex close to Taiwan's (國民健康署 NAHSIT and NHI
 * statistics, rounded), the ICD-10-CM code each is charted with, and the drugs a patient takes as
 * the years since diagnosis pass.
 */
import type { Rng } from './rng.js';

export const CONDITION_IDS = [
  'hypertension',
  'diabetes',
  'hyperlipidemia',
  'ckd',
  'gout',
  'copd',
  'asthma',
  'gerd',
  'knee_oa',
  'insomnia',
  'depression',
  'hypothyroidism',
  'bph',
  'heart_failure',
  'atrial_fibrillation',
  'stroke',
  'cad',
  'hbv',
  'osteoporosis',
  'dementia',
] as const;
export type ConditionId = (typeof CONDITION_IDS)[number];

export interface PersonTraits {
  readonly sex: 'female' | 'male';
  /** Age at the end of the history. */
  readonly age: number;
  readonly birthYear: number;
  readonly smoker: boolean;
  readonly bmi: number;
  readonly has: (id: ConditionId) => boolean;
}

interface ConditionSpec {
  readonly id: ConditionId;
  /** Probability of having the condition at the end of the history. */
  readonly prevalence: (p: PersonTraits) => number;
  /** The youngest plausible age at diagnosis. */
  readonly minOnsetAge: number;
}

/** Interpolates a prevalence table keyed by age. */
function byAge(table: readonly (readonly [age: number, p: number])[], age: number): number {
  let p = 0;
  for (const [from, value] of table) if (age >= from) p = value;
  return p;
}

/** Specs in dependency order: later conditions may depend on earlier ones. */
const SPECS: readonly ConditionSpec[] = [
  {
    id: 'diabetes',
    minOnsetAge: 28,
    prevalence: (p) =>
      byAge(
        [
          [20, 0.004],
          [30, 0.02],
          [40, 0.06],
          [50, 0.12],
          [60, 0.2],
          [70, 0.26],
          [80, 0.25],
        ],
        p.age,
      ) *
      (p.sex === 'male' ? 1.1 : 0.9) *
      (p.bmi >= 27 ? 1.6 : p.bmi < 22 ? 0.6 : 1),
  },
  {
    id: 'hypertension',
    minOnsetAge: 25,
    prevalence: (p) =>
      byAge(
        [
          [20, 0.01],
          [30, 0.04],
          [40, 0.12],
          [50, 0.25],
          [60, 0.4],
          [70, 0.55],
          [80, 0.65],
        ],
        p.age,
      ) *
      (p.sex === 'male' ? 1.15 : 0.85) *
      (p.has('diabetes') ? 1.5 : 1) *
      (p.bmi >= 27 ? 1.3 : 1),
  },
  {
    id: 'hyperlipidemia',
    minOnsetAge: 30,
    prevalence: (p) =>
      p.has('diabetes')
        ? 0.7
        : byAge(
            [
              [30, 0.04],
              [40, 0.1],
              [50, 0.18],
              [60, 0.25],
              [70, 0.25],
            ],
            p.age,
          ) * (p.has('hypertension') ? 1.6 : 1),
  },
  {
    id: 'ckd',
    minOnsetAge: 35,
    prevalence: (p) =>
      byAge(
        [
          [20, 0.003],
          [40, 0.015],
          [60, 0.05],
          [70, 0.1],
          [80, 0.16],
        ],
        p.age,
      ) *
      (p.has('diabetes') ? 2.2 : 1) *
      (p.has('hypertension') ? 1.5 : 1),
  },
  {
    // About 6% of Taiwanese adults have diagnosed gout, men three to four times as often as women
    // and women mostly after the menopause (Kuo et al. 2015; docs/synthetic-population.md).
    id: 'gout',
    minOnsetAge: 20,
    prevalence: (p) =>
      p.sex === 'male'
        ? byAge(
            [
              [20, 0.03],
              [30, 0.07],
              [45, 0.12],
              [65, 0.15],
            ],
            p.age,
          )
        : byAge(
            [
              [40, 0.01],
              [50, 0.03],
              [65, 0.06],
            ],
            p.age,
          ),
  },
  {
    id: 'copd',
    minOnsetAge: 45,
    prevalence: (p) =>
      byAge(
        [
          [45, 0.01],
          [55, 0.03],
          [65, 0.06],
          [75, 0.1],
        ],
        p.age,
      ) * (p.smoker ? 2.5 : 0.5),
  },
  {
    id: 'asthma',
    minOnsetAge: 3,
    prevalence: (p) =>
      byAge(
        [
          [3, 0.07],
          [13, 0.04],
          [20, 0.03],
          [65, 0.04],
        ],
        p.age,
      ),
  },
  {
    id: 'gerd',
    minOnsetAge: 25,
    prevalence: (p) =>
      byAge(
        [
          [25, 0.03],
          [40, 0.05],
          [60, 0.07],
        ],
        p.age,
      ),
  },
  {
    id: 'knee_oa',
    minOnsetAge: 50,
    prevalence: (p) =>
      byAge(
        [
          [50, 0.06],
          [60, 0.14],
          [70, 0.22],
          [80, 0.28],
        ],
        p.age,
      ) * (p.sex === 'female' ? 1.3 : 0.7),
  },
  {
    id: 'insomnia',
    minOnsetAge: 25,
    prevalence: (p) =>
      byAge(
        [
          [25, 0.03],
          [45, 0.06],
          [65, 0.1],
        ],
        p.age,
      ) * (p.sex === 'female' ? 1.3 : 0.8),
  },
  {
    id: 'depression',
    minOnsetAge: 18,
    prevalence: (p) =>
      byAge(
        [
          [18, 0.025],
          [40, 0.03],
          [65, 0.035],
        ],
        p.age,
      ) * (p.sex === 'female' ? 1.4 : 0.7),
  },
  {
    id: 'hypothyroidism',
    minOnsetAge: 25,
    prevalence: (p) =>
      byAge(
        [
          [25, 0.01],
          [45, 0.02],
          [65, 0.03],
        ],
        p.age,
      ) * (p.sex === 'female' ? 1.6 : 0.3),
  },
  {
    id: 'bph',
    minOnsetAge: 48,
    prevalence: (p) =>
      p.sex === 'male'
        ? byAge(
            [
              [50, 0.08],
              [60, 0.2],
              [70, 0.3],
              [80, 0.38],
            ],
            p.age,
          )
        : 0,
  },
  {
    id: 'heart_failure',
    minOnsetAge: 55,
    prevalence: (p) =>
      byAge(
        [
          [55, 0.008],
          [65, 0.02],
          [75, 0.04],
          [85, 0.07],
        ],
        p.age,
      ) * (p.has('hypertension') ? 1.6 : 0.6),
  },
  {
    id: 'atrial_fibrillation',
    minOnsetAge: 55,
    prevalence: (p) =>
      byAge(
        [
          [55, 0.008],
          [65, 0.02],
          [75, 0.04],
          [85, 0.06],
        ],
        p.age,
      ),
  },
  {
    id: 'stroke',
    minOnsetAge: 50,
    prevalence: (p) =>
      byAge(
        [
          [50, 0.008],
          [60, 0.02],
          [70, 0.04],
          [80, 0.07],
        ],
        p.age,
      ) *
      (p.has('hypertension') ? 1.5 : 0.7) *
      (p.has('atrial_fibrillation') ? 2 : 1),
  },
  {
    id: 'cad',
    minOnsetAge: 45,
    prevalence: (p) =>
      byAge(
        [
          [45, 0.01],
          [55, 0.03],
          [65, 0.05],
          [75, 0.08],
        ],
        p.age,
      ) *
      (p.sex === 'male' ? 1.3 : 0.7) *
      (p.has('diabetes') ? 1.6 : 1),
  },
  {
    // Taiwan's universal infant hepatitis B vaccination began in July 1984.
    id: 'hbv',
    minOnsetAge: 20,
    prevalence: (p) => (p.age < 20 ? 0 : p.birthYear < 1984 ? 0.13 : 0.015),
  },
  {
    id: 'osteoporosis',
    minOnsetAge: 55,
    prevalence: (p) =>
      p.sex === 'female'
        ? byAge(
            [
              [55, 0.04],
              [65, 0.1],
              [75, 0.16],
            ],
            p.age,
          )
        : byAge([[70, 0.03]], p.age),
  },
  {
    id: 'dementia',
    minOnsetAge: 65,
    prevalence: (p) =>
      byAge(
        [
          [65, 0.01],
          [75, 0.04],
          [85, 0.12],
        ],
        p.age,
      ),
  },
];

export interface ConditionState {
  readonly id: ConditionId;
  /** Day number of diagnosis; may be before the history starts. */
  readonly onset: number;
}

/**
 * Samples which conditions a person has and when each was diagnosed. `dayAtAge(age)` converts
 * an age to a day number; onsets are spread between the condition's youngest onset age and today.
 */
export function sampleConditions(
  rng: Rng,
  traits: Omit<PersonTraits, 'has'>,
  dayAtAge: (age: number) => number,
  endDay: number,
): Map<ConditionId, ConditionState> {
  const found = new Map<ConditionId, ConditionState>();
  const person: PersonTraits = { ...traits, has: (id) => found.has(id) };
  for (const spec of SPECS) {
    if (traits.age < spec.minOnsetAge) continue;
    if (!rng.chance(Math.min(0.95, spec.prevalence(person)))) continue;
    // Diagnosis more often comes later in life: skew the onset towards the present.
    const span = traits.age - spec.minOnsetAge;
    const onsetAge = spec.minOnsetAge + span * Math.sqrt(rng.next());
    const onset = Math.min(endDay - 30, dayAtAge(onsetAge));
    found.set(spec.id, { id: spec.id, onset });
  }
  return found;
}
