/**
 * 統一編號 (Unified Business Number): eight digits weighted 1,2,1,2,1,2,4,1; each product's digits
 * are added. Since 2023 the Ministry of Finance accepts a total divisible by 5 (previously 10), and
 * when the seventh digit is 7 its product 28 may count as 1 or 0, so total+1 is also tried.
 */
const WEIGHTS = [1, 2, 1, 2, 1, 2, 4, 1] as const;

function digitSum(n: number): number {
  return Math.floor(n / 10) + (n % 10);
}

export function isValidUbn(ubn: string): boolean {
  if (!/^\d{8}$/.test(ubn)) return false;
  let total = 0;
  for (let i = 0; i < 8; i++) total += digitSum(Number(ubn[i]) * (WEIGHTS[i] as number));
  if (total % 5 === 0) return true;
  return ubn[6] === '7' && (total + 1) % 5 === 0;
}

/** Completes seven digits with the smallest valid check digit. */
export function makeUbn(first7: string): string {
  if (!/^\d{7}$/.test(first7)) throw new RangeError('expected seven digits');
  for (let d = 0; d <= 9; d++) {
    const ubn = `${first7}${d}`;
    if (isValidUbn(ubn)) return ubn;
  }
  throw new RangeError(`no check digit completes ${first7}`);
}
