/**
 * The dashboard's k-anonymity, attacked: whatever sequence of dashboard queries an employer makes
 * (any measure, any department or age-band filter, any order), no group of 1 … k−1 employees can
 * be worked out from the numbers shown, by any sum or difference of them. The attacker here is
 * independent of the release's own check: it tries every set of cells and asks, by exact rational
 * Gaussian elimination, whether that set's size follows from what it was shown.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellsOf, type Item, itemKey, itemsOf, release, show, sumOver } from './anonymity.js';
import { dashboardQuery } from './dashboard.js';

const K = 5;

/** Exact arithmetic on fractions (bigint), so the attacker never misjudges a derivation by rounding. */
type Q = [bigint, bigint];
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const norm = ([p, q]: Q): Q => {
  if (p === 0n) return [0n, 1n];
  const g = gcd(p, q) * (q < 0n ? -1n : 1n);
  return [p / g, q / g];
};
const sub = (a: Q, b: Q): Q => norm([a[0] * b[1] - b[0] * a[1], a[1] * b[1]]);
const mul = (a: Q, b: Q): Q => norm([a[0] * b[0], a[1] * b[1]]);
const div = (a: Q, b: Q): Q => norm([a[0] * b[1], a[1] * b[0]]);

/** Whether `target` is a linear combination of `rows` (all over the same cells). */
function inSpan(rows: number[][], target: number[]): boolean {
  const m: Q[][] = [...rows, target].map((r) => r.map((v) => [BigInt(v), 1n] as Q));
  const width = target.length;
  const rank = (matrix: Q[][]) => {
    const a = matrix.map((r) => [...r]);
    let rk = 0;
    for (let col = 0; col < width && rk < a.length; col++) {
      const pivot = a.findIndex((r, i) => i >= rk && (r[col] as Q)[0] !== 0n);
      if (pivot < 0) continue;
      [a[rk], a[pivot]] = [a[pivot] as Q[], a[rk] as Q[]];
      const p = a[rk] as Q[];
      for (let i = 0; i < a.length; i++) {
        const r = a[i] as Q[];
        if (i === rk || (r[col] as Q)[0] === 0n) continue;
        const f = div(r[col] as Q, p[col] as Q);
        a[i] = r.map((v, j) => sub(v, mul(f, p[j] as Q)));
      }
      rk++;
    }
    return rk;
  };
  return rank(m.slice(0, -1)) === rank(m);
}

const cohort = fc
  .record({ rows: fc.integer({ min: 1, max: 4 }), cols: fc.integer({ min: 1, max: 3 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      // Many small cells: the hard cases for suppression.
      counts: fc.array(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 12 })), {
          minLength: cols,
          maxLength: cols,
        }),
        {
          minLength: rows,
          maxLength: rows,
        },
      ),
      queries: fc.array(
        fc.record({
          measure: fc.constantFrom('high_bp', 'high_hba1c', 'high_bmi', 'overdue_screening'),
          department: fc.option(fc.integer({ min: 0, max: rows - 1 }), { nil: undefined }),
          band: fc.option(fc.integer({ min: 0, max: cols - 1 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 12 },
      ),
    }),
  );

describe('k-anonymity of the employer dashboard', () => {
  it('no sequence of dashboard queries reveals a group of 1 … k−1 employees', () => {
    fc.assert(
      fc.property(cohort, ({ rows, cols, counts, queries }) => {
        const r = release(counts, cols, K);
        // The attacker's knowledge: every (set of cells, headcount) the queries showed.
        const known = new Map<string, number[]>();
        for (const q of queries) {
          for (const answer of dashboardQuery(r, { department: q.department, band: q.band })) {
            if (answer.shown.suppressed) continue;
            const v = new Array<number>(rows * cols).fill(0);
            for (const cell of cellsOf(answer.item, rows, cols)) v[cell] = 1;
            known.set(v.join(''), v);
          }
        }
        const rowsKnown = [...known.values()];
        if (rowsKnown.length === 0) return;
        for (let mask = 1; mask < 1 << (rows * cols); mask++) {
          const group = Array.from({ length: rows * cols }, (_, i): number => ((mask >> i) & 1 ? 1 : 0));
          const size = group.reduce((s, bit, i) => s + bit * (counts[Math.floor(i / cols)]?.[i % cols] ?? 0), 0);
          if (size === 0 || size >= K) continue;
          expect(
            inSpan(rowsKnown, group),
            `group ${group.join('')} of ${size} derivable from ${JSON.stringify(counts)}`,
          ).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('shows what is safe: a table of large cells is shown in full, totals included', () => {
    const r = release(
      [
        [6, 7],
        [8, 9],
      ],
      2,
      K,
    );
    expect(r.suppressed.size).toBe(0);
  });

  it('a small cell is withheld with a complement in its row and column, and the totals stay', () => {
    const counts = [
      [2, 9, 8],
      [7, 6, 10],
    ];
    const r = release(counts, 3, K);
    expect(r.suppressed.has('c0.0')).toBe(true);
    // One withheld cell alone would be the row total minus the rest: at least one more goes.
    expect([...r.suppressed].filter((key) => key.startsWith('c0.')).length).toBeGreaterThanOrEqual(2);
    expect([...r.suppressed].filter((key) => key.startsWith('c') && key.endsWith('.0')).length).toBeGreaterThanOrEqual(
      2,
    );
    expect(r.suppressed.has('t')).toBe(false);
    const measure = counts.map((row) => row.map(() => 1));
    expect(show(r, { kind: 'total' } as Item, measure)).toEqual({ suppressed: false, n: 42, count: 6 });
    expect(show(r, { kind: 'cell', row: 0, col: 0 }, measure)).toEqual({ suppressed: true });
  });

  it('a cohort smaller than k shows nothing at all', () => {
    const counts = [
      [1, 2],
      [0, 1],
    ];
    const r = release(counts, 2, K);
    const shownPeople = itemsOf(2, 2).filter(
      (item) => !r.suppressed.has(itemKey(item)) && sumOver(item, counts, 2) > 0,
    );
    expect(shownPeople).toEqual([]);
  });
});
