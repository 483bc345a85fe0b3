/**
 * A citizen's chart while it is being generated: record ids, visit serials (就醫序號), and the
 * builders for orders and visits that every care generator shares. Records are plain objects
 * shaped to pass `validateRecord`; nothing here validates at run time (the tests do).
 */
import {
  type Coding,
  drug,
  type HealthRecord,
  herb,
  type Institution,
  icd10cm,
  icd10pcs,
  nhiOrder,
  type Order,
} from '@healthbank/records';
import { isoOf, yearOf } from './days.js';
import type { Facility } from './institutions.js';
import { hashString } from './rng.js';

const institutionCache = new WeakMap<Facility, Institution>();

/** A coding from a code list, built once per code and shared (records never mutate codings). */
function cachedCoding(
  cache: Map<string, Coding>,
  code: string,
  lookup: (code: string) => { code: string; zh: string; en: string },
): Coding {
  let c = cache.get(code);
  if (!c) {
    const e = lookup(code);
    c = { code: e.code, display: e.zh, displayEn: e.en };
    cache.set(code, c);
  }
  return c;
}

const cmCodings = new Map<string, Coding>();
const pcsCodings = new Map<string, Coding>();
const orderCodings = new Map<string, Coding>();

/** An ICD-10-CM coding (shared, immutable). */
export const dx = (code: string): Coding => cachedCoding(cmCodings, code, icd10cm);

/** An ICD-10-PCS coding (shared, immutable). */
export const px = (code: string): Coding => cachedCoding(pcsCodings, code, icd10pcs);

/** An NHI order coding (code and IG display). */
export const orderCoding = (code: string): Coding => cachedCoding(orderCodings, code, nhiOrder);

export function institution(f: Facility): Institution {
  let i = institutionCache.get(f);
  if (!i) {
    i = { code: f.code, name: f.name };
    institutionCache.set(f, i);
  }
  return i;
}

/** Points (點數) of NHI orders, roughly as the fee schedule prices them; synthetic but steady. */
const ORDER_POINTS: Readonly<Record<string, number>> = {
  '09005C': 40,
  '09006C': 200,
  '09001C': 45,
  '09004C': 45,
  '09043C': 90,
  '09044C': 90,
  '09002C': 45,
  '09015C': 45,
  '09016C': 45,
  '12111C': 90,
  '09025C': 45,
  '09026C': 45,
  '09013C': 45,
  '09021C': 45,
  '09022C': 45,
  '08011C': 200,
  '06013C': 75,
  '09112C': 200,
  '09106C': 200,
  '14032C': 130,
  '14051C': 225,
  '12081C': 400,
  '12015C': 150,
  '12007C': 200,
  '08026C': 60,
  '09140C': 40,
  '09038C': 45,
  '09027C': 45,
  '09029C': 45,
  '32001C': 200,
  '32011C': 260,
  '32017C': 200,
  '32022C': 220,
  '33070B': 3640,
  '33071B': 4800,
  '19001C': 800,
  '19009C': 500,
  '19014C': 700,
  '18001C': 150,
  '18005C': 1400,
  '33064B': 1000,
  '33145B': 1200,
  '28016C': 1600,
  '28017C': 3000,
  '25003C': 900,
  '25004C': 1500,
  '28030C': 700,
};

const priceCache = new Map<string, number>();

export function pointsOf(code: string): number {
  const known = ORDER_POINTS[code] ?? priceCache.get(code);
  if (known !== undefined) return known;
  const kind = nhiOrder(code).kind;
  const h = hashString(code)[0] % 100;
  const points = kind === 'lab' ? 60 + h : kind === 'procedure' ? 300 + h * 10 : 100 + h * 3;
  priceCache.set(code, points);
  return points;
}

const drugPriceCache = new Map<string, number>();

/** A drug's unit price in points: steady per code, cheap for generics, dearer for new drugs. */
export function unitPrice(code: string): number {
  let price = drugPriceCache.get(code);
  if (price === undefined) {
    const base = code.startsWith('B') || code.startsWith('K') ? 8 : 1.5;
    price = base + (hashString(code)[1] % 100) / (code.startsWith('K') ? 0.2 : 12);
    drugPriceCache.set(code, price);
  }
  return price;
}

export function feeOrder(code: string, quantity = 1): Order {
  const e = nhiOrder(code);
  return { code, name: e.zh, kind: e.kind, quantity };
}

/** NHI pays at most about a month of drugs per claim; a refill prescription is dispensed monthly. */
export const MAX_SUPPLY_DAYS = 30;

