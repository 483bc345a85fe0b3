/** @healthbank/cli — the `healthbank` command, importable for tests and scripts. */

export { type CliIo, processIo, taiwanToday } from './io.js';
export { buildProgram, run } from './program.js';
export { ProgressBar } from './progress.js';
