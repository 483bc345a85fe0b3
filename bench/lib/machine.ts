/** What every benchmark result says about the machine it ran on. */
import os from 'node:os';
import { round } from './stats.js';

/** Node, platform, cores, CPU model and memory; the 1-minute load average at start when given. */
export function machineFacts(loadAverageAtStart?: number) {
  return {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGB: round(os.totalmem() / 1e9),
    ...(loadAverageAtStart === undefined ? {} : { loadAverageAtStart: round(loadAverageAtStart) }),
  };
}
