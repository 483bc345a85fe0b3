/**
 * Herbal preparations (健保中藥用藥品項) common in Taiwanese TCM clinics: concentrated powders of
 * classical formulae and single herbs. Codes and displays come verbatim from the TW Core IG
 * CodeSystem nhi-medication-ch-herb-tw via `scripts/extract-ig-codes.mjs`.
 */
import { HERB_DATA } from './herbs.generated.js';
import { indexByCode } from './lookup.js';

export interface HerbEntry {
  readonly code: string;
  /** The IG's display, verbatim (the source data keeps a stray quotation mark from its CSV). */
  readonly display: string;
  /** The formula or single herb (方名), e.g. 加味逍遙散. */
  readonly formula: string;
  readonly en: string;
  /** A usual adult dose in grams a day, for order quantities. */
  readonly gramsPerDay: number;
}

export interface Herb extends HerbEntry {
  /** The display without the source's stray quotation marks, for people to read. */
  readonly zh: string;
}

export const HERBS: readonly Herb[] = HERB_DATA.map((h) => ({ ...h, zh: h.display.replaceAll('"', '') }));

const index = indexByCode('herbal preparation', HERBS);

/**
 * The herbal preparation with this NHI code; throws a RangeError for an unknown code.
 * @example herb('A011392').formula // '加味逍遙散'
 */
export function herb(code: string): Herb {
  return index.get(code);
}
