/**
 * Test support: runs the `healthbank` command in-process with a captured terminal, the way a user
 * runs it, and returns what it printed and its exit code.
 */
import type { CliIo } from './io.js';
import { run } from './program.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `healthbank <args>` with the given environment; "today" is fixed so outputs are repeatable. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  today = '2026-11-01',
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env,
    today: () => today,
  };
  const code = await run(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