/** A drug order; only verified NHI drug codes are ever prescribed (docs/synthetic-population.md). */
export function drugOrder(code: string, days: number, unitsPerDay?: number): Order {
  if (days > MAX_SUPPLY_DAYS) throw new RangeError(`${days} days of ${code} in one claim`);
  const d = drug(code);
  if (d.verification !== 'public-document') throw new RangeError(`${code} is not a verified NHI drug code`);
  const perDay = unitsPerDay ?? d.unitsPerDay;
  const quantity = Math.max(1, Math.ceil(perDay * days));
  return { code, name: d.zh, kind: 'drug', quantity, days, atc: d.atc };
}

/** An herbal preparation for `days` days at `gramsPerDay` (default: the preparation's usual dose). */
export function herbOrder(code: string, days: number, gramsPerDay?: number): Order {
  const h = herb(code);
  return { code, name: h.zh, kind: 'herb', quantity: (gramsPerDay ?? h.gramsPerDay) * days, days };
}

export function orderPoints(order: Order): number {
  if (order.kind === 'drug') return order.quantity * unitPrice(order.code);
  if (order.kind === 'herb') return order.quantity * 1.2;
  return pointsOf(order.code) * (order.kind === 'fee' ? order.quantity : 1);
}

export class Chart {
  readonly records: HealthRecord[] = [];
  private seq = 0;
  /** Visits counted so far in each calendar year, indexed by year − 1900. */
  private readonly serials = new Uint16Array(256);

  constructor(private readonly key: string) {}

  /** A record id unique across the population: the citizen's key and a sequence number. */
  nextId(): string {
    return `${this.key}-${(this.seq++).toString(36)}`;
  }

  /** 就醫序號: counts the visits of each calendar year, as the NHI card does. */
  nextSerial(day: number): string {
    const year = yearOf(day) - 1900;
    const n = (this.serials[year] as number) + 1;
    this.serials[year] = n;
    return n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : String(n);
  }

  push(record: HealthRecord): void {
    this.records.push(record);
  }

  /**
   * Adds an ambulatory visit (西醫, 中醫 or 牙醫) and returns its 就醫序號. A pharmacy's refill of a
   * refill prescription passes the serial of the visit that wrote it instead of taking a new one.
   */
  visit(
    category: 'outpatient' | 'tcm' | 'dental',
    day: number,
    facility: Facility,
    diagnoses: readonly string[],
    orders: Order[],
    opts: { procedures?: readonly string[]; copay: number; emergency?: boolean; serial?: string },
  ): string {
    let points = 0;
    for (const o of orders) points += orderPoints(o);
    const id = this.nextId();
    const date = isoOf(day);
    const inst = institution(facility);
    const serial = opts.serial ?? this.nextSerial(day);
    const dxs = uniqueCodes(diagnoses, 6).map(dx);
    const pxs = uniqueCodes(opts.procedures ?? [], 3).map(px);
    const rounded = Math.round(points);
    // Built as literals, one per category: spreading a shared base is measurably slower here.
    if (category === 'outpatient') {
      const visitType = opts.emergency ? 'emergency' : 'outpatient';
      this.records.push({
        id,
        date,
        category,
        institution: inst,
        serial,
        diagnoses: dxs,
        procedures: pxs,
        copay: opts.copay,
        points: rounded,
        orders,
        visitType,
      });
    } else if (category === 'tcm') {
      this.records.push({
        id,
        date,
        category,
        institution: inst,
        serial,
        diagnoses: dxs,
        procedures: pxs,
        copay: opts.copay,
        points: rounded,
        orders,
      });
    } else {
      this.records.push({
        id,
        date,
        category,
        institution: inst,
        serial,
        diagnoses: dxs,
        procedures: pxs,
        copay: opts.copay,
        points: rounded,
        orders,
      });
    }
    return serial;
  }
}

/** The first `max` distinct codes, in order. */
export function uniqueCodes(codes: readonly string[], max: number): string[] {
  const out: string[] = [];
  for (const c of codes) {
    if (!out.includes(c)) out.push(c);
    if (out.length === max) break;
  }
  return out;
}

/** 部分負擔 of an outpatient visit by level of care, as the 2023 schedule roughly sets it. */
export function outpatientCopay(facility: Facility, remote: boolean, chronicRefill: boolean): number {
  const base =
    facility.level === 'medical_center'
      ? 420
      : facility.level === 'regional_hospital'
        ? 240
        : facility.level === 'district_hospital'
          ? 80
          : 50;
  // Mountain and island residents pay 20% less; chronic refill prescriptions carry no drug copay.
  return Math.round((remote ? base * 0.8 : base) + (chronicRefill ? 0 : 20));
}
