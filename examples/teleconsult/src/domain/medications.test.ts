import type { OutpatientRecord } from '@healthbank/sdk';
import { generatePersonas } from '@healthbank/synth';
import { describe, expect, it } from 'vitest';
import { activeMedications, medicationFlags, overlapDays, supplies } from './medications.js';

const visit = (id: string, date: string, institution: string, orders: [code: string, atc: string, days: number][]) =>
  ({
    id,
    date,
    category: 'outpatient',
    visitType: 'outpatient',
    institution: { code: institution.padStart(10, '0'), name: `院所${institution}` },
    serial: '0001',
    diagnoses: [{ code: 'I10', display: '本態性高血壓' }],
    procedures: [],
    copay: 50,
    points: 300,
    orders: orders.map(([code, atc, days]) => ({ code, name: code, kind: 'drug', quantity: days, days, atc })),
  }) as OutpatientRecord;

describe('medication flags', () => {
  it('flags the same ATC class from two institutions only when their supplies overlap', () => {
    const all = supplies([
      visit('a', '2026-10-01', '1', [['OLM', 'C09CA08', 28]]),
      visit('b', '2026-10-20', '2', [['IRB', 'C09CA04', 28]]),
      // Same class, same institution: a switch, not a duplicate.
      visit('c', '2026-10-25', '1', [['LOS', 'C09CA01', 28]]),
      // Another class, another institution: nothing.
      visit('d', '2026-10-20', '3', [['AML', 'C08CA01', 28]]),
    ]);
    const flags = medicationFlags(all, '2026-06-01', '2026-12-01');
    const duplicates = flags.filter((f) => f.kind === 'duplicate_class');
    expect(duplicates).toHaveLength(1);
    // One flag per class and pair of institutions: the latest overlap (b with c, 23 days).
    expect(duplicates[0]).toMatchObject({ atcClass: 'C09CA', overlapDays: 23 });
    // Periods that only touch end to end do not overlap.
    const [x, y] = supplies([
      visit('e', '2026-01-01', '1', [['A', 'C09CA08', 28]]),
      visit('f', '2026-01-29', '2', [['B', 'C09CA04', 28]]),
    ]);
    expect(overlapDays(x as never, y as never)).toBe(0);
  });

  it('flags a refill that overlaps the last supply by more than 7 days, not by 7', () => {
    const seven = supplies([
      visit('a', '2026-10-01', '1', [['X', 'N02BE01', 28]]),
      visit('b', '2026-10-22', '1', [['X', 'N02BE01', 28]]),
    ]);
    expect(medicationFlags(seven, '2026-06-01', '2026-12-01')).toEqual([]);
    const eight = supplies([
      visit('a', '2026-10-01', '1', [['X', 'N02BE01', 28]]),
      visit('b', '2026-10-21', '1', [['X', 'N02BE01', 28]]),
    ]);
    expect(medicationFlags(eight, '2026-06-01', '2026-12-01')).toMatchObject([
      { kind: 'refill_overlap', overlapDays: 8 },
    ]);
  });

  it('ignores supplies that ended before the window', () => {
    const old = supplies([
      visit('a', '2025-01-01', '1', [['OLM', 'C09CA08', 28]]),
      visit('b', '2025-01-05', '2', [['IRB', 'C09CA04', 28]]),
    ]);
    expect(medicationFlags(old, '2026-06-01', '2026-12-01')).toEqual([]);
  });

  it('finds B爺爺’s two angiotensin II receptor blockers, from the health station and the medical center', () => {
    const asOf = '2026-12-04';
    const [, grandpa] = generatePersonas('healthbank', asOf);
    const visits = (grandpa?.records ?? []).filter((r): r is OutpatientRecord => r.category === 'outpatient');
    const all = supplies(visits);
    const flags = medicationFlags(all, '2026-06-07', asOf);
    expect(flags.some((f) => f.kind === 'duplicate_class' && f.atcClass === 'C09CA')).toBe(true);
    const active = activeMedications(all, asOf).map((s) => s.atc);
    expect(active).toContain('C09CA08');
    expect(active).toContain('C09CA04');
  });
});
