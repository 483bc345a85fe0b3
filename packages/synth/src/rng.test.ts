import { describe, expect, it } from 'vitest';
import { hashString, mix32, Rng, WeightedTable } from './rng.js';

describe('Rng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Rng('seed');
    const b = new Rng('seed');
    const c = new Rng('other');
    const xs = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('draws uniform floats, integers in range and normal values with the right moments', () => {
    const rng = new Rng('moments');
    let sum = 0;
    let sumSq = 0;
    const counts = [0, 0, 0, 0, 0, 0];
    const n = 60_000;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      const k = rng.int(1, 6);
      counts[k - 1] = (counts[k - 1] ?? 0) + 1;
      const z = rng.normal(10, 2);
      sum += z;
      sumSq += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const c of counts) expect(c / n).toBeCloseTo(1 / 6, 1);
    const mean = sum / n;
    expect(mean).toBeCloseTo(10, 1);
    expect(Math.sqrt(sumSq / n - mean * mean)).toBeCloseTo(2, 1);
  });

  it('draws Poisson counts with the requested mean', () => {
    const rng = new Rng('poisson');
    let total = 0;
    for (let i = 0; i < 20_000; i++) total += rng.poisson(3.5);
    expect(total / 20_000).toBeCloseTo(3.5, 1);
  });
});

describe('WeightedTable', () => {
  it('draws items in proportion to their weights', () => {
    const table = new WeightedTable(['a', 'b', 'c'], [1, 3, 6]);
    const rng = new Rng('weights');
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 50_000; i++) {
      const item = table.draw(rng);
      counts[item] = (counts[item] ?? 0) + 1;
    }
    const total = (counts.a ?? 0) + (counts.b ?? 0) + (counts.c ?? 0);
    expect((counts.a ?? 0) / total).toBeCloseTo(0.1, 1);
    expect((counts.c ?? 0) / total).toBeCloseTo(0.6, 1);
  });
});

describe('hashing', () => {
  it('hashes strings to four 32-bit words and mixes integers bijectively', () => {
    expect(hashString('a')).toEqual(hashString('a'));
    expect(hashString('a')).not.toEqual(hashString('b'));
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(mix32(i));
    expect(seen.size).toBe(100_000);
  });
});
