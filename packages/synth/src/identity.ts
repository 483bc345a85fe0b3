/**
 * Identifiers of synthetic citizens and records.
 *
 * National IDs must be unique across a population of up to ~10 million, so each ordinary
 * citizen's seven-digit serial comes from a bijective (affine) permutation of its index over
 * [0, ORDINARY_SERIALS); the personas use serials above that range, so they can never collide.
 * The letter (place of first registration) and the sex digit do not affect uniqueness.
 */
import { makeNationalId } from '@healthbank/records';
import { mix32 } from './rng.js';

/** Serials 0 … ORDINARY_SERIALS − 1 belong to ordinary citizens; the rest are reserved for personas. */
export const ORDINARY_SERIALS = 9_999_000;

/** The largest population the serial space allows. */
export const MAX_ORDINARY_CITIZENS = ORDINARY_SERIALS;

// A multiplier coprime with ORDINARY_SERIALS (= 2^3·3^2·5^3·11·101) makes i ↦ (A·i + B) mod N a bijection.
const MULTIPLIER = 7_368_787;
const OFFSET = 4_219_381;

/** The national-ID serial of ordinary citizen `index`. */
export function serialOfIndex(index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= ORDINARY_SERIALS) {
    throw new RangeError(`citizen index out of range: ${index}`);
  }
  // Split the product so it stays exact in double precision.
  const high = (Math.floor(index / 10_000) * ((MULTIPLIER * 10_000) % ORDINARY_SERIALS)) % ORDINARY_SERIALS;
  const low = ((index % 10_000) * MULTIPLIER) % ORDINARY_SERIALS;
  return (high + low + OFFSET) % ORDINARY_SERIALS;
}

/** A national ID for a serial. */
export function nationalIdFor(letter: string, sex: 'female' | 'male', serial: number): string {
  return makeNationalId(letter, sex, serial);
}

/**
 * The 12-digit NHI card number for a serial: `0000` and eight digits from a bijection of the
 * serial, so card numbers are as unique as national IDs.
 */
export function nhiCardNumberFor(serial: number): string {
  const body = (serial * 7_919 + 13_579_135) % 100_000_000;
  return `0000${String(body).padStart(8, '0')}`;
}

/**
 * A short key for a citizen's record ids: a bijective mix of the index with the seed's hash,
 * written in base 36. Distinct indexes give distinct keys; the national ID plays no part.
 */
export function recordKeyFor(seedHash: number, index: number, namespace: 'c' | 'p'): string {
  const low = mix32((index ^ seedHash) >>> 0);
  const high = Math.floor(index / 4_294_967_296);
  return `${namespace}${high > 0 ? `${high.toString(36)}.` : ''}${low.toString(36).padStart(7, '0')}`;
}
