/** Child processes in tests: the built `healthbank` command, started as a user would. */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The built CLI (`npm run build`, which `npm test` runs first through its typecheck). */
export const HEALTHBANK_BIN = resolve(import.meta.dirname, '../../packages/cli/dist/bin.js');

/**
 * Resolves with the first match of `pattern` in the child's stdout; rejects with everything it
 * printed (stdout and stderr) if it exits first or the time runs out.
 */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; output:\n${output}`));
    });
  });
}

/** Everything the child prints from now on, kept as it comes (read the properties when needed). */
export function collectOutput(child: ChildProcess): { readonly stdout: string; readonly stderr: string } {
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  return output;
}
