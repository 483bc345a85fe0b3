/**
 * One ordinary citizen, generated from the seed and the citizen's index alone, so any citizen
 * can be regenerated without the others and a population can be streamed.
 */
import type { CitizenRecords } from '@healthbank/records';
import { dayOf, yearOf } from './days.js';
import { careHistory } from './history.js';
import { nationalIdFor, nhiCardNumberFor, recordKeyFor, serialOfIndex } from './identity.js';
import { directoryFor } from './institutions.js';
import { chineseName } from './names.js';
import { buildProfile, type Profile, sampleDemographics } from './profile.js';
import { hashString, Rng } from './rng.js';

/** The profile behind an ordinary citizen (exported for tests and tools). */
export function citizenProfile(seed: string, index: number, asOf: string): Profile {
  const rng = new Rng(`${seed}#${index}`);
  const end = dayOf(asOf);
  const demographics = sampleDemographics(rng);
  const serial = serialOfIndex(index);
  return buildProfile(rng, {
    index,
    key: recordKeyFor(hashString(seed)[0], index, 'c'),
    endDay: end,
    directory: directoryFor(seed),
    demographics,
    name: chineseName(rng, demographics.sex, yearOf(end) - demographics.age),
    identity: (sex, letter) => ({
      nationalId: nationalIdFor(letter, sex, serial),
      nhiCardNumber: nhiCardNumberFor(serial),
    }),
  });
}

/**
 * Generates citizen `index` of the population of `seed`, with a history up to `asOf`.
 * @example generateCitizen('demo', 0, '2025-06-30').citizen.nationalId
 */
export function generateCitizen(seed: string, index: number, asOf: string): CitizenRecords {
  const profile = citizenProfile(seed, index, asOf);
  return { citizen: profile.citizen, records: careHistory(profile, `${seed}#${index}`) };
}
