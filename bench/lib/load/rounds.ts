/** Pooling several runs of one measure (the authorization benchmark's code grant comes in rounds). */
import type { CpuSplit, LoadResult, PhaseResult } from './job.js';

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function poolPhases(phases: readonly PhaseResult[]): PhaseResult {
  const statuses: Record<string, number> = {};
  for (const p of phases) for (const [k, n] of Object.entries(p.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  return {
    requests: sum(phases.map((p) => p.requests)),
    failed: sum(phases.map((p) => p.failed)),
    elapsedMs: sum(phases.map((p) => p.elapsedMs)),
    latenciesMs: phases.flatMap((p) => p.latenciesMs),
    bodyBytes: phases.flatMap((p) => p.bodyBytes),
    statuses,
    firstFailure: phases.find((p) => p.firstFailure)?.firstFailure,
    exhausted: phases.some((p) => p.exhausted),
  };
}

/**
 * Several runs of one measure as one: their requests, time, latencies and CPU added up (the gaps
 * between runs are in none of them). A single run is returned as it is.
 */
export function poolRounds(rounds: readonly LoadResult[]): LoadResult {
  const [first, ...rest] = rounds;
  if (!first) throw new Error('no rounds to pool');
  if (rest.length === 0) return first;
  const cpu = (key: keyof CpuSplit) => sum(rounds.map((r) => r.cpu[key]));
  return {
    warmup: poolPhases(rounds.map((r) => r.warmup)),
    measured: poolPhases(rounds.map((r) => r.measured)),
    prepared: {
      requests: sum(rounds.map((r) => r.prepared.requests)),
      ms: sum(rounds.map((r) => r.prepared.ms)),
    },
    cpu: {
      wallMs: cpu('wallMs'),
      serverMs: cpu('serverMs'),
      databaseMs: cpu('databaseMs'),
      generatorMs: cpu('generatorMs'),
      otherMs: cpu('otherMs'),
    },
  };
}
