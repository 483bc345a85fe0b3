/**
 * The three personas of the brochure (SPEC §4.5), with national IDs that never change:
 * - A小姐, a woman in her fifties with type 2 diabetes for nine and a half years (quarterly HbA1c
 *   and fasting glucose, metformin with linagliptin, later dapagliflozin with saxagliptin in its
 *   place, on refill prescriptions from a hospital), high cholesterol and, lately, hypertension;
 * - B爺爺, 82, in 南投縣信義鄉 (a mountain township), with hypertension, chronic kidney disease,
 *   heart disease and many medications, followed at the 衛生所 and admitted to hospital a few times;
 * - C職場, a company (valid 統一編號) with sixty employees of mixed ages and health.
 */
import { type CitizenRecords, makeNationalId, makeUbn } from '@healthbank/records';
import type { StayKind } from './care/inpatient.js';
import { type Chart, drugOrder, feeOrder, outpatientCopay } from './chart.js';
import type { ConditionId, ConditionState } from './conditions.js';
import { dayOf } from './days.js';
import { townshipNamed } from './geography.js';
import { careHistory } from './history.js';
import { nhiCardNumberFor, ORDINARY_SERIALS, recordKeyFor } from './identity.js';
import { type Directory, directoryFor, facilitiesOf, medicalCentersFor } from './institutions.js';
import { chineseName } from './names.js';
import { buildProfile, type Demographics, type Profile, type ProfileInput } from './profile.js';
import { hashString, Rng } from './rng.js';

const SERIAL_A = ORDINARY_SERIALS + 101;
const SERIAL_B = ORDINARY_SERIALS + 102;
const SERIAL_C = ORDINARY_SERIALS + 200;
export const WORKPLACE_EMPLOYEES = 60;

/** Employees' sexes and ages at `asOf`: a mixed workforce of 23 to 64. */
const EMPLOYEES = Array.from({ length: WORKPLACE_EMPLOYEES }, (_, i) => ({
  sex: i % 5 < 2 ? ('female' as const) : ('male' as const),
  age: 23 + ((i * 17) % 42),
  letter: i % 3 === 0 ? 'J' : 'O',
}));

/** The personas' national IDs: stable across seeds and dates. */
export const PERSONA_IDS: { readonly A小姐: string; readonly B爺爺: string; readonly C職場: readonly string[] } = {
  A小姐: makeNationalId('A', 'female', SERIAL_A),
  B爺爺: makeNationalId('M', 'male', SERIAL_B),
  C職場: EMPLOYEES.map((e, i) => makeNationalId(e.letter, e.sex, SERIAL_C + i)),
};

/** C職場's employer; the name is invented and the 統一編號 is a valid checksum, not a real company's. */
export const WORKPLACE: { readonly name: string; readonly ubn: string } = {
  name: '禾康精密科技股份有限公司',
  ubn: makeUbn('6317592'),
};

/** The number of persona citizens generated before ordinary citizens. */
export const PERSONA_COUNT = 2 + WORKPLACE_EMPLOYEES;

const YEAR = 365.25;

function conditions(end: number, onsets: Partial<Record<ConditionId, number>>): Map<ConditionId, ConditionState> {
  const map = new Map<ConditionId, ConditionState>();
  for (const [id, yearsAgo] of Object.entries(onsets) as [ConditionId, number][]) {
    map.set(id, { id, onset: end - Math.round(yearsAgo * YEAR) });
  }
  return map;
}

function personaInput(
  seed: string,
  personaIndex: number,
  end: number,
  directory: Directory,
  demographics: Demographics,
  extra: Omit<ProfileInput, 'index' | 'key' | 'endDay' | 'directory' | 'demographics' | 'identity'>,
  nationalId: string,
  serial: number,
): ProfileInput {
  return {
    index: personaIndex,
    key: recordKeyFor(hashString(seed)[0], personaIndex, 'p'),
    endDay: end,
    directory,
    demographics,
    identity: () => ({ nationalId, nhiCardNumber: nhiCardNumberFor(serial) }),
    ...extra,
  };
}

function missA(seed: string, end: number, directory: Directory): CitizenRecords {
  const rng = new Rng(`${seed}#A小姐`);
  const township = townshipNamed('臺北市', '大安區');
  const local = facilitiesOf(directory, '臺北市');
  const hospital = local.hospitals.find((h) => h.level === 'regional_hospital') ?? (local.hospitals[0] as never);
  const input = personaInput(
    seed,
    0,
    end,
    directory,
    { sex: 'female', age: 52, township, birthdayOffset: 140 },
    {
      name: '林雅雯',
      persona: 'A小姐',
      conditions: conditions(end, { diabetes: 9.5, hyperlipidemia: 7, hypertension: 2.5 }),
      overrides: {
        physiology: {
          bmi: 27.2,
          a1cAtDiagnosis: 9.4,
          a1cTarget: 7,
          a1cDrift: 0.07,
          ldl: 172,
          egfrNow: 92,
          egfrDecline: 0.9,
        },
        treatment: {
          metformin: 'BC241891G0',
          secondDiabetesDrug: 'BC25537100',
          secondDiabetesAt: 3,
          sglt2: 'BC27467100',
          sglt2At: 6.5,
          firstBp: 'BC25005100',
          secondBpAt: 99,
          thirdBpAt: 99,
          statin: 'BC24131100',
          fibrate: false,
          refills: true,
          supplyDays: 28,
        },
        places: { chronic: hospital, hospital },
        smoker: false,
        betel: false,
        engagement: 1.4,
        usesTcm: true,
        usesDental: true,
      },
    },
    PERSONA_IDS.A小姐,
    SERIAL_A,
  );
  const profile = buildProfile(rng, input);
  return { citizen: profile.citizen, records: careHistory(profile, `${seed}#A小姐`) };
}

