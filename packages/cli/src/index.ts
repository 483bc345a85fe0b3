/** @healthbank/cli — the `healthbank` command, importable for tests and scripts. */
export { buildProgram, run } from './program.js';
export { type CliIo, processIo, taiwanToday } from './io.js';
export { ProgressBar } from './progress.js';
