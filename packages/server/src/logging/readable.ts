/**
 * The development terminal is read by people: one short line per event instead of pino's JSON,
 * and no line per request (Fastify's request logging is off in development; see app.ts).
 * Production keeps JSON lines, which log collectors parse.
 */
import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** pino's own fields, shown in the line's head or not at all. */
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v', 'reqId', 'req', 'res', 'err', 'responseTime']);

/**
 * Formats one pino JSON line as `12:03:45 warn  message  key=value …` (the error's message after it;
 * its stack only at debug and below, where a developer asked for detail).
 *
 * @example
 * ```ts
 * readableLine('{"level":40,"time":0,"msg":"artifact purge failed"}'); // '00:00:00 warn  artifact purge failed'
 * ```
 */
export function readableLine(json: string, showStacks = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = new Date(Number(entry.time ?? 0)).toISOString().slice(11, 19);
  const level = (LEVELS[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const parts = [`${time} ${level} ${String(entry.msg ?? '')}`, ...fields];
  if (err?.message) parts.push(`(${err.message})`);
  const line = parts.join('  ');
  return showStacks && err?.stack ? `${line}\n${err.stack}` : line;
}

/** A stream for pino's `stream` option that writes {@link readableLine}s to `out`. */
export function readableLogStream(out: NodeJS.WritableStream, showStacks = false): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(`${readableLine(line, showStacks)}\n`);
      done();
    },
  });
}
