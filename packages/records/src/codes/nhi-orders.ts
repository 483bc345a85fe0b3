/**
 * NHI order codes (醫令代碼, 全民健康保險醫療服務給付項目) the platform uses, with their Chinese
 * names exactly as in the TW Core IG CodeSystem medical-service-payment-tw. The data lives in
 * `nhi-orders.generated.ts`, written by `scripts/extract-ig-codes.mjs` from the IG file.
 */
import type { OrderKind } from '../record.js';
import { indexByCode } from './lookup.js';
import { NHI_ORDER_DATA } from './nhi-orders.generated.js';

/** What part of care an order belongs to; the generator picks orders by group. */
export const NHI_ORDER_GROUPS = [
  'consultation',
  'lab',
  'imaging',
  'pathology',
  'procedure',
  'dental',
  'tcm',
  'inpatient',
  'surgery',
  'preventive',
  'care_program',
] as const;
export type NhiOrderGroup = (typeof NHI_ORDER_GROUPS)[number];

export interface NhiOrderEntry {
  readonly code: string;
  /** How the order appears on a visit: lab test, procedure or fee (never a drug). */
  readonly kind: Extract<OrderKind, 'lab' | 'procedure' | 'fee'>;
  readonly group: NhiOrderGroup;
  /** The IG's display, verbatim. */
  readonly zh: string;
  readonly en: string;
}

/** Every curated NHI order, in the order of the extraction list. */
export const NHI_ORDERS: readonly NhiOrderEntry[] = NHI_ORDER_DATA;

const index = indexByCode('NHI order', NHI_ORDERS);

/**
 * The NHI order with this code; throws a RangeError for a code outside the curated list.
 * @example nhiOrder('09006C').zh // '醣化血紅素'
 */
export function nhiOrder(code: string): NhiOrderEntry {
  return index.get(code);
}

export function isKnownNhiOrder(code: string): boolean {
  return index.has(code);
}

/** The curated orders of one group, e.g. all dental procedures. */
export function nhiOrdersOf(group: NhiOrderGroup): NhiOrderEntry[] {
  return NHI_ORDERS.filter((o) => o.group === group);
}
