/**
 * NHI's file layout as SPEC appendix A lists it, transcribed from the appendix on its own (not
 * from layout.ts) into strict schemas: a file fails on any key the appendix does not list for
 * its place, and on a listed key that is missing. Test support; production code never imports it.
 */
import * as z from 'zod';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const ymd = z.string().regex(/^(\d{8})?$/);
const minute = z.string().regex(/^(\d{12})?$/);

/** A row with exactly these fields, all strings; `formats` narrows some of them. */
function row(section: string, numbers: readonly number[], formats: Record<number, z.ZodString> = {}) {
  return Object.fromEntries(numbers.map((n) => [`${section}.${n}`, formats[n] ?? z.string()]));
}

/** A section: rows, or NHI's empty section `[{"r7":"無資料"}]`. */
const section = (key: string, rowSchema: z.ZodType) =>
  z.union([z.tuple([z.strictObject({ [key]: z.literal('無資料') })]), z.array(rowSchema).min(1)]);

/** r1: .1–.5, .7 (no .6), .8–.27; r1_1: .1 code, .2 name, .3 quantity, .4 days. */
const r1 = z.strictObject({
  ...row('r1', [1, 2, 3, 4, 5, 7, ...range(8, 27)], { 5: ymd }),
  r1_1: z.array(z.strictObject(row('r1_1', [1, 2, 3, 4]))),
});

/** r2: .2, .4, .5, .6, .9–.91; r2_1: .2 start, .3 end, .4 code, .5 name, .6 quantity. */
const r2 = z.strictObject({
  ...row('r2', [2, 4, 5, 6, ...range(9, 91)], { 5: ymd, 6: ymd }),
  r2_1: z.array(z.strictObject(row('r2_1', [2, 3, 4, 5, 6], { 2: ymd, 3: ymd }))),
});

/** r3: .2, .4, .5 date, .6–.26; r3_1: .1, .2, .3, .6 days. */
const r3 = z.strictObject({
  ...row('r3', [2, ...range(4, 26)], { 5: ymd }),
  r3_1: z.array(z.strictObject(row('r3_1', [1, 2, 3, 6]))),
});

/** r9: like r3; r9_1: .1–.4. */
const r9 = z.strictObject({
  ...row('r9', [2, ...range(4, 26)], { 5: ymd }),
  r9_1: z.array(z.strictObject(row('r9_1', [1, 2, 3, 4]))),
});

const r4 = z.strictObject(row('r4', [1, 2, 9, 10, 11, 12], { 1: ymd }));
const r5 = z.strictObject(row('r5', [1, 2, 3]));
const r6 = z.strictObject(row('r6', [1, 3, 5], { 1: ymd }));
const r7 = z.strictObject(row('r7', range(3, 12), { 5: ymd, 6: ymd, 7: minute }));
const r8 = z.strictObject(row('r8', range(4, 10), { 5: ymd, 6: ymd, 7: minute }));
/** r10: .2, .4–.28, .30–.42 (no .1, .3, .29). */
const r10 = z.strictObject(row('r10', [2, ...range(4, 28), ...range(30, 42)], { 5: ymd }));
const r11 = z.strictObject({
  ...row('r11', [1, 2]),
  r11_1: z.array(z.strictObject(row('r11_1', [1, 2, 3, 4], { 1: ymd }))),
});

const SECTIONS = { r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11 } as const;

/** A whole file in NHI's layout: b1.1, b1.2, r0 as `{"r0": …}` rows, then any of r1–r11. */
export const appendixAFile = z.strictObject({
  myhealthbank: z.strictObject({
    bdata: z.strictObject({
      'b1.1': z.string(),
      'b1.2': z.string().regex(/^\d{8}$/),
      r0: z.array(z.strictObject({ r0: z.string() })),
      ...Object.fromEntries(Object.entries(SECTIONS).map(([key, s]) => [key, section(key, s).optional()])),
    }),
  }),
});

type Issue = z.core.$ZodIssue;

/** A section that is neither 無資料 nor valid rows reports the rows' problems, not just "invalid union". */
function flatten(issue: Issue, at: readonly PropertyKey[] = []): { path: PropertyKey[]; issue: Issue }[] {
  const path = [...at, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    return (issue.errors.at(-1) ?? []).flatMap((inner) => flatten(inner, path));
  }
  return [{ path, issue }];
}

/** The problems of a file against appendix A, each with its place (`r6.0: Unrecognized key: "r6.2"`). */
export function appendixAProblems(file: unknown): string[] {
  const result = appendixAFile.safeParse(file);
  if (result.success) return [];
  return result.error.issues.flatMap((i) =>
    flatten(i).map(({ path, issue }) => `${path.slice(2).map(String).join('.')}: ${issue.message}`),
  );
}
