/**
 * A small file system for the disk-full round: a size-limited tmpfs mounted for the run (as root
 * on Linux), which a filler file then fills to the last byte.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface SmallDisk {
  path: string;
  bytes: number;
  release(): void;
}

/** Mounts a tmpfs of `bytes` at `path`, or says why it cannot. */
export function smallDisk(path: string, bytes: number): SmallDisk | { skipped: string } {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    return { skipped: 'mounting a size-limited file system needs root on Linux' };
  }
  mkdirSync(path, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', path], { stdio: 'pipe' });
  } catch (error) {
    return { skipped: `mount failed: ${(error as Error).message.split('\n')[0]}` };
  }
  return { path, bytes, release: () => execFileSync('umount', ['-l', path]) };
}

/** Writes a file in `dir` until the file system has no byte left; returns the file's path. */
export function fillDisk(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size, 0x55);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}
