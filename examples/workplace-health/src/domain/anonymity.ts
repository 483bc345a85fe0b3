/**
 * k-anonymous release of a department × age-band table with its margins (statistical disclosure
 * control by cell suppression; Hundepool et al., *Statistical Disclosure Control*, 2012, ch. 4).
 *
 * The employer sees counts and shares for groups of employees chosen by two filters, department
 * and age band: every inner cell (one department, one band), every row and column total, and the
 * grand total. A group is revealed when its size can be worked out from what is shown, directly
 * or as any sum and difference of shown numbers ("the department's total minus the bands shown").
 * The release guarantees that every group that can be worked out has 0 or at least `k` people:
 *
 * 1. **Primary suppression**: every item (cell or total) with 1 … k−1 people is withheld.
 * 2. **Complementary suppression**: while some group smaller than k can still be derived from
 *    what is shown, one more item is withheld, the smallest that removes a derivation.
 *
 * Derivable groups are found exactly. Shown inner cells are known one by one; what can be worked
 * out about the withheld cells is the span of the shown totals restricted to them (shown cells
 * subtract out). That span has dimension at most rows + columns + 1, so its 0/1 vectors (the
 * groups) can be enumerated from its reduced row echelon form: each is fixed by its values at the
 * pivot columns.
 *
 * The same pattern applies to every measure: a measure's count is shown only for a shown group, so
 * what it says is about at least k people. (Homogeneity, when everyone in a group shares a
 * condition, is not hidden by k-anonymity; see the example's README.)
 */

/** One item of the release: an inner cell, a row or column total, or the grand total. */
export type Item =
  | { kind: 'cell'; row: number; col: number }
  | { kind: 'row'; row: number }
  | { kind: 'col'; col: number }
  | { kind: 'total' };

export interface Release {
  rows: number;
  cols: number;
  k: number;
  /** Headcounts of the inner cells, `counts[row][col]`. */
  counts: readonly (readonly number[])[];
  /** Withheld items, by `itemKey`. */
  suppressed: ReadonlySet<string>;
}

export const itemKey = (item: Item): string =>
  item.kind === 'cell'
    ? `c${item.row}.${item.col}`
    : item.kind === 'row'
      ? `r${item.row}`
      : item.kind === 'col'
        ? `k${item.col}`
        : 't';

/** Every item of a rows × cols table with margins. */
export function itemsOf(rows: number, cols: number): Item[] {
  const items: Item[] = [];
  for (let row = 0; row < rows; row++) for (let col = 0; col < cols; col++) items.push({ kind: 'cell', row, col });
  for (let row = 0; row < rows; row++) items.push({ kind: 'row', row });
  for (let col = 0; col < cols; col++) items.push({ kind: 'col', col });
  items.push({ kind: 'total' });
  return items;
}

/** The inner cells an item adds up, as indices `row * cols + col`. */
export function cellsOf(item: Item, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const inside =
        item.kind === 'total' ||
        (item.kind === 'row' && item.row === row) ||
        (item.kind === 'col' && item.col === col) ||
        (item.kind === 'cell' && item.row === row && item.col === col);
      if (inside) out.push(row * cols + col);
    }
  }
  return out;
}

/** The sum of `values` (per inner cell) over an item. */
export function sumOver(item: Item, values: readonly (readonly number[])[], cols: number): number {
  const rows = values.length;
  let sum = 0;
  for (const index of cellsOf(item, rows, cols)) sum += values[Math.floor(index / cols)]?.[index % cols] ?? 0;
  return sum;
}

/**
 * The groups smaller than k (and not empty) that can be derived from the items shown: each as its
 * list of inner cells. Empty when the release is safe.
 */
