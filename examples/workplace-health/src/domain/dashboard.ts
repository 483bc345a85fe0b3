/**
 * The employer dashboard's questions, answered only from a k-anonymous release: each query (a
 * department, an age band, both or neither) shows the items of the release it touches, never a
 * number the release withholds, so no sequence of queries says more than the release itself.
 */
import { type Item, itemsOf, type Release, type Shown, show } from './anonymity.js';
import { AGE_BANDS, type AgeBand, type Flags, MEASURES, type Measure } from './measures.js';

export interface Participant {
  department: number;
  band: number;
  flags: Flags;
}

export interface Tables {
  counts: number[][];
  measures: Record<Measure, number[][]>;
}

/** Headcounts and measure counts per department × age band. */
export function tablesOf(participants: readonly Participant[], departments: number, bands = AGE_BANDS.length): Tables {
  const grid = () => Array.from({ length: departments }, () => new Array<number>(bands).fill(0));
  const counts = grid();
  const measures = Object.fromEntries(MEASURES.map((m) => [m, grid()])) as Record<Measure, number[][]>;
  for (const p of participants) {
    const row = counts[p.department];
    if (!row || p.band < 0 || p.band >= bands) continue;
    row[p.band] = (row[p.band] as number) + 1;
    for (const m of MEASURES) {
      if (p.flags[m]) {
        const cells = measures[m][p.department] as number[];
        cells[p.band] = (cells[p.band] as number) + 1;
      }
    }
  }
  return { counts, measures };
}

export interface Filter {
  department?: number | undefined;
  band?: number | undefined;
}

/** The release's items a filter shows, with their headcounts (or that they are withheld). */
export function dashboardQuery(r: Release, filter: Filter): { item: Item; shown: Shown }[] {
  const zero = r.counts.map((row) => row.map(() => 0));
  return itemsOf(r.rows, r.cols)
    .filter((item) => {
      const rowOk = filter.department === undefined || ('row' in item && item.row === filter.department);
      const colOk = filter.band === undefined || ('col' in item && item.col === filter.band);
      if (filter.department !== undefined && filter.band !== undefined) return item.kind === 'cell' && rowOk && colOk;
      if (filter.department !== undefined) return (item.kind === 'cell' || item.kind === 'row') && rowOk;
      if (filter.band !== undefined) return (item.kind === 'cell' || item.kind === 'col') && colOk;
      return true;
    })
    .map((item) => ({ item, shown: show(r, item, zero) }));
}

export type { AgeBand };
