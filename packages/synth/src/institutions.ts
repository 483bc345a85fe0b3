/**
 * A synthetic but realistically shaped set of NHI-contracted institutions per county: medical
 * centres, regional and district hospitals, clinics of eight specialties, dental and TCM clinics,
 * community pharmacies (健保特約藥局), and a health station (衛生所) in every township. Codes have the real 醫事機構代碼 layout (ownership, the county code
 * of the township, the township, a serial); names are invented and do not refer to real places
 * of care. The directory depends only on the seed, so every citizen of a population shares it.
 */
import type { Institution } from '@healthbank/records';
import { COUNTIES, type County, countyNamed, type Township } from './geography.js';
import { Rng, WeightedTable } from './rng.js';

export const INSTITUTION_LEVELS = [
  'medical_center',
  'regional_hospital',
  'district_hospital',
  'clinic',
  'dental_clinic',
  'tcm_clinic',
  'health_station',
  'pharmacy',
] as const;
export type InstitutionLevel = (typeof INSTITUTION_LEVELS)[number];

/**
 * The ownership digits given to contracted community pharmacies (健保特約藥局), as their real codes
 * begin to our knowledge (not checked against NHIA's institution list here).
 */
export const PHARMACY_OWNERSHIP = '59';

/**
 * What a western-medicine clinic practises, as its name says (…內科診所, …骨科診所); `general` is a
 * 聯合診所 of several doctors. Weights: roughly the mix of Taiwan's 西醫診所 by registered specialty.
 */
export const CLINIC_SPECIALTIES = [
  'family',
  'internal',
  'ent',
  'paediatrics',
  'orthopaedics',
  'dermatology',
  'obstetrics',
  'general',
] as const;
export type Specialty = (typeof CLINIC_SPECIALTIES)[number];

const SPECIALTY_WORDS: Readonly<Record<Specialty, string>> = {
  family: '家庭醫學科',
  internal: '內科',
  ent: '耳鼻喉科',
  paediatrics: '小兒科',
  orthopaedics: '骨科',
  dermatology: '皮膚科',
  obstetrics: '婦產科',
  general: '聯合',
};
const SPECIALTY_WEIGHTS: Readonly<Record<Specialty, number>> = {
  family: 20,
  internal: 22,
  ent: 14,
  paediatrics: 10,
  orthopaedics: 8,
  dermatology: 6,
  obstetrics: 8,
  general: 12,
};

export interface Facility extends Institution {
  readonly level: InstitutionLevel;
  readonly county: string;
  readonly township: string;
  /** 院所電話 as printed on reports, e.g. `(02)2712-3456`. */
  readonly phone: string;
  /** A clinic's specialty (western-medicine clinics only). */
  readonly specialty?: Specialty;
}

export interface CountyFacilities {
  readonly county: County;
  readonly medicalCenters: readonly Facility[];
  readonly hospitals: readonly Facility[];
  readonly clinicsByTownship: ReadonlyMap<string, readonly Facility[]>;
  readonly dentalByTownship: ReadonlyMap<string, readonly Facility[]>;
  readonly tcmByTownship: ReadonlyMap<string, readonly Facility[]>;
  readonly pharmaciesByTownship: ReadonlyMap<string, readonly Facility[]>;
  readonly healthStations: ReadonlyMap<string, Facility>;
  readonly allClinics: readonly Facility[];
  readonly allDental: readonly Facility[];
  readonly allTcm: readonly Facility[];
  readonly allPharmacies: readonly Facility[];
  /** The county's clinics of each specialty. */
  readonly clinicsBySpecialty: ReadonlyMap<Specialty, readonly Facility[]>;
  /** Each township's clinics of each specialty. */
  readonly townshipClinicsBySpecialty: ReadonlyMap<string, ReadonlyMap<Specialty, readonly Facility[]>>;
}

export interface Directory {
  readonly byCounty: ReadonlyMap<string, CountyFacilities>;
  readonly all: readonly Facility[];
}

/** Medical centres per county (the others refer to a neighbour's). */
const MEDICAL_CENTERS: Readonly<Record<string, number>> = {
  臺北市: 4,
  新北市: 1,
  桃園市: 1,
  臺中市: 3,
  彰化縣: 1,
  臺南市: 1,
  高雄市: 3,
  花蓮縣: 1,
};

