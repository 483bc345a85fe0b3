/** Value conversions between typed records and the strings of the `mhb` file. */
import { BRANCHES, branchOf } from '../../identifiers/institution-code.js';
import { isIsoDate } from '../../query.js';

/** `2024-05-01` → `20240501`. */
export const ymd = (iso: string): string => iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);

/** `20240501` → `2024-05-01`, or undefined when it is not a real date. */
export function isoOfYmd(value: string): string | undefined {
  if (!/^\d{8}$/.test(value)) return undefined;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  return isIsoDate(iso) ? iso : undefined;
}

const TAIWAN_OFFSET_MS = 8 * 3_600_000;
const TAIPEI_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\+08:00$/;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** An instant as Taiwan local time `YYYYMMDDHHmm` (r7.7, r8.7); seconds are dropped. */
export function taipeiMinute(instant: string): string {
  const m = TAIPEI_LOCAL.exec(instant);
  if (m) return `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}`;
  const t = new Date(Date.parse(instant) + TAIWAN_OFFSET_MS);
  return (
    String(t.getUTCFullYear()) +
    pad2(t.getUTCMonth() + 1) +
    pad2(t.getUTCDate()) +
    pad2(t.getUTCHours()) +
    pad2(t.getUTCMinutes())
  );
}

/** `YYYYMMDDHHmm` (Taiwan time) → `YYYY-MM-DDTHH:mm:00+08:00`, or undefined if malformed. */
export function instantOfTaipeiMinute(value: string): string | undefined {
  if (!/^\d{12}$/.test(value)) return undefined;
  const date = isoOfYmd(value.slice(0, 8));
  const hh = Number(value.slice(8, 10));
  const mm = Number(value.slice(10, 12));
  if (!date || hh > 23 || mm > 59) return undefined;
  return `${date}T${value.slice(8, 10)}:${value.slice(10, 12)}:00+08:00`;
}

/** The Taiwan calendar date of an instant, as `YYYYMMDD` (b1.2). */
export const taipeiDate = (instant: string): string => taipeiMinute(instant).slice(0, 8);

/** 業務組 name of an institution (r1.2 …), from digits 3–4 of its code; empty if unknown. */
export function branchName(institutionCode: string): string {
  const branch = branchOf(institutionCode);
  return branch === undefined ? '' : BRANCHES[branch]['zh-TW'];
}

/**
 * A national ID masked as NHI's own files mask b1.1: the first six characters kept, the last four
 * starred (`A12345****`). Parsers of real files read another pattern (`A12****789`) as an unmasked
 * number. An ID already masked this way comes back unchanged; anything else is all stars.
 */
export function maskNationalIdAsNhi(id: string): string {
  return /^[A-Z][A-Z0-9]\d{4}[\d*]{4}$/.test(id) ? `${id.slice(0, 6)}****` : '**********';
}

/** A decimal written as NHI writes it: `28`, `0.5`. */
export const num = (n: number): string => String(n);

/** Parses a decimal string strictly (no blanks, no units); undefined if it is not one. */
export function parseNumber(value: string): number | undefined {
  if (!/^-?(\d+(\.\d+)?|\.\d+)(e[+-]?\d+)?$/i.test(value)) return undefined;
  return Number(value);
}

/**
 * Low and high of a reference range written as NHI does: `[0.7][1.3]`, `<5.7` or `<=5.7`
 * (high only), `>=60` or `>60` (low only). Other text has no parsed bounds.
 */
export function boundsOfRangeText(text: string): { low?: number; high?: number } {
  const both = /^\[([^\]]*)\]\[([^\]]*)\]$/.exec(text);
  if (both) {
    const low = parseNumber((both[1] as string).trim());
    const high = parseNumber((both[2] as string).trim());
    return { ...(low === undefined ? {} : { low }), ...(high === undefined ? {} : { high }) };
  }
  const one = /^(<=|<|>=|>)\s*(.+)$/.exec(text);
  if (one) {
    const value = parseNumber((one[2] as string).trim());
    if (value === undefined) return {};
    return (one[1] as string).startsWith('<') ? { high: value } : { low: value };
  }
  return {};
}
