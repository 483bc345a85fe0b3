/**
 * Helpers shared by the content-format tests (Node only; outside src, so never built or shipped):
 * the golden input, grouping a citizen's records by category, and the IG package's folder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORY_IDS } from '../src/categories.js';
import type { Citizen } from '../src/citizen.js';
import type { HealthRecord, RecordsByCategory } from '../src/record.js';

export const fixturesDir = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(fixturesDir, '..');
/** The TW Core IG files the tests use, kept in the repository (see its README for the licence). */
export const twcoreDir = path.resolve(packageRoot, 'ig', 'twcore-0.3.2');

export interface GoldenInput {
  citizen: Citizen;
  generatedAt: string;
  records: RecordsByCategory;
}

export function goldenInput(): GoldenInput {
  return JSON.parse(readFileSync(path.join(fixturesDir, 'golden-input.json'), 'utf8')) as GoldenInput;
}

/** Every category, in canonical order, with the citizen's records of it (possibly none). */
export function byCategory(records: readonly HealthRecord[]): RecordsByCategory {
  const out: Record<string, HealthRecord[]> = {};
  for (const id of CATEGORY_IDS) out[id] = [];
  for (const r of records) (out[r.category] as HealthRecord[]).push(r);
  return out as RecordsByCategory;
}

export const GENERATED_AT = '2025-06-30T09:00:00+08:00';
export const AS_OF = '2025-06-30';