const OWNERSHIP: Readonly<Record<InstitutionLevel, readonly string[]>> = {
  medical_center: ['04', '06', '11'],
  regional_hospital: ['01', '11', '12'],
  district_hospital: ['11', '15', '01'],
  clinic: ['35'],
  dental_clinic: ['35'],
  tcm_clinic: ['35'],
  health_station: ['23'],
  pharmacy: [PHARMACY_OWNERSHIP],
};

const HOSPITAL_WORDS = [...'仁愛安康博愛慈心惠民長安福安德恩聖光天祥明德宏恩信望永和'];
const CLINIC_WORDS = [
  '安心',
  '康寧',
  '仁心',
  '健安',
  '明德',
  '祥和',
  '長青',
  '德恩',
  '家安',
  '新生',
  '育群',
  '永康',
  '福全',
  '惠群',
  '立安',
  '順安',
  '光明',
  '信義',
  '和平',
  '群英',
  '安和',
  '中興',
  '大同',
  '民生',
  '仁和',
  '百齡',
  '宏仁',
  '晨光',
];
const specialtyTable = new WeightedTable(
  CLINIC_SPECIALTIES,
  CLINIC_SPECIALTIES.map((s) => SPECIALTY_WEIGHTS[s]),
);

function shortCounty(name: string): string {
  return name.replace(/[縣市]$/, '');
}

function shortTownship(name: string): string {
  return name.length > 2 ? name.replace(/[鄉鎮市區]$/, '') : name;
}

function phoneFor(rng: Rng, areaCode: string): string {
  const digits =
    areaCode === '02' || areaCode === '04'
      ? 8
      : areaCode.length === 4
        ? 5
        : areaCode === '037' || areaCode === '049' || areaCode === '089' || areaCode === '082'
          ? 6
          : 7;
  const n = String(rng.int(2 * 10 ** (digits - 1), 10 ** digits - 1));
  return `(${areaCode})${n.slice(0, digits - 4)}-${n.slice(digits - 4)}`;
}

