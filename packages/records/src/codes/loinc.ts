/**
 * LOINC code validation. A LOINC code is a number, a hyphen and a check digit computed with the
 * mod-10 algorithm LOINC publishes (the Luhn scheme: from the right, every other digit starting
 * with the rightmost is doubled, the digits are summed, and the check digit tops the sum up to a
 * multiple of ten).
 */
const LOINC_SHAPE = /^(\d{1,7})-(\d)$/;

/** The mod-10 check digit for the number part of a LOINC code. */
export function loincCheckDigit(number: string): number {
  if (!/^\d{1,7}$/.test(number)) throw new RangeError(`not a LOINC number part: ${number}`);
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    const digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 0) {
      const doubled = digit * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    } else {
      sum += digit;
    }
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * True when `code` has the LOINC shape and its check digit is right.
 * @example isValidLoinc('4548-4') // true
 */
export function isValidLoinc(code: string): boolean {
  const m = LOINC_SHAPE.exec(code);
  if (!m) return false;
  return loincCheckDigit(m[1] as string) === Number(m[2]);
}
