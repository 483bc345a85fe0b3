import type { ProgressStream } from './progress.js';

/** Where a command reads its environment and writes its output; tests pass their own. */
export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  env: Record<string, string | undefined>;
  /** Today's date as YYYY-MM-DD in Taiwan, the default end of synthetic histories. */
  today: () => string;
}

export function taiwanToday(now = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Taipei' }).format(now);
}

export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  today: () => taiwanToday(),
};

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