export function smallDerivableGroups(
  counts: readonly (readonly number[])[],
  cols: number,
  k: number,
  suppressed: ReadonlySet<string>,
): number[][] {
  const rows = counts.length;
  const size = (cell: number) => counts[Math.floor(cell / cols)]?.[cell % cols] ?? 0;
  const all = itemsOf(rows, cols);
  const hiddenCells = all
    .filter((item) => item.kind === 'cell' && suppressed.has(itemKey(item)))
    .flatMap((item) => cellsOf(item, rows, cols));
  const small: number[][] = [];
  // A shown cell is itself a derivable group.
  for (const item of all) {
    if (item.kind !== 'cell' || suppressed.has(itemKey(item))) continue;
    const n = size(item.row * cols + item.col);
    if (n > 0 && n < k) small.push([item.row * cols + item.col]);
  }
  if (hiddenCells.length === 0) return small;
  const position = new Map(hiddenCells.map((cell, i) => [cell, i]));
  // The shown totals, restricted to the hidden cells.
  const vectors = all
    .filter((item) => item.kind !== 'cell' && !suppressed.has(itemKey(item)))
    .map((item) => {
      const v = new Array<number>(hiddenCells.length).fill(0);
      for (const cell of cellsOf(item, rows, cols)) {
        const at = position.get(cell);
        if (at !== undefined) v[at] = 1;
      }
      return v;
    });
  const basis = reducedRowEchelon(vectors);
  // Every 0/1 vector of the span is Σ coef_i · basis_i with coef_i its value at pivot i (0 or 1).
  for (let mask = 1; mask < 1 << basis.length; mask++) {
    const x = new Array<number>(hiddenCells.length).fill(0);
    basis.forEach((row, i) => {
      if (mask & (1 << i)) for (let j = 0; j < row.length; j++) x[j] = (x[j] as number) + (row[j] as number);
    });
    if (!x.every((v) => Math.abs(v) < 1e-9 || Math.abs(v - 1) < 1e-9)) continue;
    const group = hiddenCells.filter((_, j) => Math.abs((x[j] as number) - 1) < 1e-9);
    const n = group.reduce((sum, cell) => sum + size(cell), 0);
    if (n > 0 && n < k) small.push(group);
  }
  return small;
}

/** Reduced row echelon form of the vectors' span (Gauss–Jordan; entries stay small integers here). */
function reducedRowEchelon(vectors: number[][]): number[][] {
  const m = vectors.map((v) => [...v]);
  const width = m[0]?.length ?? 0;
  let row = 0;
  for (let col = 0; col < width && row < m.length; col++) {
    let pivot = -1;
    for (let r = row; r < m.length; r++)
      if (Math.abs((m[r] as number[])[col] as number) > 1e-9) pivot = pivot < 0 ? r : pivot;
    if (pivot < 0) continue;
    [m[row], m[pivot]] = [m[pivot] as number[], m[row] as number[]];
    const p = m[row] as number[];
    const lead = p[col] as number;
    for (let j = 0; j < width; j++) p[j] = (p[j] as number) / lead;
    for (let r = 0; r < m.length; r++) {
      if (r === row) continue;
      const q = m[r] as number[];
      const factor = q[col] as number;
      if (Math.abs(factor) < 1e-9) continue;
      for (let j = 0; j < width; j++) q[j] = (q[j] as number) - factor * (p[j] as number);
    }
    row++;
  }
  return m.slice(0, row);
}

/**
 * The release of a headcount table: primary suppression of small items, then complementary
 * suppression until no group of 1 … k−1 people can be derived.
 */
export function release(counts: readonly (readonly number[])[], cols: number, k: number): Release {
  const rows = counts.length;
  const all = itemsOf(rows, cols);
  const n = (item: Item) => sumOver(item, counts, cols);
  const suppressed = new Set<string>();
  for (const item of all) {
    const size = n(item);
    if (size > 0 && size < k) suppressed.add(itemKey(item));
  }
  // Inner cells first (a total is what people look for), then by size: lose as little as possible.
  const candidates = all
    .filter((item) => n(item) > 0)
    .sort((a, b) => Number(a.kind !== 'cell') - Number(b.kind !== 'cell') || n(a) - n(b));
  let violations = smallDerivableGroups(counts, cols, k, suppressed).length;
  while (violations > 0) {
    let chosen: string | undefined;
    let best = violations;
    for (const item of candidates) {
      const key = itemKey(item);
      if (suppressed.has(key)) continue;
      suppressed.add(key);
      const after = smallDerivableGroups(counts, cols, k, suppressed).length;
      suppressed.delete(key);
      if (after < best) {
        best = after;
        chosen = key;
        if (after === 0) break;
      }
    }
    // No single item helps: withhold the smallest item still shown (always terminates).
    chosen ??= candidates.map(itemKey).find((key) => !suppressed.has(key));
    if (!chosen) break;
    suppressed.add(chosen);
    violations = smallDerivableGroups(counts, cols, k, suppressed).length;
  }
  return { rows, cols, k, counts, suppressed };
}

/** What the dashboard shows for one item: its headcount and measure count, or that it is withheld. */
export type Shown = { suppressed: true } | { suppressed: false; n: number; count: number };

export function show(r: Release, item: Item, measure: readonly (readonly number[])[]): Shown {
  if (r.suppressed.has(itemKey(item))) return { suppressed: true };
  return { suppressed: false, n: sumOver(item, r.counts, r.cols), count: sumOver(item, measure, r.cols) };
}
