/**
 * Chinese names: surnames weighted by their frequency in Taiwan's household registration, given
 * names from characters typical of the person's sex and generation.
 */
import { type Rng, WeightedTable } from './rng.js';

/** Surname and share of the population in percent (內政部 姓名分析, rounded). */
const SURNAMES: readonly (readonly [string, number])[] = [
  ['陳', 11.1],
  ['林', 8.3],
  ['黃', 6.0],
  ['張', 5.3],
  ['李', 5.1],
  ['王', 4.1],
  ['吳', 4.0],
  ['劉', 3.2],
  ['蔡', 2.9],
  ['楊', 2.6],
  ['許', 2.3],
  ['鄭', 1.9],
  ['謝', 1.8],
  ['洪', 1.5],
  ['郭', 1.5],
  ['邱', 1.4],
  ['曾', 1.4],
  ['廖', 1.3],
  ['賴', 1.3],
  ['徐', 1.2],
  ['周', 1.1],
  ['葉', 1.1],
  ['蘇', 1.1],
  ['莊', 0.9],
  ['呂', 0.9],
  ['江', 0.9],
  ['何', 0.8],
  ['蕭', 0.7],
  ['羅', 0.7],
  ['高', 0.7],
  ['潘', 0.6],
  ['簡', 0.6],
  ['朱', 0.6],
  ['鍾', 0.6],
  ['游', 0.5],
  ['彭', 0.5],
  ['詹', 0.5],
  ['胡', 0.5],
  ['施', 0.5],
  ['沈', 0.5],
  ['余', 0.5],
  ['盧', 0.4],
  ['梁', 0.4],
  ['趙', 0.4],
  ['顏', 0.4],
  ['柯', 0.4],
  ['翁', 0.4],
  ['魏', 0.3],
  ['孫', 0.3],
  ['戴', 0.3],
  ['范', 0.3],
  ['方', 0.3],
  ['宋', 0.3],
  ['鄧', 0.3],
  ['杜', 0.2],
  ['傅', 0.2],
];

const surnameTable = new WeightedTable(
  SURNAMES.map(([s]) => s),
  SURNAMES.map(([, w]) => w),
);

const GIVEN = {
  femaleOld: [...'秀玉美麗月春金碧素淑珠英蘭鳳雪梅惠貞琴雲霞芳娥桂'],
  femaleYoung: [...'怡婷雅欣佳筱涵萱琪瑜姿詩宜芷妤庭思若語晴彤安心蓁郁'],
  maleOld: [...'金榮明清德文國正福財順忠義雄輝坤松茂勝發田山源福昌'],
  maleYoung: [...'家宇承翰冠廷柏宏志俊建哲彥凱瑋傑睿恩晨昊辰宥亦品崇'],
} as const;

/** A full Chinese name for someone of this sex born in this year. */
export function chineseName(rng: Rng, sex: 'female' | 'male', birthYear: number): string {
  const young = birthYear >= 1975 || (birthYear >= 1960 && rng.chance(0.5));
  const pool =
    sex === 'female' ? (young ? GIVEN.femaleYoung : GIVEN.femaleOld) : young ? GIVEN.maleYoung : GIVEN.maleOld;
  const first = rng.pick(pool);
  let second = rng.pick(pool);
  if (second === first) second = rng.pick(pool);
  // About one in twenty has a single-character given name.
  return surnameTable.draw(rng) + (rng.chance(0.05) ? first : first + second);
}
