import { describe, expect, it } from 'vitest';
import { readableLine, readableLogStream } from './readable.js';

describe('readable development log', () => {
  it('turns a pino line into time, level, message and the extra fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 11, 3, 9, 5, 7),
      pid: 1,
      hostname: 'h',
      msg: 'upstream sign-in refused',
      reason: 'nonce',
    });
    expect(readableLine(line)).toBe('09:05:07 warn  upstream sign-in refused  reason=nonce');
  });

  it("adds an error's message, and its stack only when asked", () => {
    const line = JSON.stringify({
      level: 50,
      time: 0,
      msg: 'delivery failed',
      err: { message: 'ECONNREFUSED', stack: 'Error: ECONNREFUSED\n    at x' },
    });
    expect(readableLine(line)).toBe('00:00:00 error delivery failed  (ECONNREFUSED)');
    expect(readableLine(line, true)).toContain('\n    at x');
  });

  it('passes through what is not JSON and reassembles lines split across chunks', async () => {
    const out: string[] = [];
    const stream = readableLogStream({ write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream);
    const line = JSON.stringify({ level: 30, time: 0, msg: 'listening' });
    stream.write(line.slice(0, 10));
    stream.write(`${line.slice(10)}\nplain text\n`);
    await new Promise((resolve) => stream.end(resolve));
    expect(out).toEqual(['00:00:00 info  listening\n', 'plain text\n']);
  });
});
