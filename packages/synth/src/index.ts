/**
 * @healthbank/synth — a deterministic synthetic population of Taiwanese citizens with ten years
 * and more of My Health Bank records, for the sandbox, the tests and the benchmarks. Pure: no
 * I/O, no clock except the default `asOf`, no Math.random.
 */
export { generateCitizen } from './citizen.js';
export { MAX_ORDINARY_CITIZENS } from './identity.js';
export { generatePersonas, PERSONA_COUNT, PERSONA_IDS, WORKPLACE } from './personas.js';
export { DEFAULT_SEED, generatePopulation, type PopulationOptions, populationSize } from './population.js';
export { HISTORY_YEARS } from './profile.js';