function grandpaB(seed: string, end: number, directory: Directory): CitizenRecords {
  const rng = new Rng(`${seed}#B爺爺`);
  const township = townshipNamed('南投縣', '信義鄉');
  const local = facilitiesOf(directory, '南投縣');
  const station = local.healthStations.get('信義鄉');
  const hospital = local.hospitals.find((h) => h.level === 'regional_hospital') ?? local.hospitals[0];
  const medicalCenter = medicalCentersFor(directory, '南投縣')[0];
  if (!station || !hospital || !medicalCenter) throw new Error('南投縣 has no health station or hospital');
  const input = personaInput(
    seed,
    1,
    end,
    directory,
    { sex: 'male', age: 82, township, birthdayOffset: 95 },
    {
      name: '伍金福',
      persona: 'B爺爺',
      conditions: conditions(end, {
        hypertension: 22,
        gout: 12,
        bph: 10,
        hyperlipidemia: 9,
        ckd: 8,
        knee_oa: 7,
        cad: 6,
        insomnia: 5,
        gerd: 4,
        heart_failure: 3,
      }),
      overrides: {
        physiology: { egfrNow: 24, egfrDecline: 2.6, sbp: 128, uricAcid: 8.6, bmi: 23.5, ldl: 150 },
        treatment: {
          firstBp: 'BC21571100',
          secondBp: 'BC25005100',
          secondBpAt: 0,
          thirdBpAt: 99,
          statin: 'BC22889100',
          fibrate: false,
          refills: false,
          supplyDays: 28,
        },
        places: { chronic: station, clinic: station, hospital, medicalCenter },
        smoker: false,
        betel: true,
        engagement: 1.2,
        usesTcm: false,
        usesDental: true,
      },
    },
    PERSONA_IDS.B爺爺,
    SERIAL_B,
  );
  const profile = buildProfile(rng, input);
  const planned: (readonly [number, StayKind])[] = [
    [end - Math.round(6 * YEAR), 'infarction'],
    [end - 700, 'pneumonia'],
    [end - 230, 'heartFailure'],
  ];
  // After his heart-failure stay the medical center's cardiology clinic follows him monthly and, not
  // seeing the health station's olmesartan, adds irbesartan: two angiotensin II receptor blockers
  // (ATC C09CA) from two institutions at once, the duplicate the tele-consultation example flags.
  const cardiology = (chart: Chart) => {
    for (let day = end - 150; day <= end - 12; day += 28) {
      chart.visit(
        'outpatient',
        day,
        medicalCenter,
        ['I50.9', 'I10'],
        [feeOrder('00154A'), drugOrder('AB57178100', 28)],
        {
          copay: outpatientCopay(medicalCenter, profile.remote, false),
        },
      );
    }
  };
  return {
    citizen: profile.citizen,
    records: careHistory(profile, `${seed}#B爺爺`, { plannedStays: planned, plannedCare: cardiology }),
  };
}

function employee(seed: string, end: number, directory: Directory, i: number): CitizenRecords {
  const rng = new Rng(`${seed}#C職場#${i}`);
  const e = EMPLOYEES[i] as (typeof EMPLOYEES)[number];
  const county = e.letter === 'J' ? '新竹縣' : '新竹市';
  const townships = county === '新竹縣' ? ['竹北市', '竹東鎮', '湖口鄉', '新豐鄉'] : ['東區', '北區', '香山區'];
  const township = townshipNamed(county, rng.pick(townships));
  const input = personaInput(
    seed,
    2 + i,
    end,
    directory,
    { sex: e.sex, age: e.age, township, birthdayOffset: (i * 53) % 365 },
    {
      name: chineseName(rng, e.sex, Number(new Date(end * 86_400_000).getUTCFullYear()) - e.age),
      persona: 'C職場',
      employerUbn: WORKPLACE.ubn,
    },
    PERSONA_IDS.C職場[i] as string,
    SERIAL_C + i,
  );
  const profile: Profile = buildProfile(rng, input);
  return { citizen: profile.citizen, records: careHistory(profile, `${seed}#C職場#${i}`) };
}

/**
 * The personas' citizens and records: A小姐, B爺爺, then the sixty C職場 employees.
 * Their national IDs are `PERSONA_IDS`; their histories depend on the seed and `asOf`.
 */
export function generatePersonas(seed: string, asOf: string): CitizenRecords[] {
  const end = dayOf(asOf);
  const directory = directoryFor(seed);
  return [
    missA(seed, end, directory),
    grandpaB(seed, end, directory),
    ...EMPLOYEES.map((_, i) => employee(seed, end, directory, i)),
  ];
}