function build(seed: string): Directory {
  const rng = new Rng(`${seed}/institutions`);
  const serials = new Map<string, number>();
  const usedNames = new Set<string>();
  const all: Facility[] = [];

  const make = (
    level: InstitutionLevel,
    county: County,
    township: Township,
    name: string,
    specialty?: Specialty,
  ): Facility => {
    const ownership = rng.pick(OWNERSHIP[level]);
    const prefix = `${ownership}${township.institutionCounty}${township.institutionTownship}`;
    const serial = (serials.get(prefix) ?? rng.int(1, 40)) + rng.int(1, 9);
    serials.set(prefix, serial);
    // Names repeat by chance; a branch number keeps them distinct, as real branch clinics do.
    let unique = name;
    for (let n = 2; usedNames.has(unique); n++) unique = name.replace(/(醫院|診所|衛生所|藥局)$/, `第${n}$1`);
    usedNames.add(unique);
    const facility: Facility = {
      code: `${prefix}${String(serial).padStart(4, '0')}`,
      name: unique,
      level,
      county: county.name,
      township: township.name,
      phone: phoneFor(rng, county.areaCode),
      ...(specialty ? { specialty } : {}),
    };
    all.push(facility);
    return facility;
  };

  const byCounty = new Map<string, CountyFacilities>();
  for (const county of COUNTIES) {
    const population = county.townships.reduce((s, t) => s + t.population, 0);
    const byPopulation = new WeightedTable(
      county.townships,
      county.townships.map((t) => (t.mountain || t.island ? t.population / 4 : t.population) ** 1.5),
    );
    const c = shortCounty(county.name);
    const medicalCenters: Facility[] = [];
    for (let i = 0; i < (MEDICAL_CENTERS[county.name] ?? 0); i++) {
      const t = byPopulation.draw(rng);
      const words = `${rng.pick(HOSPITAL_WORDS)}${rng.pick(HOSPITAL_WORDS)}`;
      const name = i % 2 === 0 ? `${c}${words}紀念醫院` : `${c}${words}大學附設醫院`;
      medicalCenters.push(make('medical_center', county, t, name));
    }
    const hospitals: Facility[] = [];
    const regional = population > 100 ? Math.max(1, Math.round(population / 350)) : 0;
    const district = Math.max(1, Math.round(population / 180));
    for (let i = 0; i < regional; i++) {
      const t = byPopulation.draw(rng);
      hospitals.push(
        make('regional_hospital', county, t, `${c}${rng.pick(HOSPITAL_WORDS)}${rng.pick(HOSPITAL_WORDS)}綜合醫院`),
      );
    }
    for (let i = 0; i < district; i++) {
      const t = byPopulation.draw(rng);
      hospitals.push(
        make(
          'district_hospital',
          county,
          t,
          `${shortTownship(t.name)}${rng.pick(HOSPITAL_WORDS)}${rng.pick(HOSPITAL_WORDS)}醫院`,
        ),
      );
    }
    const clinicsByTownship = new Map<string, Facility[]>();
    const dentalByTownship = new Map<string, Facility[]>();
    const tcmByTownship = new Map<string, Facility[]>();
    const pharmaciesByTownship = new Map<string, Facility[]>();
    const healthStations = new Map<string, Facility>();
    for (const t of county.townships) {
      const tn = shortTownship(t.name);
      healthStations.set(t.name, make('health_station', county, t, `${county.name}${t.name}衛生所`));
      const remote = t.mountain || t.island;
      const clinics = remote ? (t.population > 20 ? 1 : 0) : Math.max(1, Math.round(t.population / 5));
      const dental = remote ? (t.population > 10 ? 1 : 0) : Math.max(1, Math.round(t.population / 8));
      const tcm = remote ? 0 : Math.max(1, Math.round(t.population / 12));
      const pharmacies = remote ? (t.population > 10 ? 1 : 0) : Math.max(1, Math.round(t.population / 4));
      const list: Facility[] = [];
      for (let i = 0; i < clinics; i++) {
        // A remote township's one clinic is a family doctor's.
        const specialty = remote ? 'family' : specialtyTable.draw(rng);
        const words = `${rng.pick(CLINIC_WORDS)}${SPECIALTY_WORDS[specialty]}`;
        list.push(make('clinic', county, t, `${tn}${words}診所`, specialty));
      }
      clinicsByTownship.set(t.name, list);
      const dentalList: Facility[] = [];
      for (let i = 0; i < dental; i++)
        dentalList.push(make('dental_clinic', county, t, `${tn}${rng.pick(CLINIC_WORDS)}牙醫診所`));
      dentalByTownship.set(t.name, dentalList);
      const tcmList: Facility[] = [];
      for (let i = 0; i < tcm; i++)
        tcmList.push(make('tcm_clinic', county, t, `${tn}${rng.pick(CLINIC_WORDS)}中醫診所`));
      tcmByTownship.set(t.name, tcmList);
      const pharmacyList: Facility[] = [];
      for (let i = 0; i < pharmacies; i++)
        pharmacyList.push(make('pharmacy', county, t, `${tn}${rng.pick(CLINIC_WORDS)}藥局`));
      pharmaciesByTownship.set(t.name, pharmacyList);
    }
    const allClinics = [...clinicsByTownship.values()].flat();
    const bySpecialty = (list: readonly Facility[]) =>
      new Map(CLINIC_SPECIALTIES.map((sp) => [sp, list.filter((c) => c.specialty === sp)] as const));
    const clinicsBySpecialty = bySpecialty(allClinics);
    const townshipClinicsBySpecialty = new Map(
      [...clinicsByTownship].map(([name, list]) => [name, bySpecialty(list)] as const),
    );
    byCounty.set(county.name, {
      county,
      medicalCenters,
      hospitals,
      clinicsByTownship,
      dentalByTownship,
      tcmByTownship,
      pharmaciesByTownship,
      healthStations,
      allClinics,
      allDental: [...dentalByTownship.values()].flat(),
      allTcm: [...tcmByTownship.values()].flat(),
      allPharmacies: [...pharmaciesByTownship.values()].flat(),
      clinicsBySpecialty,
      townshipClinicsBySpecialty,
    });
  }
  return { byCounty, all };
}

const cache = new Map<string, Directory>();

/** The institution directory of a seed (built once, then shared). */
export function directoryFor(seed: string): Directory {
  let directory = cache.get(seed);
  if (!directory) {
    if (cache.size > 8) cache.clear();
    directory = build(seed);
    cache.set(seed, directory);
  }
  return directory;
}

export function facilitiesOf(directory: Directory, county: string): CountyFacilities {
  const f = directory.byCounty.get(county);
  if (!f) throw new RangeError(`no facilities for ${county}`);
  return f;
}

/** The medical centres a resident of `county` uses: the county's own or its referral county's. */
export function medicalCentersFor(directory: Directory, county: string): readonly Facility[] {
  const own = facilitiesOf(directory, county).medicalCenters;
  return own.length > 0 ? own : facilitiesOf(directory, countyNamed(county).referral).medicalCenters;
}
