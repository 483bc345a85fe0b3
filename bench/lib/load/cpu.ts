/**
 * CPU accounting for a measured phase: readings of this process (the server) or of the server's
 * processes when it runs apart, of given processes
 * (the PostgreSQL backends serving it) and of the whole machine, from Linux's /proc; elsewhere the
 * per-process figures are unavailable and read as zero.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { CpuSplit } from './job.js';

/** Linux reports process times in clock ticks of 1/100 s on every mainstream architecture. */
const TICK_MS = 10;

/** One reading, taken when the child announces the measured phase's start or end. */
export interface CpuSnapshot {
  at: number;
  /** Microseconds, as `process.cpuUsage()` reports them. */
  server: NodeJS.CpuUsage;
  machineBusyMs: number;
  database: Map<number, number>;
}

/** Busy time of all cores together (user, nice, sys, irq), in milliseconds since boot. */
function machineBusyMs(): number {
  return os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

/** User plus system CPU time of each process still running, in milliseconds. */
function processCpuMs(pids: readonly number[]): Map<number, number> {
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

/** Several processes' CPU time together (user plus system), in milliseconds. */
export function processesCpuMs(pids: readonly number[]): number {
  let ms = 0;
  for (const value of processCpuMs(pids).values()) ms += value;
  return ms;
}

/** Several processes' CPU time together, in `process.cpuUsage()`'s shape (all of it as user time). */
function processesCpuUsage(pids: readonly number[]): NodeJS.CpuUsage {
  return { user: processesCpuMs(pids) * 1000, system: 0 };
}

/**
 * Reads the clocks now; the database's processes are asked for afterwards (a query), so the
 * synchronous readings stay as close as possible to the announcement.
 */
export async function cpuSnapshot(
  databasePids?: () => Promise<number[]>,
  serverPids?: () => number[],
): Promise<CpuSnapshot> {
  const at = performance.now();
  const server = serverPids ? processesCpuUsage(serverPids()) : process.cpuUsage();
  const busy = machineBusyMs();
  const database = databasePids ? processCpuMs(await databasePids()) : new Map<number, number>();
  return { at, server, machineBusyMs: busy, database };
}

/** Splits the machine's CPU between two readings; `generatorMs` is what the child measured of itself. */
export function cpuSplit(start: CpuSnapshot, end: CpuSnapshot, generatorMs: number): CpuSplit {
  const serverMs = (end.server.user - start.server.user + (end.server.system - start.server.system)) / 1000;
  // A database process missing from the first reading started in between.
  let databaseMs = 0;
  for (const [pid, ms] of end.database) databaseMs += ms - (start.database.get(pid) ?? 0);
  const busyMs = end.machineBusyMs - start.machineBusyMs;
  return {
    wallMs: end.at - start.at,
    serverMs,
    databaseMs,
    generatorMs,
    otherMs: Math.max(0, busyMs - serverMs - databaseMs - generatorMs),
  };
}
