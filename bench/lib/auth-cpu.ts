/**
 * CPU accounting for the authorization benchmark: how busy the whole machine was, and how much
 * CPU given processes (the PostgreSQL backends serving the benchmark) used, read from Linux's
 * /proc. Elsewhere the per-process figures are unavailable and read as zero.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Linux reports process times in clock ticks of 1/100 s on every mainstream architecture. */
const TICK_MS = 10;

/** Busy time of all cores together (user, nice, sys, irq), in milliseconds since boot. */
export function machineBusyMs(): number {
  return os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

/** User plus system CPU time of each process still running, in milliseconds. */
export function processCpuMs(pids: readonly number[]): Map<number, number> {
  const result = new Map<number, number>();
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name (which may contain spaces), from field 3: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    result.set(pid, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
  }
  return result;
}

/** CPU the processes used between two readings; a process missing from the first started in between. */
export function cpuBetween(start: Map<number, number>, end: Map<number, number>): number {
  let ms = 0;
  for (const [pid, t] of end) ms += t - (start.get(pid) ?? 0);
  return ms;
}
