/**
 * The population generator: personas first, then ordinary citizens one at a time, so a caller
 * can stream a million citizens into a database without holding them in memory.
 */
import { type CitizenRecords, isIsoDate } from '@healthbank/records';
import { generateCitizen } from './citizen.js';
import { todayInTaiwan } from './days.js';
import { MAX_ORDINARY_CITIZENS } from './identity.js';
import { generatePersonas, PERSONA_COUNT } from './personas.js';

export interface PopulationOptions {
  /** Ordinary citizens to generate (the personas come on top). */
  citizens: number;
  /** Default `healthbank`. */
  seed?: string;
  /** Last day of the history, `YYYY-MM-DD`; default today in Taiwan. */
  asOf?: string;
  /** Generate the personas first; default true. */
  personas?: boolean;
}

export const DEFAULT_SEED = 'healthbank';

/** Total citizens the options produce, personas included (for progress bars). */
export function populationSize(opts: PopulationOptions): number {
  return opts.citizens + (opts.personas === false ? 0 : PERSONA_COUNT);
}

function resolve(opts: PopulationOptions): { seed: string; asOf: string } {
  if (!Number.isInteger(opts.citizens) || opts.citizens < 0 || opts.citizens > MAX_ORDINARY_CITIZENS) {
    throw new RangeError(`citizens must be a whole number from 0 to ${MAX_ORDINARY_CITIZENS}`);
  }
  const asOf = opts.asOf ?? todayInTaiwan(new Date());
  if (!isIsoDate(asOf)) throw new RangeError(`asOf must be a date YYYY-MM-DD, got "${asOf}"`);
  return { seed: opts.seed ?? DEFAULT_SEED, asOf };
}

/**
 * Generates a population lazily: the personas (unless `personas: false`), then `citizens`
 * ordinary citizens. Deterministic for a given seed and `asOf`.
 * @example for (const { citizen, records } of generatePopulation({ citizens: 1000, asOf: '2025-06-30' })) { … }
 */
export function* generatePopulation(opts: PopulationOptions): Generator<CitizenRecords> {
  const { seed, asOf } = resolve(opts);
  if (opts.personas !== false) yield* generatePersonas(seed, asOf);
  for (let i = 0; i < opts.citizens; i++) yield generateCitizen(seed, i, asOf);
}
