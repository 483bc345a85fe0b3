/**
 * 國民身分證統一編號 (national ID): a letter for the place of first registration, a sex digit
 * (1 male, 2 female), seven serial digits and a check digit. The letter stands for a two-digit
 * number; with the nine digits that follow it is weighted 1,9,8,7,6,5,4,3,2,1,1 and the sum must
 * be a multiple of 10 (內政部戶政司 specification).
 */
const LETTER_VALUES: Readonly<Record<string, number>> = {
  A: 10,
  B: 11,
  C: 12,
  D: 13,
  E: 14,
  F: 15,
  G: 16,
  H: 17,
  I: 34,
  J: 18,
  K: 19,
  L: 20,
  M: 21,
  N: 22,
  O: 35,
  P: 23,
  Q: 24,
  R: 25,
  S: 26,
  T: 27,
  U: 28,
  V: 29,
  W: 32,
  X: 30,
  Y: 31,
  Z: 33,
};

const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 1, 1] as const;
const SHAPE = /^[A-Z][12]\d{8}$/;

function weightedSum(letter: string, digits: string): number {
  const value = LETTER_VALUES[letter] ?? 0;
  let sum = Math.floor(value / 10) + (value % 10) * 9;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * (WEIGHTS[i] ?? 0);
  return sum;
}

/** True when `id` has the shape `^[A-Z][12][0-9]{8}$` and a correct check digit. */
export function isValidNationalId(id: string): boolean {
  if (!SHAPE.test(id)) return false;
  return weightedSum(id[0] as string, id.slice(1)) % 10 === 0;
}

/** The check digit that completes `letter` + `sex digit` + seven serial digits. */
export function nationalIdCheckDigit(prefix: string): number {
  if (!/^[A-Z][12]\d{7}$/.test(prefix)) throw new RangeError('expected a letter, a sex digit and 7 digits');
  return (10 - (weightedSum(prefix[0] as string, `${prefix.slice(1)}0`) % 10)) % 10;
}

/**
 * Builds a valid national ID from its parts. `serial` is 0..9,999,999; the generator gives each
 * citizen a distinct serial, which makes IDs distinct whatever the letter.
 */
export function makeNationalId(letter: string, sex: 'male' | 'female', serial: number): string {
  if (!(letter in LETTER_VALUES)) throw new RangeError(`not a national ID letter: ${letter}`);
  if (!Number.isInteger(serial) || serial < 0 || serial > 9_999_999) throw new RangeError('serial out of range');
  const prefix = `${letter}${sex === 'male' ? 1 : 2}${String(serial).padStart(7, '0')}`;
  return `${prefix}${nationalIdCheckDigit(prefix)}`;
}

/** The letters in the order of their place names, for callers that pick one by region. */
export const NATIONAL_ID_LETTERS = Object.keys(LETTER_VALUES);

/**
 * Masks all but the first three and last three characters, for logs and pages. NHI's own files
 * mask b1.1 differently (first six kept), which the `mhb` format follows.
 */
export function maskNationalId(id: string): string {
  return id.length === 10 ? `${id.slice(0, 3)}****${id.slice(7)}` : '**********';
}
