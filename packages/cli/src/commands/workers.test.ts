import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { MAX_RESTART_DELAY_MS, RESTART_DELAY_MS, restartDelay, workerCount } from './workers.js';

describe('the worker count', () => {
  it('is --workers, else HEALTHBANK_WORKERS, else 1', () => {
    expect(workerCount(undefined, undefined)).toBe(1);
    expect(workerCount(undefined, '')).toBe(1);
    expect(workerCount(undefined, '4')).toBe(4);
    expect(workerCount('2', '4')).toBe(2);
    expect(workerCount('64', undefined)).toBe(64);
  });

  it.each(['0', '65', '-1', '1.5', '1e1', 'two', '', ' '])('refuses --workers %j as the user’s to fix', (value) => {
    expect(() => workerCount(value, undefined)).toThrow(CliError);
    expect(() => workerCount(value, undefined)).toThrow(/^--workers must be a whole number from 1 to 64/);
  });
});

describe('restarts', () => {
  it('wait 1 s, doubling while workers keep dying young, never more than 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(restartDelay)).toEqual([
      RESTART_DELAY_MS,
      2_000,
      4_000,
      8_000,
      16_000,
      MAX_RESTART_DELAY_MS,
      MAX_RESTART_DELAY_MS,
      MAX_RESTART_DELAY_MS,
    ]);
  });
});
